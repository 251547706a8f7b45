"""The HACCP sheet of a recipe version (PDF, ReportLab): its plan, printed for the workshop and the inspector.

Sections follow Regulation (EC) 852/2004, art. 5 §2: hazards, critical control points with their critical limits,
monitoring, corrective actions, verification, documents and records; with who validated the plan and when, the
print date and « page n / total » on every page (docs/safety-en.md).
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.recipes.models import CcpKind


def _numbered(footer: str):
    """A canvas that writes « footer — page n / total » once the number of pages is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 7)
                text = _("%(footer)s — page %(n)s / %(total)s") % {
                    "footer": footer,
                    "n": self._pageNumber,
                    "total": total,
                }
                self.drawRightString(self._pagesize[0] - 10 * mm, 6 * mm, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def haccp_sheet_pdf(plan, *, printed_at=None) -> bytes:
    recipe = plan.recipe
    printed_at = timezone.localtime(printed_at or timezone.now())
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontSize=9, leading=11)
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)

    def p(text, style=body):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    title = _("Plan HACCP — %(name)s (%(code)s, version %(v)s)") % {
        "name": recipe.name,
        "code": recipe.code,
        "v": recipe.version,
    }
    if plan.validated_at:
        signed = _("Validé par %(who)s le %(when)s (formation HACCP en cours de validité).") % {
            "who": plan.validated_by.get_full_name() or plan.validated_by.get_username(),
            "when": date_format(timezone.localtime(plan.validated_at), "d/m/Y H:i"),
        }
    else:
        signed = _("Plan pas encore validé : à relire et signer par une personne formée HACCP.")
    story = [
        Paragraph(escape(title), styles["Heading2"]),
        p(f"{recipe.territory.name} · {recipe.get_category_display()}"),
        p(signed),
        Paragraph(escape(_("1. Dangers")), styles["Heading3"]),
    ]
    labels = {
        "biological": _("Biologiques"),
        "chemical": _("Chimiques"),
        "physical": _("Physiques"),
        "allergens": _("Allergènes"),
    }
    hazards = [[p(labels[k], cell), p(plan.hazards.get(k, ""), cell)] for k in labels]
    story.append(_table(hazards, [40, 237]))
    story.append(
        Paragraph(escape(_("2. Points critiques, limites, surveillance et actions correctives")), styles["Heading3"])
    )
    head = [
        _("Point critique"),
        _("Étape"),
        _("Danger"),
        _("Limite critique"),
        _("Surveillance : quoi"),
        _("Comment"),
        _("Fréquence"),
        _("Qui"),
        _("Action corrective"),
    ]
    rows = [[p(h, cell) for h in head]]
    for ccp in plan.ccps:
        kind = CcpKind(ccp["kind"]).label if ccp.get("kind") in CcpKind.values else ccp.get("kind", "")
        rows.append(
            [p(kind, cell)]
            + [
                p(ccp.get(f, ""), cell)
                for f in ("step", "hazard", "critical_limit", "what", "how", "frequency", "who", "corrective_action")
            ]
        )
    story.append(_table(rows, [24, 24, 28, 46, 30, 30, 22, 25, 48], header=True))
    story += [
        Paragraph(escape(_("3. Vérification")), styles["Heading3"]),
        p(plan.verification),
        Paragraph(escape(_("4. Documents et enregistrements")), styles["Heading3"]),
        p(plan.records),
        Spacer(1, 3 * mm),
        p(_("Règlement (CE) 852/2004, article 5 : procédure fondée sur les principes HACCP."), cell),
    ]
    footer = _("%(title)s — imprimé le %(when)s") % {
        "title": f"{recipe.code} v{recipe.version}",
        "when": date_format(printed_at, "d/m/Y H:i"),
    }
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    doc.build(story, canvasmaker=_numbered(footer))
    return buffer.getvalue()


def _table(rows, widths, header=False):
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey))
    table.setStyle(TableStyle(style))
    return table
