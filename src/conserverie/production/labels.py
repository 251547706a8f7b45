"""Jar labels: an A4 sheet of stickers (ReportLab) for a production lot, each with a QR code to its public page.

Everything printed comes from the lot's frozen recipe snapshot and the ledger, so a label never disagrees with
the trace or the public page. Fonts: no text below MIN_FONT_PT, chosen so that the x-height of the printed
text is at least 1.2 mm (Regulation (EU) 1169/2011, art. 13 and Annex IV).
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.db.models import Sum
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph

from conserverie.production.models import ProductionLot
from conserverie.recipes.models import ALLERGEN_LABELS
from conserverie.stock.models import MovementKind, StockMovement


@dataclass(frozen=True)
class Sheet:
    """An A4 sheet of self-adhesive labels; all lengths in millimetres, from the sheet's top-left corner."""

    code: str
    columns: int
    rows: int
    width: float  # one label
    height: float
    left: float  # left margin to the first label
    top: float  # top margin to the first label
    pitch_x: float  # from the left edge of a label to the left edge of the next one
    pitch_y: float
    qr: float  # side of the QR code, quiet zone included

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner (in mm, PDF coordinates) of label `index` (0 = top-left, row by row)."""
        row, column = divmod(index % self.per_sheet, self.columns)
        x = self.left + column * self.pitch_x
        y = A4[1] / mm - self.top - row * self.pitch_y - self.height
        return x, y


SHEETS = {
    # Avery L7163 (J8163): 14 labels of 99.1 × 38.1 mm, 2 columns × 7 rows, 2.5 mm between columns.
    "L7163": Sheet("L7163", 2, 7, 99.1, 38.1, left=4.65, top=15.15, pitch_x=101.6, pitch_y=38.1, qr=20),
    # Avery L7160 (J8160): 21 labels of 63.5 × 38.1 mm, 3 columns × 7 rows, 2.5 mm between columns.
    "L7160": Sheet("L7160", 3, 7, 63.5, 38.1, left=7.2, top=15.15, pitch_x=66.0, pitch_y=38.1, qr=15),
}
DEFAULT_SHEET = "L7163"

# x-height of the fonts a viewer may print Helvetica with, in thousandths of the font size: Helvetica's AFM
# says 523 (bold 532); Arial and Liberation Sans, its usual substitutes, 519. The smallest one decides.
X_HEIGHT_EM = Decimal("0.519")
MIN_X_HEIGHT_MM = Decimal("1.2")
PT_MM = Decimal("25.4") / Decimal("72")
# 6.6 pt: 6.6 × 0.3528 mm × 0.519 = 1.208 mm of x-height.
MIN_FONT_PT = float(math.ceil(MIN_X_HEIGHT_MM / (X_HEIGHT_EM * PT_MM) * 10) / 10)
FONT_SIZES = [8.5, 8.0, 7.5, 7.0, MIN_FONT_PT]
PADDING = 1.5  # mm inside each label edge
GAP = 1.5  # mm between the text and the QR code

# French words that reveal an allergen in an ingredient's name, to print it in bold (Annex II).
ALLERGEN_WORDS = {
    "gluten": ("blé", "farine", "orge", "seigle", "avoine", "épeautre", "gluten"),
    "crustaceans": ("crevette", "crabe", "homard", "langoustine", "crustacé"),
    "eggs": ("œuf", "oeuf"),
    "fish": ("poisson", "anchois", "thon", "sardine"),
    "peanuts": ("arachide", "cacahuète"),
    "soy": ("soja",),
    "milk": ("lait", "beurre", "crème", "fromage"),
    "nuts": ("noix", "noisette", "amande", "pistache", "cajou", "pécan"),
    "celery": ("céleri",),
    "mustard": ("moutarde",),
    "sesame": ("sésame",),
    "sulphites": ("sulfite", "vin"),
    "lupin": ("lupin",),
    "molluscs": ("moule", "huître", "calamar", "mollusque"),
}


@dataclass
class LabelSheetPdf:
    content: bytes
    labels: int
    pages: int
    smallest_font_pt: float
    overflow: bool  # some text did not fit even at the smallest size (cut): use the larger sheet


def lot_url(lot: ProductionLot) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/l/{lot.code}/"


def french_money(amount) -> str:
    return f"{Decimal(amount):.2f}".replace(".", ",") + " €"


def jars_filled(lot: ProductionLot) -> list[dict]:
    """One row per jar format: its id, deposit and the number of jars filled (one query)."""
    return list(
        StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED)
        .values("jar_format_id", "jar_format__name", "jar_format__deposit_eur")
        .annotate(jars=Sum("quantity"))
        .order_by("jar_format__volume_ml")
    )


def _ingredients_markup(snapshot: dict) -> str:
    words = [w for code in snapshot.get("allergens", []) for w in ALLERGEN_WORDS.get(code, ())]
    parts = []
    for ingredient in snapshot.get("ingredients", []):
        name = escape(ingredient["name"])
        lowered = ingredient["name"].lower()
        parts.append(f"<b>{name}</b>" if any(w in lowered for w in words) else name)
    return ", ".join(parts)


def _paragraph_texts(lot: ProductionLot, fmt: dict) -> list[tuple[str, bool]]:
    """(markup, is_title) of each block of a label, in reading order."""
    snapshot = lot.recipe_snapshot
    schedule = snapshot.get("formats", {}).get(str(fmt["jar_format_id"]), {})
    allergens = [str(ALLERGEN_LABELS.get(code, code)) for code in snapshot.get("allergens", [])]
    territory = lot.territory
    weight = f"{schedule['net_weight_g']} g" if schedule.get("net_weight_g") else fmt["jar_format__name"]
    blocks = [
        (escape(snapshot["name"]), True),
        ("Ingrédients : " + _ingredients_markup(snapshot), False),
        (
            "Allergènes : " + ", ".join(f"<b>{escape(a)}</b>" for a in allergens)
            if allergens
            else "Sans allergène réglementaire",
            False,
        ),
        (f"Poids net : {weight} · Consigne du bocal : {french_money(fmt['jar_format__deposit_eur'])}", False),
        (f"Lot <b>{escape(lot.code)}</b> · fabriqué le {lot.produced_on:%d/%m/%Y}", False),
        (f"À consommer de préférence avant le : <b>{lot.best_before:%d/%m/%Y}</b>", False),
    ]
    if snapshot.get("storage_advice"):
        blocks.append((escape(snapshot["storage_advice"]), False))
    who = territory.organisation or territory.name
    blocks.append((escape(f"{who} — {territory.address}" if territory.address else who), False))
    return blocks


def _paragraphs(blocks, size: float) -> list[Paragraph]:
    body = ParagraphStyle("label", fontName="Helvetica", fontSize=size, leading=size * 1.12)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=size + 1.5, leading=size * 1.3)
    return [Paragraph(text, title if is_title else body) for text, is_title in blocks]


def _frames(sheet: Sheet, x: float, y: float) -> list[Frame]:
    """Text above the QR code on the label's full width, then on its left, beside the QR code (mm in, points out)."""
    inner = sheet.width - 2 * PADDING
    low = sheet.qr  # the QR code sits in the bottom-right corner
    high = sheet.height - 2 * PADDING - low
    boxes = [
        (x + PADDING, y + PADDING + low, inner, high),
        (x + PADDING, y + PADDING, inner - sheet.qr - GAP, low),
    ]
    return [
        Frame(bx * mm, by * mm, bw * mm, bh * mm, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        for bx, by, bw, bh in boxes
    ]


def _flow(canvas: Canvas, frames: list[Frame], paragraphs: list) -> bool:
    """Flow the paragraphs through the frames; True when everything found a place."""
    pending = list(paragraphs)
    for frame in frames:
        while pending and frame.add(pending[0], canvas, trySplit=1):
            pending.pop(0)
        if pending:
            parts = frame.split(pending[0], canvas)
            if parts and frame.add(parts[0], canvas):
                pending[0:1] = parts[1:]
    return not pending


def _fit(blocks, sheet: Sheet) -> tuple[float, bool]:
    """The largest font size whose text fits on the label (tried on a scratch canvas); the smallest one, cut."""
    scratch = Canvas(BytesIO(), pagesize=A4)
    for size in FONT_SIZES:
        if _flow(scratch, _frames(sheet, 0, 0), _paragraphs(blocks, size)):
            return size, False
    return MIN_FONT_PT, True


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR code as vector squares (one rectangle per run of dark modules), 2-module quiet zone inside `side`."""
    qr = segno.make(url, error="m")
    matrix = qr.matrix
    count = len(matrix) + 4
    module = side / count
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        top = y + side - (r + 2) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + (start + 2) * module, top - module, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1


def _draw_label_at(canvas: Canvas, sheet: Sheet, x: float, y: float, paragraphs, url: str) -> None:
    _draw_qr(canvas, url, (x + sheet.width - PADDING - sheet.qr) * mm, (y + PADDING) * mm, sheet.qr * mm)
    _flow(canvas, _frames(sheet, x, y), paragraphs)


def lot_labels_pdf(lot: ProductionLot, *, sheet: str = DEFAULT_SHEET, count: int | None = None) -> LabelSheetPdf:
    """Labels for `lot`: one per jar filled, per format (or `count` per format), on A4 sheets of `sheet`."""
    layout = SHEETS[sheet]
    url = lot_url(lot)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Étiquettes {lot.code}")
    canvas.setAuthor(lot.territory.organisation or lot.territory.name)
    index, smallest, overflow = 0, max(FONT_SIZES), False
    for fmt in jars_filled(lot):
        blocks = _paragraph_texts(lot, fmt)
        size, cut = _fit(blocks, layout)
        smallest, overflow = min(smallest, size), overflow or cut
        # Every label of a format is the same drawing: drawn once as a form XObject, then placed on each label.
        form = f"label-{fmt['jar_format_id']}"
        canvas.beginForm(form)
        _draw_label_at(canvas, layout, 0, 0, _paragraphs(blocks, size), url)
        canvas.endForm()
        for _ in range(fmt["jars"] if count is None else count):
            if index and index % layout.per_sheet == 0:
                canvas.showPage()
            x, y = layout.origin(index)
            canvas.saveState()
            canvas.translate(x * mm, y * mm)
            canvas.doForm(form)
            canvas.restoreState()
            index += 1
    canvas.showPage()
    canvas.save()
    pages = max(1, math.ceil(index / layout.per_sheet))
    return LabelSheetPdf(buffer.getvalue(), labels=index, pages=pages, smallest_font_pt=smallest, overflow=overflow)
