"""The reports funders and the board read: the yearly social-utility report and the activity report for a funder.

Both are built from one `ReportData` (the PDF here, the XLSX in report_xlsx.py, the page in report_views.py):
key figures read from figures/selectors.py, the flower and its indicators from scores.py, the quotes chosen for
reports, the surveys' results. Nothing is recomputed here.

No direct identifier and no group smaller than 5 people (docs/architecture.md §4.7): a count of 1 to 4 people is
written "< 5", a share over fewer than 5 people is not given, a survey with fewer than 5 responses shows only
that, and free-text answers never leave the team. Quotes carry a role, never a name.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.distribution.reports import by_destination
from conserverie.figures.selectors import territory_figures
from conserverie.impact.models import Testimony
from conserverie.impact.scores import Flower, territory_flower
from conserverie.impact.surveys.stats import MIN_GROUP, too_small

SMALL = "< 5"
KINDS = {
    "utilite-sociale": gettext_lazy("Rapport d'utilité sociale"),
    "activite": gettext_lazy("Rapport d'activité pour un financeur"),
}
FUNDERS = {
    "caf": gettext_lazy("Caisse d'allocations familiales (CAF)"),
    "federation": gettext_lazy("Fédération des centres sociaux"),
    "cis": gettext_lazy("Contrat à impact social"),
}
MAX_QUOTES = {"utilite-sociale": 12, "activite": 6}


def fr_number(value, places: int = 2) -> str:
    """1234.50 → "1234,5"; None → "—" (French decimal comma, no trailing zeros)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def people(n: int) -> str:
    """A count of people: "< 5" for 1 to 4 (docs/architecture.md §4.7)."""
    return SMALL if too_small(n) else str(n)


def share(ratio: float, over: int) -> str:
    """A share in percent of `over` people; not given over fewer than 5, nor when it singles out 1 to 4 of them."""
    if over < MIN_GROUP:
        return "—"
    part = round(ratio * over)
    if too_small(part) or too_small(over - part):
        return SMALL
    return fr_number(Decimal(str(ratio)) * 100, 1) + " %"


@dataclass
class IndicatorRow:
    dimension: str
    name: str
    value: str
    unit: str
    target: str
    previous: str
    trend: str
    source: str


@dataclass
class Quote:
    text: str
    who: str
    when: str
    occasion: str
    dimensions: str


@dataclass
class SurveyRow:
    pk: int
    title: str
    audience: str
    responses: str
    lines: list  # (question, result as text)


@dataclass
class ReportData:
    territory: object
    period: object
    kind: str
    funder: str
    title: str
    subtitle: str
    figures: list  # (label, value as text)
    flower: Flower
    indicators: list[IndicatorRow]
    quotes: list[Quote]
    surveys: list[SurveyRow]
    destinations: object = None  # distribution.reports.Table (activity report)
    notes: list = field(default_factory=list)


def key_figures(territory, period) -> list[tuple[str, str]]:
    f = territory_figures(territory, period.start, period.end)
    return [
        (_("Ateliers"), str(f.workshops)),
        (_("Personnes présentes aux ateliers"), people(f.participants)),
        (_("Foyers touchés"), people(f.households)),
        (_("Part des foyers en quartier prioritaire"), share(f.priority_area_share, f.households)),
        (_("Kilos de fruits et légumes collectés"), fr_number(f.kg_collected, 1)),
        (_("Kilos transformés en bocaux"), fr_number(f.kg_processed, 1)),
        (_("Bocaux produits"), str(f.jars_produced)),
        (_("Bocaux donnés aux participants"), str(f.jars_given)),
        (_("Bocaux vendus au groupement d'achat"), str(f.jars_sold)),
        (_("Bocaux pour les structures"), str(f.jars_internal)),
        (_("Bocaux vides rapportés"), str(f.empty_jars_returned)),
        (_("Taux de retour des consignes"), fr_number(Decimal(str(f.deposit_return_rate)) * 100, 1) + " %"),
    ]


TRENDS = {"up": gettext_lazy("en hausse"), "down": gettext_lazy("en baisse"), "flat": gettext_lazy("stable")}


def _value_text(result) -> str:
    if result.suppressed:
        return _("masqué (moins de 5 personnes)")
    return fr_number(result.value) if result.value is not None else "—"


def _trend_text(result) -> str:
    if not result.trend:
        return "—"
    change = result.change
    sign = "+" if change > 0 else ""
    return f"{TRENDS[result.trend]} ({sign}{fr_number(change)})"


def indicator_rows(flower: Flower) -> list[IndicatorRow]:
    rows = []
    for petal in flower.dimensions:
        for result in petal.indicators:
            previous = "—"
            if result.previous_suppressed:
                previous = _("masqué")
            elif result.previous_value is not None:
                previous = fr_number(result.previous_value)
            rows.append(
                IndicatorRow(
                    dimension=petal.dimension.name,
                    name=result.indicator.name,
                    value=_value_text(result),
                    unit=result.unit,
                    target=fr_number(result.target),
                    previous=previous,
                    trend=_trend_text(result),
                    source=str(result.indicator.get_source_display()),
                )
            )
    return rows


def report_quotes(territory, period, limit: int) -> list[Quote]:
    """The quotes chosen for reports in the period: two queries (the quotes, their dimensions)."""
    rows = (
        Testimony.objects.of(territory)
        .selected()
        .in_period(period)
        .select_related("workshop")
        .prefetch_related("dimensions")
        .order_by("-said_on", "-pk")[:limit]
    )
    return [
        Quote(
            text=t.text,
            who=t.role or str(t.get_audience_display()),
            when=date_format(t.said_on, "F Y"),
            occasion=t.event or (t.workshop.title if t.workshop_id else ""),
            dimensions=", ".join(d.name for d in t.dimensions.all()),
        )
        for t in rows
    ]


def _result_text(result) -> str:
    if result.suppressed:
        return _("moins de 5 réponses")
    parts = []
    if result.mean is not None:
        parts.append(_("moyenne %(m)s") % {"m": fr_number(result.mean)})
    if result.median is not None:
        parts.append(_("médiane %(m)s") % {"m": fr_number(result.median)})
    if result.yes_share is not None:
        parts.append(_("%(p)s %% de oui") % {"p": fr_number(result.yes_share, 1)})
    cells = [f"{label}: {SMALL if n is None else n}" for label, n in result.distribution]
    if cells:
        parts.append(" · ".join(cells))
    parts.append(_("%(n)s réponses") % {"n": result.answered})
    return " ; ".join(parts)


def survey_rows(territory, period) -> list[SurveyRow]:
    from conserverie.impact.surveys.stats import surveys_in_period

    rows = []
    for summary in surveys_in_period(territory, period):
        rows.append(
            SurveyRow(
                pk=summary.survey.pk,
                title=summary.survey.title,
                audience=str(summary.survey.get_audience_display()),
                responses=people(summary.responses),
                lines=[(r.question.text, _result_text(r)) for r in summary.questions],
            )
        )
    return rows


def report_data(territory, period, kind: str = "utilite-sociale", funder: str = "") -> ReportData:
    if kind not in KINDS:
        raise ValueError(_("Rapport inconnu : %(kind)s.") % {"kind": kind})
    if funder and funder not in FUNDERS:
        raise ValueError(_("Financeur inconnu : %(funder)s.") % {"funder": funder})
    flower = territory_flower(territory, period)
    title = str(KINDS[kind])
    subtitle = _("%(territory)s — %(period)s") % {"territory": territory.name, "period": period.label}
    if kind == "activite" and funder:
        subtitle += " — " + _("pour : %(funder)s") % {"funder": FUNDERS[funder]}
    return ReportData(
        territory=territory,
        period=period,
        kind=kind,
        funder=funder,
        title=title,
        subtitle=subtitle,
        figures=key_figures(territory, period),
        flower=flower,
        indicators=indicator_rows(flower),
        quotes=report_quotes(territory, period, MAX_QUOTES[kind]),
        surveys=survey_rows(territory, period),
        destinations=by_destination(territory, period.start, period.end) if kind == "activite" else None,
        notes=[
            _(
                "Aucune donnée nominative. Un groupe de moins de 5 personnes est noté « < 5 » ou masqué ; "
                "les citations sont anonymes."
            )
        ],
    )


def report_filename(data: ReportData, ext: str) -> str:
    parts = [data.territory.slug, data.kind, data.period.key.replace("..", "_")]
    if data.funder:
        parts.append(data.funder)
    return "-".join(parts) + f".{ext}"


def report_pdf(data: ReportData) -> bytes:
    from conserverie.impact.reports.pdf import build_pdf

    buffer = BytesIO()
    build_pdf(data, buffer)
    return buffer.getvalue()


def para(text: str) -> str:
    return escape(str(text))
