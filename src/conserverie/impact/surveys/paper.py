"""The paper version of a questionnaire (ReportLab): for the truck, the market, people without a phone.

Big letters, one box to tick per answer, room to write; nothing asks for a name. Typed in afterwards with
"Saisir une réponse papier".
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.impact.models import Question
from conserverie.impact.surveys.forms import LIKERT_LABELS

BOX = '<font name="ZapfDingbats">o</font>'  # an empty square to tick


def _choices(labels, style) -> Table:
    cells = [[Paragraph(f"{BOX} {escape(str(label))}", style) for label in labels]]
    table = Table(cells, colWidths=[174 * mm / len(labels)] * len(labels))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _lines(n: int) -> Table:
    table = Table([[""]] * n, colWidths=[174 * mm], rowHeights=[9 * mm] * n)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, "#999999")]))
    return table


def survey_paper_pdf(survey) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=survey.title,
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("paper", fontSize=12, leading=16)
    question_style = body.clone("question", fontName="Helvetica-Bold", fontSize=13, leading=17, spaceBefore=4)
    choice = body.clone("choice", fontSize=11, leading=14)
    story = [Paragraph(escape(survey.title), styles["Title"])]
    if survey.intro:
        story.append(Paragraph(escape(survey.intro), body))
    story.append(
        Paragraph(
            escape(_("Vos réponses sont anonymes : n'écrivez pas votre nom. Cochez une case par question.")), body
        )
    )
    story.append(Spacer(1, 4 * mm))
    for number, question in enumerate(survey.questions.all(), start=1):
        block = [Paragraph(f"{number}. {escape(question.text)}", question_style), Spacer(1, 2 * mm)]
        if question.kind == Question.Kind.LIKERT:
            block.append(_choices(LIKERT_LABELS.values(), choice))
        elif question.kind == Question.Kind.YES_NO:
            block.append(_choices([_("Oui"), _("Non")], choice))
        elif question.kind == Question.Kind.NUMBER:
            block.append(_lines(1))
        else:
            block.append(_lines(3))
        block.append(Spacer(1, 5 * mm))
        story.append(KeepTogether(block))
    story.append(Paragraph(escape(_("Merci ! Rendez cette feuille à l'équipe de la conserverie.")), body))
    doc.build(story)
    return buffer.getvalue()
