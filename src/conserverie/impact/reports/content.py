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

from conserverie.core.exports import Eur, Percent
from conserverie.core.formats import french_number
from conserverie.distribution.reports import by_destination
from conserverie.figures.selectors import territory_figures
from conserverie.impact.group import group_report
from conserverie.impact.models import Testimony
from conserverie.impact.reports.funders import TEMPLATES, ContractReport, FunderTemplate, contract_report
from conserverie.impact.scores import Flower, flower_batch, territories_flowers
from conserverie.impact.surveys.stats import MIN_GROUP, too_small

SMALL = "< 5"
KINDS = {
    "utilite-sociale": gettext_lazy("Rapport d'utilité sociale"),
    "activite": gettext_lazy("Rapport d'activité pour un financeur"),
}
FUNDERS = {key: template.name for key, template in TEMPLATES.items()}
ALL_SECTIONS = frozenset({"flower", "indicators", "destinations", "quotes", "surveys"})
MAX_QUOTES = {"utilite-sociale": 12, "activite": 6}


def _group(digits: str) -> str:
    """ "1234567" → "1 234 567" (no-break spaces, as French typography groups thousands)."""
    sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
    groups = []
    while len(digits) > 3:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return sign + "\xa0".join([digits, *groups])


def fr_number(value, places: int = 2) -> str:
    """1234.50 → "1 234,5"; None → "—" (thousands grouped, decimal comma, no trailing zeros)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return _group(str(value))
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _dot, decimals = text.partition(".")
    return _group(whole) + ("," + decimals if decimals else "")


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


def money(value) -> str:
    """4317 → "4 317,00 €" (a no-break space between the thousands and before the sign: the PDF fonts have it)."""
    return "—" if value is None else f"{french_number(value, 2)}\xa0€"


def cell_text(value) -> str:
    """A table cell as a French reader reads it: money "4 317,00 €", numbers grouped, days dd/mm/yyyy."""
    from datetime import date as day_type

    if value is None:
        return "—"
    if isinstance(value, Eur):
        return money(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return fr_number(value)
    if isinstance(value, day_type):
        return f"{value:%d/%m/%Y}"
    return str(value)


@dataclass
class KeyFigure:
    """A key figure: its value typed (int, Decimal, Percent) for a spreadsheet, or a text when it is masked
    ("< 5", "—"); `text` as a French reader reads it. Read as a pair (label, text) by the pages."""

    key: str
    label: str
    value: object
    unit: str = ""

    @property
    def text(self) -> str:
        if isinstance(self.value, str) or self.value is None:
            return self.value or "—"
        if isinstance(self.value, Eur):
            return money(self.value)
        if isinstance(self.value, Percent):
            return f"{french_number(self.value * 100, 1)}\xa0%"
        if isinstance(self.value, int):
            return french_number(self.value)
        return f"{french_number(self.value, 1)}\xa0{self.unit}".strip()

    def __iter__(self):
        return iter((self.label, self.text))

    def __len__(self):
        return 2

    def __getitem__(self, index):
        return (self.label, self.text)[index]


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
    # Typed, for a spreadsheet: a number, or the text of a masked value.
    number: object = None
    target_number: object = None
    previous_number: object = None


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
    responses_value: object = None  # the number, or "< 5"


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
    template: FunderTemplate | None = None
    intro: str = ""
    contract: ContractReport | None = None
    sections: frozenset = ALL_SECTIONS


def _people_value(n: int):
    return SMALL if too_small(n) else n


def _share_value(ratio: float, over: int):
    text = share(ratio, over)
    return text if text in (SMALL, "—") else Percent(str(round(ratio, 3)))


FIGURE_LABELS = {
    "workshops": gettext_lazy("Ateliers tenus"),
    "participants": gettext_lazy("Personnes présentes aux ateliers"),
    "households": gettext_lazy("Foyers touchés"),
    "priority_area_share": gettext_lazy("Part des foyers en quartier prioritaire"),
    "kg_collected": gettext_lazy("Kilos de fruits et légumes collectés"),
    "kg_processed": gettext_lazy("Kilos transformés en bocaux"),
    "kg_given_raw": gettext_lazy("Kilos donnés en brut"),
    "kg_lost": gettext_lazy("Kilos perdus"),
    "jars_produced": gettext_lazy("Bocaux produits"),
    "jars_given": gettext_lazy("Bocaux donnés aux participants"),
    "jars_sold": gettext_lazy("Bocaux vendus au groupement d'achat"),
    "jars_internal": gettext_lazy("Bocaux pour les structures"),
    "empty_jars_returned": gettext_lazy("Bocaux vides rapportés"),
    "deposit_return_rate": gettext_lazy("Taux de retour des consignes"),
    # The purchasing group (issue 18): `impact/group.py`, the figures and masking of `report --json`.
    "group_households": gettext_lazy("Foyers servis par le groupement d'achat"),
    "group_orders": gettext_lazy("Commandes retirées au groupement d'achat"),
    "group_jars": gettext_lazy("Bocaux remis au groupement d'achat"),
    "group_average_basket_eur": gettext_lazy("Panier moyen du groupement d'achat (hors consigne)"),
    "group_priority_share": gettext_lazy("Part des foyers du groupement en quartier prioritaire"),
}
GROUP_FIGURES = tuple(key for key in FIGURE_LABELS if key.startswith("group_"))
DEFAULT_FIGURES = (
    "workshops",
    "participants",
    "households",
    "priority_area_share",
    "kg_collected",
    "kg_processed",
    "jars_produced",
    "jars_given",
    "jars_sold",
    "jars_internal",
    "empty_jars_returned",
    "deposit_return_rate",
    *GROUP_FIGURES,
)


def key_figures(territory, period, keys=DEFAULT_FIGURES, figures=None) -> list[KeyFigure]:
    """The figures of the period (held workshops only, never after today: `figures/selectors.py`); people
    counts of 1 to 4 and shares that would single them out are masked. `figures`: those already read for the
    period (the flower's batch), not read again."""
    f = figures if figures is not None else territory_figures(territory, period.start, period.end, mass_balance=False)
    values = {
        "workshops": f.workshops,
        "participants": _people_value(f.participants),
        "households": _people_value(f.households),
        "priority_area_share": _share_value(f.priority_area_share, f.households),
        "kg_collected": Decimal(f.kg_collected),
        "kg_processed": Decimal(f.kg_processed),
        "kg_given_raw": Decimal(f.kg_given_raw),
        "kg_lost": Decimal(f.kg_lost),
        "jars_produced": f.jars_produced,
        "jars_given": f.jars_given,
        "jars_sold": f.jars_sold,
        "jars_internal": f.jars_internal,
        "empty_jars_returned": f.empty_jars_returned,
        "deposit_return_rate": Percent(str(round(f.deposit_return_rate, 3))),
    }
    if any(key in GROUP_FIGURES for key in keys):  # one query
        group = group_report(territory, period.start, period.end)
        basket, ratio = group["group_average_basket_eur"], group["group_priority_share"]
        values |= {
            "group_households": _people_value(group["group_households"]),
            "group_orders": group["group_orders"],
            "group_jars": group["group_jars"],
            # Masked by `group_report` under 5 households: "—".
            "group_average_basket_eur": None if basket is None else Eur(Decimal(str(basket)).quantize(Decimal("0.01"))),
            "group_priority_share": None if ratio is None else _share_value(ratio, group["group_households"]),
        }
    units = {key: "kg" for key in ("kg_collected", "kg_processed", "kg_given_raw", "kg_lost")}
    return [KeyFigure(key, str(FIGURE_LABELS[key]), values[key], units.get(key, "")) for key in keys]


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
                    number=_value_text(result) if result.suppressed or result.value is None else result.value,
                    target_number=result.target,
                    previous_number=previous
                    if result.previous_suppressed or result.previous_value is None
                    else result.previous_value,
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
    if result.withheld:
        return _("détail non diffusé : il permettrait de retrouver un groupe de moins de 5 personnes")
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
                responses_value=_people_value(summary.responses),
                lines=[(r.question.text, _result_text(r)) for r in summary.questions],
            )
        )
    return rows


def report_data(territory, period, kind: str = "utilite-sociale", funder: str = "") -> ReportData:
    if kind not in KINDS:
        raise ValueError(_("Rapport inconnu : %(kind)s.") % {"kind": kind})
    if funder and funder not in FUNDERS:
        raise ValueError(_("Financeur inconnu : %(funder)s.") % {"funder": funder})
    # The flower and the key figures read the same figures of the period once (issue 20: constant queries).
    batch = flower_batch([territory], period)
    flower = territories_flowers([territory], period, batch)[territory.pk]
    template = TEMPLATES[funder] if kind == "activite" and funder else None
    title = str(template.title) if template else str(KINDS[kind])
    subtitle = _("%(territory)s — %(period)s") % {"territory": territory.name, "period": period.label}
    if template:
        subtitle += " — " + _("pour : %(funder)s") % {"funder": template.name}
    sections = template.sections if template else ALL_SECTIONS - ({"destinations"} if kind != "activite" else set())
    return ReportData(
        template=template,
        intro=" ".join(str(t) for t in (template.intro, template.period_hint)) if template else "",
        contract=contract_report(territory, period, flower) if template and "contract" in sections else None,
        sections=sections,
        territory=territory,
        period=period,
        kind=kind,
        funder=funder,
        title=title,
        subtitle=subtitle,
        figures=key_figures(
            territory,
            period,
            template.figures if template else DEFAULT_FIGURES,
            batch.figures[territory.pk][batch.index(period)],
        ),
        flower=flower,
        indicators=indicator_rows(flower),
        quotes=report_quotes(territory, period, MAX_QUOTES[kind]) if "quotes" in sections else [],
        surveys=survey_rows(territory, period) if "surveys" in sections else [],
        destinations=by_destination(territory, period.start, period.end) if "destinations" in sections else None,
        notes=[
            _(
                "Aucune donnée nominative. Un groupe de moins de 5 personnes est noté « < 5 » ; un chiffre qui "
                "permettrait de le retrouver (total, moyenne, autre case) est masqué ; les citations sont anonymes."
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
