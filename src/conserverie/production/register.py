"""The HACCP register of a territory for a period: every lot with its critical-control records, in one read.

One query for the lots and one per kind of record (prefetch): the page and both exports cost the same number of
queries whatever the number of lots. The PDF (ReportLab) and the XLSX (openpyxl) are written from the same rows.
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.core.exports import XlsxBook
from conserverie.production.models import (
    CorrectiveAction,
    HeatTreatmentRecord,
    LotStatus,
    ProductionLot,
    Recall,
    SealCheck,
)
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
        .prefetch_related(
            Prefetch("treatments", HeatTreatmentRecord.objects.select_related("jar_format", "operator").order_by("pk")),
            Prefetch("seal_checks", SealCheck.objects.select_related("checked_by")),
            Prefetch("corrective_actions", CorrectiveAction.objects.select_related("done_by")),
            Prefetch("recalled_in", Recall.objects.select_related("lot").order_by("recalled_at")),
        )
        .order_by("produced_on", "code")
    )


def _d(day) -> str:
    return date_format(day, "d/m/Y") if day else ""


def _signers(lots) -> dict:
    """Who released each lot and when (its last history row with the status « released »): one query."""
    ids = [lot.pk for lot in lots]
    signed = {}
    rows = (
        ProductionLot.history.filter(id__in=ids, status=LotStatus.RELEASED)
        .order_by("id", "history_date")
        .values_list("id", "history_user__username", "history_date")
    )
    for pk, username, when in rows:
        signed[pk] = f"{username or '—'}, {_d(timezone.localdate(when))}"
    return signed


def _treatment(t) -> str:
    text = f"{t.jar_format.name}" + (" " + _("fournée %(n)s") % {"n": t.batch} if t.batch else "")
    text += f" {t.get_treatment_display()} {t.temperature_c} °C {t.minutes} min"
    if t.lethality_min is not None:
        text += " · " + _("F à cœur %(v)s min (objectif ≥ %(m)s min, %(tref)s °C, z %(z)s)") % {
            "v": t.lethality_min,
            "m": t.target_minimum_min,
            "tref": t.target_tref_c,
            "z": t.target_z_c,
        }
    if t.equipment:
        text += f" ({t.get_equipment_display()})"
    text += " · " + _("%(who)s, %(when)s") % {
        "who": t.operator.get_username(),
        "when": date_format(timezone.localtime(t.recorded_at), "d/m/Y H:i"),
    }
    if t.lethality_short:
        text += " — " + _("valeur insuffisante")
    elif not t.within_limits:
        text += " — " + _("hors barème")
    return text


def register_rows(lots) -> list[dict]:
    """One row of plain text per lot: what the page, the PDF and the spreadsheet all show."""
    rows = []
    lots = list(lots)
    signers = _signers(lots)
    for lot in lots:
        snapshot = lot.recipe_snapshot
        rows.append(
            {
                "lot": lot,
                "code": lot.code,
                "recipe": f"{snapshot['name']} v{snapshot['version']}",
                "produced_on": _d(lot.produced_on),
                "best_before": _d(lot.best_before),
                "jars": lot.jars_made or 0,
                "treatments": "; ".join(_treatment(t) for t in lot.treatments.all()),
                "ph": "" if lot.ph_measured is None else f"{lot.ph_measured} / {snapshot.get('ph_limit') or '—'}",
                "seal_checks": "; ".join(
                    _("%(day)s : %(failed)s/%(checked)s mal fermé(s)")
                    % {"day": _d(c.checked_at.date()), "failed": c.jars_failed, "checked": c.jars_checked}
                    for c in lot.seal_checks.all()
                ),
                "corrective_actions": "; ".join(
                    f"{_d(a.done_at.date())} : {a.get_action_display()}" + (f" — {a.note}" if a.note else "")
                    for a in lot.corrective_actions.all()
                ),
                "status": str(lot.get_status_display()),
                "status_reason": lot.status_reason,
                "released_by": signers.get(lot.pk, ""),
                "recall": "; ".join(
                    _("rappel du %(day)s (lot %(code)s)") % {"day": _d(r.recalled_at.date()), "code": r.lot.code}
                    for r in lot.recalled_in.all()
                ),
            }
        )
    return rows


def columns() -> list[tuple[str, str]]:
    return [
        ("code", _("Lot")),
        ("recipe", _("Recette")),
        ("produced_on", _("Fabriqué le")),
        ("best_before", _("DDM")),
        ("jars", _("Bocaux")),
        ("treatments", _("Traitement thermique")),
        ("ph", _("pH mesuré / limite")),
        ("seal_checks", _("Contrôle des fermetures")),
        ("corrective_actions", _("Actions correctives")),
        ("status", _("Statut")),
        ("status_reason", _("Motif")),
        ("released_by", _("Libéré par (formé HACCP)")),
        ("recall", _("Rappel")),
    ]


def _title(territory, period) -> str:
    return _("Registre HACCP — %(t)s — du %(a)s au %(b)s") % {
        "t": territory.name,
        "a": _d(period.start),
        "b": _d(period.end),
    }


def register_xlsx(territory, period: Period, rows: list[dict]) -> bytes:
    """Through the shared safe writer (`core/exports.py`): a note typed as `=…` stays a text."""
    cols = columns()
    book = XlsxBook()
    book.sheet(
        _("Registre HACCP"),
        [label for _key, label in cols],
        [[row[key] for key, _label in cols] for row in rows],
        heading=[_title(territory, period)],
    )
    return book.bytes()


def register_pdf(territory, period: Period, rows: list[dict]) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=10 * mm
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7, leading=8.5)
    cols = columns()
    data = [[Paragraph(escape(str(label)), cell) for _key, label in cols]]
    data += [[Paragraph(escape(str(row[key])), cell) for key, _label in cols] for row in rows]
    widths = [28, 22, 15, 15, 10, 50, 13, 22, 28, 14, 20, 18, 22]  # 277 mm: A4 landscape less the margins
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [Paragraph(escape(_title(territory, period)), styles["Heading2"]), Spacer(1, 3 * mm)]
    if not rows:
        story.append(Paragraph(escape(_("Aucun lot sur cette période.")), styles["BodyText"]))
    else:
        story.append(table)
    doc.build(story)
    return buffer.getvalue()
