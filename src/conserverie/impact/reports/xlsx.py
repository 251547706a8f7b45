"""The same report as a spreadsheet (openpyxl): one sheet per section, the same texts as the PDF."""

from django.utils.translation import gettext as _

from conserverie.core.exports import XlsxBook
from conserverie.impact.reports.content import ReportData


def report_xlsx(data: ReportData) -> bytes:
    """Written by the shared safe writer (`core/exports.py`): a testimony or a funder's name typed as `=…` stays a
    text."""
    book = XlsxBook()
    _sheet = book.sheet
    _sheet(
        _("Chiffres clés"),
        [_("Chiffre"), _("Valeur")],
        data.figures,
        heading=[data.title, data.subtitle, " ".join(str(n) for n in data.notes)],
    )
    previous = {d.dimension.pk: d.score for d in (data.flower.previous.dimensions if data.flower.previous else [])}
    _sheet(
        _("Fleur"),
        [_("Pétale"), _("Score"), _("Score de la période précédente"), _("Couleur")],
        [(d.dimension.name, d.score, previous.get(d.dimension.pk), d.dimension.colour) for d in data.flower.dimensions],
    )
    _sheet(
        _("Indicateurs"),
        [_("Dimension"), _("Indicateur"), _("Valeur"), _("Unité"), _("Cible"), _("Avant"), _("Évolution"), _("Source")],
        [(r.dimension, r.name, r.value, r.unit, r.target, r.previous, r.trend, r.source) for r in data.indicators],
    )
    if data.destinations is not None:
        table = data.destinations
        _sheet(
            _("Destinations"),
            table.columns,
            table.rows,
        )
    _sheet(
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
        _("Questionnaires"),
        [_("Questionnaire"), _("Public"), _("Réponses"), _("Question"), _("Résultat")],
        survey_rows,
    )
    return book.bytes()
