"""The HACCP register of a territory for a period: every lot with its critical-control records, in one read.

One query for the lots and one per kind of record (prefetch): the page and both exports cost the same number of
queries whatever the number of lots. The PDF (ReportLab) and the XLSX (openpyxl) are written from the same rows.

What an inspector reads in it (Regulation (EC) 852/2004 art. 5(2)(g) and (4): records that show the HACCP plan is
applied): per lot, each control with the recipe's target beside the reading, who read it, when, with which
equipment, the lethality against its minimum, the stability test, the seal check, the corrective actions, who
released the lot and any recall. Every sheet of the PDF carries the period, the print date and « page n / total »;
no date is ever cut across two lines. The XLSX stores days as dates and pH, °C, minutes and F as numbers.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from conserverie.core.exports import XlsxBook
from conserverie.core.pdf_grid import Grid
from conserverie.core.pdf_pages import numbered_canvas
from conserverie.production.models import (
    CorrectiveAction,
    HeatTreatmentRecord,
    LotStatus,
    ProductionLot,
    Recall,
    SealCheck,
    StabilityTest,
)
from conserverie.recipes.models import HeatTreatment
from conserverie.stock.models import MovementKind


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def register_lots(territory, period: Period):
    return (
        ProductionLot.objects.filter(territory=territory, produced_on__range=(period.start, period.end))
        .select_related("created_by")
        .annotate(jars_made=Sum("movements__quantity", filter=Q(movements__kind=MovementKind.PRODUCED)))
        # Lists (to_attr), not related managers: Django then builds no queryset per lot and relation to hold the
        # prefetched rows (750 querysets cloned for 150 lots, about a tenth of the PDF's time; issue 20).
        .prefetch_related(
            Prefetch(
                "treatments",
                HeatTreatmentRecord.objects.select_related("jar_format", "operator").order_by("recorded_at", "id"),
                to_attr="register_treatments",
            ),
            Prefetch(
                "seal_checks",
                SealCheck.objects.select_related("checked_by").order_by("checked_at", "id"),
                to_attr="register_seal_checks",
            ),
            Prefetch(
                "corrective_actions",
                CorrectiveAction.objects.select_related("done_by").order_by("done_at", "id"),
                to_attr="register_corrective_actions",
            ),
            Prefetch(
                "recalled_in",
                Recall.objects.select_related("lot", "recalled_by").order_by("recalled_at", "id"),
                to_attr="register_recalls",
            ),
            Prefetch(
                "stability_tests",
                StabilityTest.objects.select_related("started_by", "examined_by").order_by("started_on", "id"),
                to_attr="register_stability_tests",
            ),
        )
        .order_by("produced_on", "code")
    )


NBSP = "\u00a0"


def _d(day) -> str:
    """dd/mm/yyyy: what date_format(day, "d/m/Y") writes, without its per-call format lookups (issue 20)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def _dt(moment) -> str:
    """A moment as dd/mm/yyyy hh:mm in the territory's time zone (the space between day and time never breaks)."""
    if not moment:
        return ""
    if isinstance(moment, datetime):
        local = timezone.localtime(moment)
        return f"{_d(local)}{NBSP}{local.hour:02d}:{local.minute:02d}"  # date_format's "d/m/Y" and "H:i"
    return _d(moment)


def _who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _num(value) -> Decimal | None:
    """A number of the recipe snapshot (stored as a string, "None" when absent), or None."""
    if value in (None, "", "None"):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _fr(value) -> str:
    """A decimal as the French write it: 4,2 ; 121,1."""
    if value is None:
        return ""
    text = format(value.normalize() if isinstance(value, Decimal) else value, "f")
    return text.replace(".", ",")


@dataclass
class Control:
    """One line of the register: a control with the recipe's target beside what was read, who and when.

    The text fields are what the page and the PDF print; the numbers are what the spreadsheet types."""

    kind: str
    subject: str = ""
    target: str = ""
    reading: str = ""
    verdict: str = ""
    who: str = ""
    when: datetime | date | None = None
    equipment: str = ""
    target_c: Decimal | None = None
    target_min: int | None = None
    reading_c: Decimal | None = None
    reading_min: int | None = None
    lethality: Decimal | None = None
    lethality_min: Decimal | None = None
    tref: Decimal | None = None
    z: Decimal | None = None
    ph: Decimal | None = None
    ph_limit: Decimal | None = None

    @property
    def when_text(self) -> str:
        return _dt(self.when)


def _signers(lots) -> dict:
    """Who released each lot and when (its last history row with the status « released »): one query."""
    ids = [lot.pk for lot in lots]
    signed = {}
    rows = (
        ProductionLot.history.filter(id__in=ids, status=LotStatus.RELEASED)
        .select_related("history_user")
        .order_by("id", "history_date")
    )
    for row in rows:
        signed[row.id] = (row.history_user, row.history_date)
    return signed


def _treatment_control(t, schedule) -> Control:
    schedule = schedule or {}
    subject = t.jar_format.name + (" · " + _("fournée %(n)s") % {"n": t.batch} if t.batch else "")
    target_c, target_min = _num(schedule.get("temperature_c")), schedule.get("minutes")
    treatment = schedule.get("treatment") or t.treatment
    label = str(HeatTreatment(treatment).label).split(" (")[0] if treatment in HeatTreatment.values else treatment
    target = _("%(t)s %(c)s °C pendant %(m)s min") % {"t": label, "c": _fr(target_c), "m": target_min}
    minimum = t.target_minimum_min if t.target_minimum_min is not None else _num(schedule.get("target_minimum_min"))
    tref = t.target_tref_c if t.target_tref_c is not None else _num(schedule.get("target_tref_c"))
    z = t.target_z_c if t.target_z_c is not None else _num(schedule.get("target_z_c"))
    if minimum is not None:
        target += " ; " + _("F au moins %(m)s min (Tref %(tref)s °C, z %(z)s °C)") % {
            "m": _fr(minimum),
            "tref": _fr(tref),
            "z": _fr(z),
        }
    reading = _("%(c)s °C pendant %(m)s min") % {"c": _fr(t.temperature_c), "m": t.minutes}
    if t.lethality_min is not None:
        reading += " ; " + _("F à cœur %(v)s min") % {"v": _fr(t.lethality_min)}
    if t.lethality_short:
        verdict = _("valeur insuffisante")
    elif not t.within_limits:
        verdict = _("hors barème")
    else:
        verdict = _("conforme")
    return Control(
        kind=_("Traitement thermique"),
        subject=subject,
        target=target,
        reading=reading,
        verdict=verdict,
        who=_who(t.operator),
        when=t.recorded_at,
        equipment=t.get_equipment_display() if t.equipment else "",
        target_c=target_c,
        target_min=target_min,
        reading_c=t.temperature_c,
        reading_min=t.minutes,
        lethality=t.lethality_min,
        lethality_min=minimum,
        tref=tref,
        z=z,
    )


def _stability_control(test) -> Control:
    target = _("7 jours à 37 °C") + (" " + _("et 7 jours à 55 °C") if test.at_55 else "")
    target += " : " + _("ni bocal bombé ni fuite, dérive du pH au plus 0,5, aspect normal")
    reading = _("%(n)s bocaux du %(a)s au %(b)s") % {"n": test.jars, "a": _d(test.started_on), "b": _d(test.ends_on)}
    if test.examined_on:
        facts = [
            _("bombé") if test.swelling else _("pas bombé"),
            _("fuite") if test.leak else _("pas de fuite"),
            _("aspect normal") if test.appearance_ok else _("aspect anormal"),
        ]
        if test.ph_before is not None and test.ph_after is not None:
            facts.append(_("pH %(a)s puis %(b)s") % {"a": _fr(test.ph_before), "b": _fr(test.ph_after)})
        reading += " ; " + ", ".join(str(f) for f in facts)
    if test.note:
        reading += f" — {test.note}"
    return Control(
        kind=_("Test de stabilité"),
        target=target,
        reading=reading,
        verdict=test.get_result_display(),
        who=_who(test.examined_by or test.started_by),
        when=test.examined_on or test.started_on,
        ph=test.ph_after,
    )


def lot_controls(lot, signer=None) -> list[Control]:
    """The lot's controls in the order they happen: heat treatment, pH, seal check, stability test, corrective
    actions, release, recall. `lot` comes from `register_lots` (its records prefetched as lists)."""
    snapshot = lot.recipe_snapshot
    formats = snapshot.get("formats", {})
    controls = [_treatment_control(t, formats.get(str(t.jar_format_id))) for t in lot.register_treatments]
    ph_limit = _num(snapshot.get("ph_limit"))
    if lot.ph_measured is not None or ph_limit is not None:
        if lot.ph_measured is None:
            verdict = _("non mesuré")
        elif ph_limit is not None and lot.ph_measured > ph_limit:
            verdict = _("au-dessus de la limite")
        else:
            verdict = _("conforme")
        controls.append(
            Control(
                kind=_("pH"),
                target=_("au plus %(l)s") % {"l": _fr(ph_limit)} if ph_limit is not None else "—",
                reading=_fr(lot.ph_measured) or "—",
                verdict=verdict,
                who=_who(lot.created_by),
                when=lot.produced_on,
                ph=lot.ph_measured,
                ph_limit=ph_limit,
            )
        )
    for c in lot.register_seal_checks:
        controls.append(
            Control(
                kind=_("Contrôle des fermetures"),
                target=_("aucun bocal mal fermé"),
                reading=_("%(failed)s/%(checked)s mal fermé(s)") % {"failed": c.jars_failed, "checked": c.jars_checked}
                + (f" — {c.note}" if c.note else ""),
                verdict=_("conforme") if c.passed else _("non conforme"),
                who=_who(c.checked_by),
                when=c.checked_at,
            )
        )
    controls += [_stability_control(test) for test in lot.register_stability_tests]
    for a in lot.register_corrective_actions:
        controls.append(
            Control(
                kind=_("Action corrective"),
                reading=str(a.get_action_display()) + (f" — {a.note}" if a.note else ""),
                who=_who(a.done_by),
                when=a.done_at,
            )
        )
    if signer is not None:
        user, when = signer
        controls.append(
            Control(
                kind=_("Libération"),
                target=_("signée par une personne formée HACCP"),
                reading=_("lot libéré"),
                who=_who(user),
                when=when,
            )
        )
    for r in lot.register_recalls:
        controls.append(
            Control(
                kind=_("Rappel"),
                subject=_("lot %(code)s") % {"code": r.lot.code},
                reading=f"{r.get_scope_display()} — {r.reason}",
                who=_who(r.recalled_by),
                when=r.recalled_at,
            )
        )
    return controls


def register_rows(lots) -> list[dict]:
    """One row per lot: what the page, the PDF and the spreadsheet all show (the controls, and a text summary)."""
    rows = []
    lots = list(lots)
    signers = _signers(lots)
    heat = _("Traitement thermique")
    # get_status_display() builds the choices' dict, translating every label, for each lot (issue 20)
    statuses = {value: str(label) for value, label in LotStatus.choices}
    for lot in lots:
        snapshot = lot.recipe_snapshot
        signer = signers.get(lot.pk)
        controls = lot_controls(lot, signer)
        rows.append(
            {
                "lot": lot,
                "code": lot.code,
                "recipe": f"{snapshot['name']} v{snapshot['version']}",
                "recipe_name": snapshot["name"],
                "version": snapshot["version"],
                "produced_on": _d(lot.produced_on),
                "best_before": _d(lot.best_before),
                "jars": lot.jars_made or 0,
                "controls": controls,
                "treatments": "; ".join(f"{c.subject} : {c.reading} ({c.verdict})" for c in controls if c.kind == heat),
                "ph": "" if lot.ph_measured is None else f"{lot.ph_measured} / {snapshot.get('ph_limit') or '—'}",
                "seal_checks": "; ".join(
                    _("%(day)s : %(failed)s/%(checked)s mal fermé(s)")
                    % {"day": _d(timezone.localdate(c.checked_at)), "failed": c.jars_failed, "checked": c.jars_checked}
                    for c in lot.register_seal_checks
                ),
                "corrective_actions": "; ".join(
                    f"{_d(timezone.localdate(a.done_at))} : {a.get_action_display()}"
                    + (f" — {a.note}" if a.note else "")
                    for a in lot.register_corrective_actions
                ),
                "status": statuses.get(lot.status, lot.status),
                "status_reason": lot.status_reason,
                "released_by": f"{_who(signer[0]) or '—'}, {_dt(signer[1])}" if signer else "",
                "released_who": _who(signer[0]) if signer else "",
                "released_at": timezone.localtime(signer[1]) if signer else None,
                "recall": "; ".join(
                    _("rappel du %(day)s (lot %(code)s)")
                    % {"day": _d(timezone.localdate(r.recalled_at)), "code": r.lot.code}
                    for r in lot.register_recalls
                ),
            }
        )
    return rows


def _title(territory, period) -> str:
    return _("Registre HACCP — %(t)s — du %(a)s au %(b)s") % {
        "t": territory.name,
        "a": _d(period.start),
        "b": _d(period.end),
    }


# The spreadsheet: two sheets, typed cells (dates as dates, numbers as numbers) and set widths.
NUMBER_FORMATS = {"c": "0.0", "min": "0", "f": "0.000", "ph": "0.0", "int": "0", "z": "0.0"}


def _lot_columns():
    return [
        (_("Lot"), 24, None),
        (_("Recette"), 28, None),
        (_("Version"), 8, "int"),
        (_("Fabriqué le"), 12, None),
        (_("DDM"), 12, None),
        (_("Bocaux"), 8, "int"),
        (_("pH mesuré"), 10, "ph"),
        (_("pH limite"), 10, "ph"),
        (_("Statut"), 14, None),
        (_("Motif"), 40, None),
        (_("Libéré par (formé HACCP)"), 22, None),
        (_("Libéré le"), 17, None),
        (_("Rappel"), 30, None),
    ]


def _control_columns():
    return [
        (_("Lot"), 24, None),
        (_("Contrôle"), 22, None),
        (_("Objet"), 20, None),
        (_("Cible (recette)"), 44, None),
        (_("Relevé"), 44, None),
        (_("Verdict"), 16, None),
        (_("Température visée (°C)"), 12, "c"),
        (_("Durée visée (min)"), 10, "min"),
        (_("Température relevée (°C)"), 12, "c"),
        (_("Durée relevée (min)"), 10, "min"),
        (_("F à cœur (min)"), 10, "f"),
        (_("F minimale (min)"), 10, "f"),
        (_("Tref (°C)"), 9, "c"),
        (_("z (°C)"), 8, "z"),
        (_("pH"), 8, "ph"),
        (_("pH limite"), 9, "ph"),
        (_("Équipement"), 20, None),
        (_("Par"), 20, None),
        (_("Le"), 17, None),
    ]


def _layout(columns, heading) -> dict:
    """The sheet's set widths, each measurement column's number format (below the header), the panes frozen under
    the header and right of the lot's code."""
    return {
        "widths": {index: width for index, (_label, width, _kind) in enumerate(columns, start=1)},
        "formats": {index: NUMBER_FORMATS[kind] for index, (_label, _w, kind) in enumerate(columns, start=1) if kind},
        "freeze": f"B{len(heading) + 2}",
    }


def register_xlsx(territory, period: Period, rows: list[dict]) -> bytes:
    """Through the shared safe writer (`core/exports.py`): a note typed as `=…` stays a text; days are dates and
    measurements numbers, each with its number format."""
    heading = [_title(territory, period), _("Imprimé le %(d)s") % {"d": _dt(timezone.now())}]
    book = XlsxBook()
    lot_cols = _lot_columns()
    book.sheet(
        _("Lots"),
        [label for label, _w, _k in lot_cols],
        [
            [
                row["code"],
                row["recipe_name"],
                row["version"],
                row["lot"].produced_on,
                row["lot"].best_before,
                row["jars"],
                row["lot"].ph_measured,
                _num(row["lot"].recipe_snapshot.get("ph_limit")),
                row["status"],
                row["status_reason"],
                row["released_who"],
                row["released_at"],
                row["recall"],
            ]
            for row in rows
        ],
        heading=heading,
        **_layout(lot_cols, heading),
    )
    control_cols = _control_columns()
    book.sheet(
        _("Contrôles"),
        [label for label, _w, _k in control_cols],
        [
            [
                row["code"],
                c.kind,
                c.subject,
                c.target,
                c.reading,
                c.verdict,
                c.target_c,
                c.target_min,
                c.reading_c,
                c.reading_min,
                c.lethality,
                c.lethality_min,
                c.tref,
                c.z,
                c.ph,
                c.ph_limit,
                c.equipment,
                c.who,
                c.when,
            ]
            for row in rows
            for c in row["controls"]
        ],
        heading=heading,
        **_layout(control_cols, heading),
    )
    return book.bytes()


FONT, BOLD, FONT_SIZE, LEADING = "Helvetica", "Helvetica-Bold", 7, 8.5
LOT_SIZE, LOT_LEADING, LOT_SPACE = 8.5, 10.5, 5


class _Line(Flowable):
    """A lot's heading on one line, its first words in bold: drawn as two strings (a Paragraph parses and wraps
    its text, a few times over inside KeepTogether: a quarter of the PDF's time for 150 lots, issue 20)."""

    def __init__(self, bold: str, regular: str, available: float):
        super().__init__()
        self.bold, self.regular = bold, regular
        self.bold_width = stringWidth(bold, BOLD, LOT_SIZE)
        self.width = self.bold_width + stringWidth(regular, FONT, LOT_SIZE)
        self.available = available

    def wrap(self, available_width, available_height):
        return self.available, LOT_LEADING

    def getSpaceBefore(self):  # noqa: N802 (ReportLab's name)
        return LOT_SPACE

    def draw(self):
        baseline = LOT_LEADING - LOT_SIZE  # as a Paragraph's first line: its descent below the leading's top
        self.canv.setFont(BOLD, LOT_SIZE)
        self.canv.drawString(0, baseline, self.bold)
        self.canv.setFont(FONT, LOT_SIZE)
        self.canv.drawString(self.bold_width, baseline, self.regular)


class _KeepLot(KeepTogether):
    """KeepTogether([heading, grid]) laid out as ReportLab does (`_listWrapOn`'s sum), without the copy of the
    frame its wrap makes for each lot in case a flowable adds content while wrapped (neither does): that copy was a
    tenth of the PDF's profile once the grid was cheap (issue 20)."""

    def wrap(self, available_width, available_height):
        heading, grid = self._content
        heading_width, heading_height = heading.wrap(available_width, 0xFFFFFFF)
        grid_width, grid_height = grid.wrap(available_width, 0xFFFFFFF)
        after = heading.getSpaceAfter()
        self._H = heading_height + after + grid_height + max(grid.getSpaceBefore() - after, 0)
        self._H0 = heading_height
        self._wrapInfo = available_width, available_height
        return max(min(heading_width, available_width), min(grid_width, available_width)), 0xFFFFFF  # a split


def controls_table(header, rows, widths) -> Grid:
    """A lot's controls ruled as ReportLab's Table with « GRID 0.25 grey, light grey header, cells at the top » drew
    them: the same pages and text, laid out once (core/pdf_grid.py, issue 20)."""
    return Grid(header, rows, widths, font=FONT, bold=BOLD, size=FONT_SIZE, leading=LEADING)


def register_pdf(territory, period: Period, rows: list[dict]) -> bytes:
    """One block per lot: its identity, then a table of its controls, the recipe's target beside each reading."""
    buffer = BytesIO()
    title = _title(territory, period)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    styles = getSampleStyleSheet()
    # A word (a date, a lot code) is never split across lines: the columns are wide enough for it.
    cell = styles["BodyText"].clone("cell", fontName=FONT, fontSize=FONT_SIZE, leading=LEADING, splitLongWords=0)
    head = cell.clone("head", fontName=BOLD)
    lot_style = styles["BodyText"].clone(
        "lot", fontSize=LOT_SIZE, leading=LOT_LEADING, spaceBefore=LOT_SPACE, splitLongWords=0
    )
    headers = [
        _("Contrôle"),
        _("Objet"),
        _("Cible (recette)"),
        _("Relevé"),
        _("Verdict"),
        _("Équipement"),
        _("Par"),
        _("Le"),
    ]
    widths = [26, 26, 64, 64, 22, 24, 26, 25]  # 277 mm: A4 landscape less the margins
    points = [w * mm for w in widths]
    padding = 12  # points: ReportLab's cell padding, 6 on each side
    headers_fit = [stringWidth(h, BOLD, FONT_SIZE) <= w - padding for h, w in zip(headers, points, strict=True)]

    one_line: dict[tuple[str, float], bool] = {}  # a season repeats its kinds, verdicts, names: measured once

    def para(text, style=cell, width=None):
        """A cell: plain text when it fits its column on one line (drawn as is, a fraction of a Paragraph's cost:
        the PDF of a season's 150 lots took about a second, issue 20), else a Paragraph that wraps it."""
        text = str(text)
        if not text:
            return ""
        if width is not None and "\n" not in text:
            fits = one_line.get((text, width))
            if fits is None:
                fits = one_line[text, width] = stringWidth(text, FONT, FONT_SIZE) <= width - padding
            if fits:
                return text
        return Paragraph(escape(text), style)

    story = [Paragraph(escape(title), styles["Heading2"]), Spacer(1, 2 * mm)]
    if not rows:
        story.append(Paragraph(escape(_("Aucun lot sur cette période.")), styles["BodyText"]))
    header = [h if fits else Paragraph(escape(h), head) for h, fits in zip(headers, headers_fit, strict=True)]
    lead_text = _("Lot %(code)s")
    rest_text = _(" — %(recipe)s — fabriqué le %(made)s — DDM %(ddm)s — %(jars)s bocaux — statut : %(status)s")
    for row in rows:
        lot = row["lot"]
        lead = lead_text % {"code": row["code"]}
        rest = rest_text % {
            "recipe": row["recipe"],
            "made": row["produced_on"],
            "ddm": row["best_before"],
            "jars": row["jars"],
            "status": row["status"],
        }
        if lot.status_reason:
            rest += " (" + lot.status_reason + ")"
        heading = _Line(lead, rest, doc.width)
        if heading.width > doc.width:  # a long reason: a Paragraph wraps it
            heading = Paragraph(f"<b>{escape(lead)}</b>{escape(rest)}", lot_style)
        data = [
            [
                para(text, width=width)
                for text, width in zip(
                    (c.kind, c.subject, c.target, c.reading, c.verdict, c.equipment, c.who, c.when_text),
                    points,
                    strict=True,
                )
            ]
            for c in row["controls"]
        ]
        if not data:
            data.append([para(_("Aucun contrôle enregistré.")), "", "", "", "", "", "", ""])
        story.append(_KeepLot([heading, controls_table(header, data, points)]))
    doc.build(story, canvasmaker=numbered_canvas(title))
    return buffer.getvalue()
