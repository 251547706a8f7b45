"""The same report as a spreadsheet (openpyxl): one sheet per section, the same texts as the PDF, numbers typed
(counts, kilos, euros and shares as numbers with their format; a masked figure stays the text « < 5 »)."""

from django.utils.translation import gettext as _

from conserverie.core.exports import XlsxBook
from conserverie.impact.reports.content import ReportData


def report_xlsx(data: ReportData) -> bytes:
    """Written by the shared safe writer (`core/exports.py`): a testimony or a funder's name typed as `=…` stays a
    text."""
    book = XlsxBook()
    _sheet = book.sheet
    heading = [data.title, data.subtitle]
    if data.intro:
        heading.append(data.intro)
    heading.append(" ".join(str(n) for n in data.notes))
    _sheet(
        _("Chiffres clés"),
        [_("Chiffre"), _("Valeur"), _("Unité")],
        [(f.label, f.value, f.unit) for f in data.figures],
        heading=heading,
    )
    if data.contract is not None:
        contract = data.contract
        rows = [
            (
                r.indicator,
                r.unit,
                r.threshold,
                r.target,
                _("masqué (moins de 5 personnes)") if r.masked else r.measured,
                r.payment,
                r.due,
            )
            for r in contract.rows
        ]
        rows.append((_("Total"), None, None, None, None, contract.total_payment, contract.total_due))
        sign = contract.sign_off
        rows.append(())
        if sign is None:
            rows.append((_("Validation de l'évaluateur : pas encore donnée pour cette période."),))
        else:
            rows.append((_("Validé par"), sign.evaluator, sign.organisation, sign.signed_on, sign.statement))
        _sheet(
            _("Contrat à impact social"),
            [
                _("Indicateur"),
                _("Unité"),
                _("Seuil"),
                _("Cible"),
                _("Valeur mesurée"),
                _("Paiement à la cible (€)"),
                _("Paiement dû (€)"),
            ],
            rows,
        )
    if "flower" in data.sections:
        previous = {d.dimension.pk: d.score for d in (data.flower.previous.dimensions if data.flower.previous else [])}
        _sheet(
            _("Fleur"),
            [_("Pétale"), _("Score"), _("Score de la période précédente"), _("Couleur")],
            [
                (d.dimension.name, d.score, previous.get(d.dimension.pk), d.dimension.colour)
                for d in data.flower.dimensions
            ],
        )
    if "indicators" in data.sections:
        _sheet(
            _("Indicateurs"),
            [_("Dimension"), _("Indicateur"), _("Valeur"), _("Unité"), _("Cible"), _("Avant"), _("Évolution")],
            [
                (r.dimension, r.name, r.number, r.unit, r.target_number, r.previous_number, r.trend)
                for r in data.indicators
            ],
        )
    if data.destinations is not None:
        table = data.destinations
        _sheet(_("Destinations"), table.columns, table.rows)
    if "quotes" in data.sections:
        _sheet(
            _("Citations"),
            [_("Paroles"), _("Qui parle"), _("Quand"), _("Occasion"), _("Dimensions")],
            [(q.text, q.who, q.when, q.occasion, q.dimensions) for q in data.quotes],
        )
    if "surveys" in data.sections:
        survey_rows = []
        for s in data.surveys:
            if not s.lines:
                survey_rows.append((s.title, s.audience, s.responses_value, "", ""))
            for question, result in s.lines:
                survey_rows.append((s.title, s.audience, s.responses_value, question, result))
        _sheet(
            _("Questionnaires"),
            [_("Questionnaire"), _("Public"), _("Réponses"), _("Question"), _("Résultat")],
            survey_rows,
        )
    return book.bytes()
