"""Economics pages: the unit economics (staff and viewers), costs and revenues, unit costs, scenarios."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.exports import Eur, Percent, streamed_attachment, table_xlsx
from conserverie.core.pages import add_service_errors, form_status
from conserverie.distribution.reports import Table
from conserverie.economics.accounts import accounts_of
from conserverie.economics.chart import chart_rows
from conserverie.economics.charts import sensitivity_chart
from conserverie.economics.fec import fec_chunks, fec_of_year_entries
from conserverie.economics.forms import ChartForm, CostItemForm, ParametersForm, ScenarioForm
from conserverie.economics.models import CostItem, Scenario
from conserverie.economics.scenario_defaults import defaults_from_territory
from conserverie.economics.scenario_schema import ScenarioInvalid, normalize
from conserverie.economics.selectors import (
    cost_sheet,
    farmers_received,
    parameters_of,
    price_chain,
    season_of,
    unit_economics,
)
from conserverie.economics.services import (
    chart_set,
    cost_item_add,
    cost_item_remove,
    deposit_rule_set,
    parameters_set,
    scenario_remove,
    scenario_save,
)
from conserverie.economics.simulator import COST_KEYS, REVENUE_KEYS, simulate
from conserverie.economics.unit_costs import COST_CATEGORIES, REVENUE_CATEGORIES, Category
from conserverie.sourcing.purchases import farm_money_rows
from conserverie.territories.models import REPORT_ROLES, JarFormat, LegalEntity, Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

COORDINATION = (Role.COORDINATOR,)


def _day(request, name) -> date | None:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _period(request):
    start, end = season_of()
    date_from, date_to = _day(request, "from") or start, _day(request, "to") or end
    return (date_from, date_to) if date_from <= date_to else (start, end)


@territory_view(roles=REPORT_ROLES)
def summary(request, territory):
    date_from, date_to = _period(request)
    sheet = cost_sheet(territory, date_from, date_to)
    unit = unit_economics(sheet)
    farmers = farmers_received(territory, date_from, date_to, sheet)
    return render(
        request,
        "economics/summary.html",
        {
            "territory": territory,
            "sheet": sheet,
            "unit": unit,
            "farmers": farmers,
            "chain": price_chain(sheet, unit, farmers),
            "farm_rows": farm_money_rows(territory, date_from, date_to),
            "costs": sheet.by_category(COST_CATEGORIES),
            "revenues": sheet.by_category(REVENUE_CATEGORIES),
            "date_from": date_from,
            "date_to": date_to,
            "may_edit": role_in(request.user, territory) == Role.COORDINATOR,
        },
    )


def accounts_table(territory, sheet, unit) -> Table:
    """The accounts of the summary page as one table (section, line, amount): the same figures as
    `conserverie accounts` (`economics/accounts.py`)."""
    data = accounts_of(sheet, unit)
    revenues, expenses = _("Recettes"), _("Charges")
    deposits, in_kind, per_jar = _("Consignes (dette)"), _("Contributions en nature (hors résultat)"), _("Par bocal")
    coverage = _("Part des charges couverte par les recettes propres")
    rows = [[revenues, str(Category(k).label), v] for k, v in data["revenues"].items()]
    rows.append([revenues, _("Total des recettes"), data["revenues_total"]])
    rows += [[expenses, str(Category(k).label), v] for k, v in data["expenses"].items()]
    rows.append([expenses, _("Total des charges"), data["expenses_total"]])
    rows.append([_("Résultat"), _("Recettes − charges"), data["result"]])
    d = data["deposits"]
    rows += [
        [deposits, _("Dû en début de période"), sheet.deposits.opening],
        [deposits, _("Consignes reçues"), d["received"]],
        [deposits, _("Remboursées"), d["refunded"]],
        [deposits, _("Transformées en avoir"), d["credited"]],
        [deposits, _("Acquises (devenues recette)"), d["forfeited"]],
        [deposits, _("Restant dû en fin de période"), d["outstanding"]],
        [in_kind, _("Usage interne des structures"), data["contributions_in_kind"]["internal_use"]],
        [in_kind, _("Heures de bénévolat"), data["contributions_in_kind"]["volunteer_hours"]],
        [_("Fermes"), _("Payé aux fermes"), data["farms_paid"]],
        [per_jar, _("Coût de revient d'un bocal"), data["cost_per_jar"]],
        [per_jar, coverage, data["own_revenue_coverage"]],
        [
            per_jar,
            _("Seuil de rentabilité (bocaux)"),
            data["break_even_jars"] if data["break_even_jars"] is not None else data["break_even_reason"],
        ],
    ]
    rows = [
        [section, line, (Percent if line == coverage else Eur)(value) if isinstance(value, Decimal) else value]
        for section, line, value in rows
    ]
    return Table(
        "comptes",
        _("Comptes de %(name)s") % {"name": territory.name},
        [_("Rubrique"), _("Ligne"), _("Montant (€)")],
        rows,
    )


@territory_view(roles=REPORT_ROLES)
def summary_xlsx(request, territory):
    date_from, date_to = _period(request)
    sheet = cost_sheet(territory, date_from, date_to)
    table = accounts_table(territory, sheet, unit_economics(sheet))
    return table_xlsx(table, f"comptes-{territory.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}")


def _year(request) -> int:
    text = request.GET.get("year", "")
    today = timezone.localdate()
    return int(text) if text.isdigit() and len(text) == 4 and 2000 <= int(text) <= today.year else today.year


@territory_view(roles=COORDINATION)
def fec(request, territory):
    """The year's entries in the FEC format (article A47 A-1 LPF, `economics/fec.py`): coordinators only. The entries
    are built and numbered first (chronological order, no gap in a journal), the text streamed (issue 20)."""
    name, entries = fec_of_year_entries(territory, _year(request))
    return streamed_attachment(fec_chunks(entries), "text/plain; charset=iso-8859-15", name)


@territory_view(roles=COORDINATION)
def chart(request, territory):
    """The chart of accounts the FEC export books to, and the legal entity's SIREN that names the file."""
    form = ChartForm(request.POST or None, rows=chart_rows(territory))
    if request.method == "POST" and form.is_valid():
        try:
            chart_set(actor=request.user, territory=territory, accounts=form.accounts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan comptable enregistré."))
            return redirect("economics:chart", territory.slug)
    return render(
        request,
        "economics/chart.html",
        {
            "territory": territory,
            "form": form,
            "year": _year(request),
            "siren": LegalEntity.objects.filter(territory=territory).values_list("siren", flat=True).first() or "",
        },
        status=form_status(request),
    )


@territory_view(roles=COORDINATION)
def costs(request, territory):
    date_from, date_to = _period(request)
    form = CostItemForm(request.POST or None, initial={"date": date_from})
    if request.method == "POST" and form.is_valid():
        try:
            cost_item_add(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ligne enregistrée."))
            return redirect(request.get_full_path())
    sheet = cost_sheet(territory, date_from, date_to, lines_only=True)
    return render(
        request,
        "economics/costs.html",
        {
            "territory": territory,
            "sheet": sheet,
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
        },
        status=form_status(request),
    )


@territory_view(roles=COORDINATION)
def cost_delete(request, territory, pk):
    item = get_object_or_404(CostItem, territory=territory, pk=pk)
    if request.method == "POST":
        cost_item_remove(actor=request.user, item=item)
        messages.success(request, _("Ligne retirée."))
    return redirect("economics:costs", territory.slug)


@territory_view(roles=COORDINATION)
def parameters(request, territory):
    current = parameters_of(territory)
    form = ParametersForm(request.POST or None, parameters=current)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        months = values.pop("deposit_forfeit_months")
        try:
            with transaction.atomic():
                parameters_set(actor=request.user, territory=territory, **values)
                deposit_rule_set(actor=request.user, territory=territory, months=months)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Coûts unitaires enregistrés."))
            return redirect("economics:costs", territory.slug)
    return render(
        request,
        "economics/parameters.html",
        {"territory": territory, "form": form},
        status=form_status(request),
    )


def _initial_values(request, territory, saved):
    base = request.GET.get("base", "")
    if base.isdigit():
        scenario = next((s for s in saved if s.pk == int(base)), None)
        if scenario is not None:
            try:
                return normalize(scenario.inputs), scenario
            except ScenarioInvalid:
                pass
    return defaults_from_territory(territory, season_of()), None


def _rows(result) -> dict:
    return {
        "costs": [(label, result.costs[key]) for key, label in COST_KEYS],
        "revenues": [(label, result.revenues[key]) for key, label in REVENUE_KEYS],
    }


@territory_view(roles=COORDINATION)
def scenarios(request, territory):
    saved = list(Scenario.objects.filter(territory=territory).order_by("name"))
    values, base = _initial_values(request, territory, saved)
    volumes = JarFormat.objects.filter(territory=territory).values_list("volume_ml", flat=True)
    form = ScenarioForm(
        request.POST or None,
        initial_values=values,
        volumes=list(volumes),
        initial={"name": base.name if base else ""},
    )
    result = None
    if request.method == "POST":
        if form.is_valid():
            values = form.values
            if "save" in request.POST:
                try:
                    scenario = scenario_save(
                        actor=request.user, territory=territory, name=form.cleaned_data["name"], inputs=values
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Scénario « %(name)s » enregistré.") % {"name": scenario.name})
                    return redirect(f"{request.path}?base={scenario.pk}")
            if not form.errors:
                result = simulate(values)
    else:
        result = simulate(values)
    return render(
        request,
        "economics/scenarios.html",
        {
            "territory": territory,
            "form": form,
            "result": result,
            "rows": _rows(result) if result else None,
            "chart": sensitivity_chart(result.sensitivity) if result else None,
            "saved": saved,
            "base": base,
        },
        status=422 if form.errors else 200,
    )


@territory_view(roles=COORDINATION)
def scenario_delete(request, territory, pk):
    scenario = get_object_or_404(Scenario, territory=territory, pk=pk)
    if request.method == "POST":
        scenario_remove(actor=request.user, scenario=scenario)
        messages.success(request, _("Scénario retiré."))
    return redirect("economics:scenarios", territory.slug)
