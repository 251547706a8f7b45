"""Jar labels: an A4 sheet of stickers (ReportLab) for a production lot, each with a QR code to its public page.

Everything printed comes from the lot's label model (production/labelling.py), so a label never disagrees with
the public page or `label-data`. Sizes (docs/labels-en.md):
- no text below MIN_FONT_PT, chosen so that the x-height of the printed text is at least 1.2 mm (Regulation (EU)
  1169/2011, art. 13(2) and Annex IV). The 0.9 mm allowed where the package's largest surface is under 80 cm² is
  used on no sheet: every jar of the range (250 ml and more) has a larger surface than that;
- the net quantity's figures at least 2, 3, 4 or 6 mm high by quantity (Directive 76/211/EEC, Annex I point 3.1);
- when the mandatory text does not fit, no PDF (LabelDoesNotFit names the sheets and layouts that fit).
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph

from conserverie.production.labelling import (
    LabelFormat,
    LotLabel,
    drained_text,
    ingredients_markup,
    jam_texts,
    lot_label,
    may_contain_text,
    net_digit_height_mm,
    net_text,
    nutrition_text,
    operator_text,
    organic_text,
)
from conserverie.production.models import ProductionLot


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
    "L7163": Sheet("L7163", 2, 7, 99.1, 38.1, left=4.65, top=15.15, pitch_x=101.6, pitch_y=38.1, qr=17),
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

# Figures of the net quantity: their height in thousandths of the font size. Helvetica's AFM gives 703 for the
# digits (0 overshoots to 722); the substitutes a viewer may use are about as tall. The smallest one decides.
DIGIT_HEIGHT_EM = Decimal("0.700")
LAYOUTS = {
    "single": _("une étiquette par bocal"),
    "front_back": _("deux étiquettes par bocal : devant (dénomination, poids net, DDM, lot) et dos (le reste)"),
}
DEFAULT_LAYOUT = "single"


class LabelProblem(Exception):
    """Labels that would leave out a mandatory particular are not printed (issue #15, "nothing is dropped")."""


class LabelIncomplete(LabelProblem):
    def __init__(self, lot, missing):
        self.missing = list(missing)
        super().__init__(
            _("Étiquettes du lot %(lot)s non produites : il manque %(missing)s.")
            % {"lot": lot.code, "missing": " ; ".join(self.missing)}
        )


class LabelDoesNotFit(LabelProblem):
    def __init__(self, lot, sheet, layout, fits):
        self.sheet, self.layout, self.fits = sheet, layout, list(fits)
        if self.fits:
            options = ", ".join(f"{code} ({LAYOUTS[lay]})" for code, lay in self.fits)
            advice = _("Ce qui tient : %(options)s.") % {"options": options}
        else:
            advice = _("Aucune planche ne convient : raccourcissez le conseil de conservation ou la dénomination.")
        super().__init__(
            _(
                "Le texte obligatoire du lot %(lot)s ne tient pas sur une étiquette %(sheet)s (%(layout)s) avec des "
                "caractères assez grands : aucune étiquette n'est produite. %(advice)s"
            )
            % {"lot": lot.code, "sheet": sheet, "layout": LAYOUTS[layout], "advice": advice}
        )


@dataclass
class LabelSheetPdf:
    content: bytes
    labels: int
    pages: int
    smallest_font_pt: float
    layout: str
    net_font_pt: dict  # jar format id -> font size of the net quantity's figures


def lot_url(lot: ProductionLot) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/l/{lot.code}/"


def french_money(amount) -> str:
    return f"{Decimal(amount):.2f}".replace(".", ",") + " €"


def net_font_pt(net_g: int) -> float:
    """The font size whose figures are at least as tall as Directive 76/211/EEC asks for `net_g`."""
    mm_high = Decimal(str(net_digit_height_mm(net_g)))
    return float(math.ceil(mm_high / (DIGIT_HEIGHT_EM * PT_MM) * 10) / 10)


def _blocks(label: LotLabel, fmt: LabelFormat, part: str) -> list[tuple[str, str]]:
    """(markup, style) of each block of one label, in reading order; `part` is "all", "front" or "back"."""
    title = (escape(label.name), "title")
    net = f'Poids net : <font size="{net_font_pt(fmt.net_g)}"><b>{escape(net_text(fmt))}</b></font>'
    if fmt.drained_g:
        net += f" · Poids net égoutté : <b>{escape(drained_text(fmt))}</b>"
    date_lot = (
        f"À consommer de préférence avant le : <b>{label.ddm:%d/%m/%Y}</b> · Lot <b>{escape(label.lot)}</b>",
        "body",
    )
    front = [title, (net, "net"), date_lot]
    back = [(ingredients_markup(label, escape), "body")]
    for text in (organic_text(label), may_contain_text(label), " ".join(jam_texts(label)), nutrition_text(label)):
        if text:
            back.append((escape(text), "body"))
    back += [
        (escape(label.storage), "body"),
        (escape(operator_text(label)), "body"),
        (escape(f"Consigne du bocal : {french_money(fmt.deposit_eur)}"), "body"),
    ]
    if part == "front":
        return front
    if part == "back":
        return [*back[:-1], (f"Lot <b>{escape(label.lot)}</b> · " + back[-1][0], "body")]
    return [title, *back[:-3], (net, "net"), date_lot, *back[-3:]]


def _paragraphs(blocks, size: float) -> list[Paragraph]:
    body = ParagraphStyle("label", fontName="Helvetica", fontSize=size, leading=size * 1.12)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=size + 1.5, leading=size * 1.3)
    paragraphs = []
    for text, style in blocks:
        if style == "net":
            big = max(float(m) for m in re.findall(r'size="([0-9.]+)"', text))
            paragraphs.append(
                Paragraph(text, ParagraphStyle("net", parent=body, leading=big * 1.08, spaceAfter=size * 0.3))
            )
        else:
            paragraphs.append(Paragraph(text, title if style == "title" else body))
    return paragraphs


def _frames(sheet: Sheet, x: float, y: float, *, qr: bool = True) -> list[Frame]:
    """Text above the QR code on the label's full width, then on its left, beside the QR code (mm in, points out).

    Without a QR code (the back of a two-label layout), the whole label."""
    inner = sheet.width - 2 * PADDING
    if qr:
        low = sheet.qr  # the QR code sits in the bottom-right corner
        high = sheet.height - 2 * PADDING - low
        boxes = [
            (x + PADDING, y + PADDING + low, inner, high),
            (x + PADDING, y + PADDING, inner - sheet.qr - GAP, low),
        ]
    else:
        boxes = [(x + PADDING, y + PADDING, inner, sheet.height - 2 * PADDING)]
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


def _fit(blocks, sheet: Sheet, *, qr: bool = True) -> float | None:
    """The largest font size whose text fits on the label (tried on a scratch canvas); None when none does."""
    scratch = Canvas(BytesIO(), pagesize=A4)
    for size in FONT_SIZES:
        if _flow(scratch, _frames(sheet, 0, 0, qr=qr), _paragraphs(blocks, size)):
            return size
    return None


def _parts(layout: str) -> list[tuple[str, bool]]:
    """The labels each jar gets: (part, with the QR code)."""
    return [("all", True)] if layout == "single" else [("front", True), ("back", False)]


def _sizes(label: LotLabel, sheet: Sheet, layout: str) -> dict | None:
    """Font size per (format, part), or None when some mandatory text does not fit."""
    sizes = {}
    for fmt in label.formats:
        for part, qr in _parts(layout):
            size = _fit(_blocks(label, fmt, part), sheet, qr=qr)
            if size is None:
                return None
            sizes[fmt.jar_format_id, part] = size
    return sizes


def fitting_layouts(label: LotLabel) -> list[tuple[str, str]]:
    """Every (sheet, layout) on which the whole mandatory text of `label` fits."""
    return [(code, layout) for code, sheet in SHEETS.items() for layout in LAYOUTS if _sizes(label, sheet, layout)]


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


def lot_labels_pdf(
    lot: ProductionLot,
    *,
    sheet: str = DEFAULT_SHEET,
    count: int | None = None,
    layout: str = DEFAULT_LAYOUT,
    label: LotLabel | None = None,
) -> LabelSheetPdf:
    """Labels for `lot`: one per jar filled, per format (or `count` per format), on A4 sheets of `sheet`.

    Raises LabelIncomplete when a mandatory particular is unknown and LabelDoesNotFit when the mandatory text
    does not fit at the legal sizes: a label with a particular cut off is never produced."""
    layout_sheet = SHEETS[sheet]
    label = label or lot_label(lot)
    if label.missing:
        raise LabelIncomplete(lot, label.missing)
    sizes = _sizes(label, layout_sheet, layout)
    if sizes is None:
        raise LabelDoesNotFit(lot, sheet, layout, fitting_layouts(label))
    url = lot_url(lot)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Étiquettes {lot.code}")
    canvas.setAuthor(label.operator.name)
    index = 0
    for fmt in label.formats:
        forms = []
        # Every label of a format is the same drawing: drawn once as a form XObject, then placed on each label.
        for part, qr in _parts(layout):
            form = f"label-{fmt.jar_format_id}-{part}"
            canvas.beginForm(form)
            if qr:
                x = (layout_sheet.width - PADDING - layout_sheet.qr) * mm
                _draw_qr(canvas, url, x, PADDING * mm, layout_sheet.qr * mm)
            blocks = _blocks(label, fmt, part)
            _flow(canvas, _frames(layout_sheet, 0, 0, qr=qr), _paragraphs(blocks, sizes[fmt.jar_format_id, part]))
            canvas.endForm()
            forms.append(form)
        for _jar in range(fmt.jars if count is None else count):
            for form in forms:
                if index and index % layout_sheet.per_sheet == 0:
                    canvas.showPage()
                x, y = layout_sheet.origin(index)
                canvas.saveState()
                canvas.translate(x * mm, y * mm)
                canvas.doForm(form)
                canvas.restoreState()
                index += 1
    canvas.showPage()
    canvas.save()
    pages = max(1, math.ceil(index / layout_sheet.per_sheet))
    return LabelSheetPdf(
        buffer.getvalue(),
        labels=index,
        pages=pages,
        smallest_font_pt=min(sizes.values()),
        layout=layout,
        net_font_pt={fmt.jar_format_id: net_font_pt(fmt.net_g) for fmt in label.formats},
    )
