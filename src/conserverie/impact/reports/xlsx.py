"""The same report as a spreadsheet (openpyxl): one sheet per section, the same texts as the PDF."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from conserverie.impact.reports.content import ReportData


def _sheet(book, title: str, header: list, rows: list, first: bool = False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title[:31]
    sheet.append([str(c) for c in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    return sheet


def report_xlsx(data: ReportData) -> bytes:
    book = Workbook()
    summary = _sheet(book, _("Chiffres clés"), [_("Chiffre"), _("Valeur")], data.figures, first=True)
    summary.insert_rows(1, 3)
    summary["A1"], summary["A2"], summary["A3"] = data.title, data.subtitle, " ".join(data.notes)
    summary["A1"].font = Font(bold=True, size=14)
    previous = {d.dimension.pk: d.score for d in (data.flower.previous.dimensions if data.flower.previous else [])}
    _sheet(
        book,
        _("Fleur"),
        [_("Pétale"), _("Score"), _("Score de la période précédente"), _("Couleur")],
        [(d.dimension.name, d.score, previous.get(d.dimension.pk), d.dimension.colour) for d in data.flower.dimensions],
    )
    _sheet(
        book,
        _("Indicateurs"),
        [_("Dimension"), _("Indicateur"), _("Valeur"), _("Unité"), _("Cible"), _("Avant"), _("Évolution"), _("Source")],
        [(r.dimension, r.name, r.value, r.unit, r.target, r.previous, r.trend, r.source) for r in data.indicators],
    )
    if data.destinations is not None:
        table = data.destinations
        _sheet(
            book,
            _("Destinations"),
            table.columns,
            [[float(v) if hasattr(v, "is_finite") else v for v in row] for row in table.rows],
        )
    _sheet(
        book,
        _("Citations"),
        [_("Paroles"), _("Qui parle"), _("Quand"), _("Occasion"), _("Dimensions")],
        [(q.text, q.who, q.when, q.occasion, q.dimensions) for q in data.quotes],
    )
    survey_rows = []
    for s in data.surveys:
        if not s.lines:
            survey_rows.append((s.title, s.audience, s.responses, "", ""))
        for question, result in s.lines:
            survey_rows.append((s.title, s.audience, s.responses, question, result))
    _sheet(
        book,
        _("Questionnaires"),
        [_("Questionnaire"), _("Public"), _("Réponses"), _("Question"), _("Résultat")],
        survey_rows,
    )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
