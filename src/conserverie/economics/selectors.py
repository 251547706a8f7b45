"""A territory's costs and revenues for a period: hand-entered items and lines derived from its records.

Derived lines (each shown with its formula; the unit costs are the territory's `CostParameters`):

- fuel = km of the collection rounds of the period × L/100 km ÷ 100 × €/L;
- jars and lids = jars produced × lid + (jars produced − empty jars returned, at least 0) × new jar: a jar
  that comes back is washed and filled again, a lid is new every time;
- energy = batches of the production lots of the period × kWh per batch × €/kWh;
- pantry = kg of pantry lots received in the period × €/kg (pantry lots carry no price: an estimate);
- animation staff = hours of the workshops held (not cancelled) × animators named on each × €/h;
- sales = jars that left through a distribution × their unit price (deposit apart), from the jar ledger;
- deposits forfeited = the deposits whose jar has not come back after the territory's written delay, on the day
  they are forfeited (`economics/deposits.py`); the deposits received are a debt, never revenue.

Contributions in kind (classes 86/87 of the French chart of accounts) are shown apart from revenue and from the
result: the jars the structures use (valued at the cost per jar of the period) and the volunteers' hours (each day
at the minimum wage in force that day).

Rule against double counting: when at least one item of a category is entered by hand for the period, the hand
items replace the derived line of that category (it is still shown, crossed out, with its formula).
An item counts in the period that contains its date.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from conserverie.economics.deposits import DepositAccount, deposit_account
from conserverie.economics.models import CostItem, CostParameters
from conserverie.economics.unit_costs import (
    COST_CATEGORIES,
    FUNDED_CATEGORIES,
    OWN_REVENUE_CATEGORIES,
    PARAMETER_DEFAULTS,
    REVENUE_CATEGORIES,
    VARIABLE_CATEGORIES,
    ZERO,
    Category,
    eur,
)
from conserverie.figures.selectors import Figures, territory_figures
from conserverie.production.models import ProductionLot
from conserverie.recipes.models import PantryLot
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.purchases import farm_money
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Territory
from conserverie.workshops.models import Workshop
from conserverie.workshops.volunteers import volunteer_value

# Below this many people, a figure per participant is not shown (docs/architecture.md §4.7).
MIN_GROUP = 5


def season_of(day: date | None = None) -> tuple[date, date]:
    """The calendar year of `day` (today by default): the period a page opens on."""
    year = (day or timezone.localdate()).year
    return date(year, 1, 1), date(year, 12, 31)


def parameters_of(territory) -> CostParameters:
    """The territory's unit costs (the defaults of unit_costs.py while none are saved; not written)."""
    found = CostParameters.objects.filter(territory=territory).first()
    return found or CostParameters(territory=territory, **PARAMETER_DEFAULTS)


def _num(value, decimals=2) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@dataclass
class Line:
    category: str
    label: str
    amount: Decimal
    derived: bool
    formula: str = ""
    funder: str = ""
    item: CostItem | None = None
    counted: bool = True
    day: date | None = None

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category in Category.values else self.category

    @property
    def is_revenue(self) -> bool:
        return self.category in REVENUE_CATEGORIES


@dataclass
class Contributions:
    """Contributions in kind (classes 86/87): valued, shown, never revenue nor part of the result."""

    internal_jars: int
    cost_per_jar: Decimal
    internal_use: Decimal
    volunteer_hours: Decimal
    volunteer_value: Decimal

    @property
    def total(self) -> Decimal:
        return self.internal_use + self.volunteer_value


@dataclass
class Sheet:
    territory: object
    date_from: date
    date_to: date
    figures: Figures
    parameters: CostParameters
    lines: list[Line] = field(default_factory=list)
    deposits: DepositAccount | None = None
    contributions: Contributions | None = None
    money: dict = field(default_factory=dict)
    farms: object = None

    def total(self, categories) -> Decimal:
        return sum((line.amount for line in self.lines if line.counted and line.category in categories), ZERO)

    def by_category(self, categories) -> list[tuple[str, str, Decimal]]:
        return [(c, Category(c).label, self.total([c])) for c in categories if self.total([c])]

    @property
    def costs(self) -> list[Line]:
        return [line for line in self.lines if not line.is_revenue]

    @property
    def revenues(self) -> list[Line]:
        return [line for line in self.lines if line.is_revenue]

    @property
    def total_costs(self) -> Decimal:
        return self.total(COST_CATEGORIES)

    @property
    def total_revenues(self) -> Decimal:
        return self.total(REVENUE_CATEGORIES)


def _record_sums(territory, date_from, date_to) -> dict:
    """km of the collection rounds (not cancelled), batches of the production lots and kg of pantry received in the
    period: one query (three subqueries on the territory's row)."""

    def total(queryset, field):
        return Subquery(
            queryset.order_by().values("territory").annotate(t=Sum(field)).values("t")[:1],
        )

    rounds = CollectionRound.objects.filter(territory=OuterRef("pk"), date__gte=date_from, date__lte=date_to).exclude(
        status=CollectionRound.Status.CANCELLED
    )
    lots = ProductionLot.objects.filter(territory=OuterRef("pk"), produced_on__gte=date_from, produced_on__lte=date_to)
    pantry = PantryLot.objects.filter(territory=OuterRef("pk"), received_on__gte=date_from, received_on__lte=date_to)
    row = (
        Territory.objects.filter(pk=territory.pk)
        .annotate(km=total(rounds, "km"), batches=total(lots, "batches"), pantry_kg=total(pantry, "kg"))
        .values("km", "batches", "pantry_kg")
        .get()
    )
    return {
        "km": Decimal(row["km"] or 0),
        "batches": int(row["batches"] or 0),
        "pantry_kg": Decimal(row["pantry_kg"] or 0),
    }


def animator_hours(territory, date_from, date_to) -> Decimal:
    """Hours of the workshops held in the period × the animators named on each (one query)."""
    rows = (
        Workshop.objects.filter(territory=territory)
        .between(date_from, date_to)
        .annotate(n=Count("animators"))
        .values_list("starts_at", "ends_at", "n")
    )
    seconds = sum(((end - start).total_seconds() * n for start, end, n in rows if end > start), 0.0)
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.01"))


def ledger_money(territory, date_from, date_to) -> dict:
    """From the jar ledger, one query: the price part (deposit apart) of every jar that left through a
    distribution (sales), and for the price chain the jars sold (number, price, deposits) and the jars given with
    a deposit (number, deposits)."""
    out = -F("quantity")
    sold, given = Q(kind="sold"), Q(kind="given", distribution_line__deposit_eur__gt=0)
    data = StockMovement.objects.filter(
        territory=territory, distribution_line__isnull=False, day__gte=date_from, day__lte=date_to
    ).aggregate(
        sales=Sum(out * F("distribution_line__unit_price_eur")),
        sold_n=Sum(out, filter=sold),
        sold_price=Sum(out * F("distribution_line__unit_price_eur"), filter=sold),
        given_n=Sum(out, filter=given),
        given_deposit=Sum(out * F("distribution_line__deposit_eur"), filter=given),
    )
    return {key: value or 0 for key, value in data.items()}


def sales_eur(territory, date_from, date_to) -> Decimal:
    """The price part (deposit apart) of the jars that left through a distribution, read from the ledger."""
    return eur(ledger_money(territory, date_from, date_to)["sales"])


def _derived(sheet: Sheet) -> list[Line]:
    t, p, f = sheet.territory, sheet.parameters, sheet.figures
    start, end = sheet.date_from, sheet.date_to
    sums = _record_sums(t, start, end)
    km, batches, pantry_kg = sums["km"], sums["batches"], sums["pantry_kg"]
    produced, returned = f.jars_produced, f.empty_jars_returned
    new_jars = max(produced - returned, 0)
    hours = animator_hours(t, start, end)
    lines = [
        Line(
            Category.FUEL,
            _("Carburant des tournées"),
            eur(km * p.fuel_l_per_100km / 100 * p.fuel_eur_per_l),
            True,
            _("%(km)s km × %(l)s L/100 km × %(price)s €/L")
            % {"km": _num(km, 1), "l": _num(p.fuel_l_per_100km, 1), "price": _num(p.fuel_eur_per_l)},
        ),
        Line(
            Category.JARS_LIDS,
            _("Couvercles neufs et bocaux non revenus"),
            eur(produced * p.lid_eur + new_jars * p.jar_eur),
            True,
            _("%(jars)s bocaux × %(lid)s € (couvercle) + %(new)s bocaux non revenus × %(jar)s €")
            % {"jars": _num(produced, 0), "lid": _num(p.lid_eur), "new": _num(new_jars, 0), "jar": _num(p.jar_eur)},
        ),
        Line(
            Category.ENERGY,
            _("Énergie des fournées"),
            eur(batches * p.kwh_per_batch * p.eur_per_kwh),
            True,
            _("%(batches)s fournées × %(kwh)s kWh × %(price)s €/kWh")
            % {"batches": batches, "kwh": _num(p.kwh_per_batch, 1), "price": _num(p.eur_per_kwh, 3)},
        ),
        Line(
            Category.PANTRY,
            _("Épicerie achetée"),
            eur(pantry_kg * p.pantry_eur_per_kg),
            True,
            _("%(kg)s kg reçus × %(price)s €/kg (estimation)")
            % {"kg": _num(pantry_kg, 1), "price": _num(p.pantry_eur_per_kg)},
        ),
        Line(
            Category.STAFF_ANIMATORS,
            _("Heures d'animation des ateliers"),
            eur(hours * p.animator_hour_eur),
            True,
            _("%(hours)s h (durée × animateurs) × %(price)s €/h")
            % {"hours": _num(hours, 1), "price": _num(p.animator_hour_eur)},
        ),
        Line(
            Category.SALES,
            _("Ventes de bocaux"),
            eur(sheet.money["sales"]),
            True,
            _("Bocaux cédés ou vendus × prix unitaire (consigne à part), registre des bocaux"),
        ),
        Line(
            Category.DEPOSITS_FORFEITED,
            _("Consignes acquises"),
            sheet.deposits.forfeited,
            True,
            (
                _("Consignes dont le bocal n'est pas revenu %(months)s mois après sa sortie (règle du territoire)")
                % {"months": sheet.deposits.forfeit_months}
                if sheet.deposits.forfeit_months
                else _("Aucune règle écrite : les consignes restent dues et ne deviennent jamais une recette")
            ),
        ),
    ]
    farms = sheet.farms
    lines += [
        Line(
            Category.FARM_PURCHASES,
            _("Achats aux fermes"),
            farms.paid_eur,
            True,
            _("%(kg)s kg achetés × prix convenu au kilo, payés à la collecte (bons d'achat)")
            % {"kg": _num(farms.kg_bought, 1)},
        ),
        Line(
            Category.PROCESSING_FEES,
            _("Transformation à façon pour les fermes"),
            farms.fees_eur,
            True,
            _("%(jars)s bocaux rendus aux fermes × prix convenu par bocal") % {"jars": _num(farms.jars_returned, 0)},
        ),
    ]
    return lines


def cost_sheet(
    territory,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    with_accounts: bool = True,
    lines_only: bool = False,
) -> Sheet:
    """Every cost and revenue line of the period, hand-entered and derived, with the rule applied.

    `with_accounts=False` (the simulator's defaults) leaves out what only the accounts need: the deposit ledger
    (no deposit forfeited) and the contributions in kind. `lines_only=True` (the costs page: its lines and totals)
    reads the deposit ledger only when the territory has a written forfeit rule: the ledger of every season is read
    for the deposits forfeited, and without a rule none ever is (issue 20: 20-30 ms at ten seasons); the other
    figures of `sheet.deposits` are then not read."""
    if date_from is None or date_to is None:
        season = season_of()
        date_from, date_to = date_from or season[0], date_to or season[1]
    sheet = Sheet(
        territory=territory,
        date_from=date_from,
        date_to=date_to,
        figures=territory_figures(territory, date_from, date_to, mass_balance=False),
        parameters=parameters_of(territory),
    )
    sheet.money = ledger_money(territory, date_from, date_to)
    sheet.farms = farm_money(territory, date_from, date_to)
    months = sheet.parameters.deposit_forfeit_months
    if not with_accounts:
        sheet.deposits = DepositAccount.empty(date_from, date_to)
    elif lines_only and not months:
        sheet.deposits = DepositAccount.nothing_forfeited(date_from, date_to)
    else:
        sheet.deposits = deposit_account(territory, date_from, date_to, months)
    items = CostItem.objects.filter(territory=territory, date__gte=date_from, date__lte=date_to).order_by(
        "category", "date", "id"
    )
    hand = [Line(i.category, i.label, i.amount_eur, False, funder=i.funder, item=i, day=i.date) for i in items]
    entered = {line.category for line in hand}
    derived = _derived(sheet)
    for line in derived:
        line.counted = line.category not in entered
    sheet.lines = hand + derived
    # Internal use is a contribution in kind, valued at the cost per jar once the costs are known.
    jars, internal = sheet.figures.jars_produced, sheet.figures.jars_internal
    per_jar = eur(sheet.total_costs / jars) if jars else ZERO
    hours, value = volunteer_value(territory, date_from, date_to) if with_accounts else (ZERO, ZERO)
    sheet.contributions = Contributions(
        internal_jars=internal,
        cost_per_jar=per_jar,
        internal_use=eur(internal * sheet.total_costs / jars) if jars else eur(0),
        volunteer_hours=hours,
        volunteer_value=value,
    )
    order = {c: i for i, c in enumerate(Category.values)}
    sheet.lines.sort(key=lambda line: (order[line.category], line.derived, line.day or date.min))
    return sheet


@dataclass
class UnitEconomics:
    total_costs: Decimal
    fixed_costs: Decimal
    variable_costs: Decimal
    own_revenue: Decimal
    external_revenue: Decimal
    net_result: Decimal
    jars: int
    kg_saved: Decimal
    participants: int
    households: int
    cost_per_jar: Decimal | None
    cost_per_kg: Decimal | None
    cost_per_participant: Decimal | None
    cost_per_household: Decimal | None
    coverage: Decimal | None
    break_even_jars: int | None
    margin_per_jar: Decimal | None
    revenue_per_jar: Decimal | None = None
    variable_per_jar: Decimal | None = None
    break_even_reason: str | None = None


def _div(a, b, places="0.01"):
    return (Decimal(a) / Decimal(b)).quantize(Decimal(places)) if b else None


def break_even(fixed: Decimal, own: Decimal, variable: Decimal, jars: int) -> tuple[int | None, str | None]:
    """Jars at which the cannery's own revenue covers every cost without subsidy, or None and the reason.

    With p the own revenue per jar produced (sales, processing fees, deposits forfeited: money the jars bring in,
    never a subsidy, a deposit still owed or a contribution in kind) and v the variable cost per jar, the fixed
    costs F are covered at n = F ÷ (p − v) jars, rounded up. When p ≤ v, every jar made adds to the loss: the
    break-even is not reachable at these prices.
    """
    if not jars:
        return None, _("Aucun bocal produit sur la période : ni prix ni coût par bocal, pas de seuil calculable.")
    p, v = own / jars, variable / jars
    if p <= v:
        return None, _(
            "Pas atteignable à ces prix : un bocal rapporte en moyenne %(p)s € (ventes, transformation à façon, "
            "consignes acquises) et coûte %(v)s € en charges variables (carburant, bocaux, énergie, épicerie, "
            "achats aux fermes). Chaque bocal de plus creuse le déficit ; le modèle repose sur les subventions "
            "et les contrats."
        ) % {"p": _num(p), "v": _num(v)}
    if fixed <= 0:
        return 0, None
    return int((fixed / (p - v)).to_integral_value(ROUND_CEILING)), None


def unit_economics(sheet: Sheet) -> UnitEconomics:
    """Cost per jar, per kg saved, per participant; coverage by own revenue; break-even volume (`break_even`).

    Only real revenue counts: sales, processing fees and deposits forfeited. Deposits still owed, internal use and
    volunteer hours (contributions in kind) and subsidies never do. A figure per person is None below 5 people
    (docs/architecture.md §4.7).
    """
    f = sheet.figures
    total = sheet.total_costs
    variable = sheet.total(VARIABLE_CATEGORIES)
    fixed = total - variable
    own = sheet.total(OWN_REVENUE_CATEGORIES)
    external = sheet.total(FUNDED_CATEGORIES)
    jars = f.jars_produced
    margin = (own - variable) / jars if jars else None
    jars_needed, reason = break_even(fixed, own, variable, jars)
    kg_saved = (f.kg_processed + f.kg_given_raw).quantize(Decimal("0.01"))
    return UnitEconomics(
        total_costs=total,
        fixed_costs=fixed,
        variable_costs=variable,
        own_revenue=own,
        external_revenue=external,
        net_result=sheet.total_revenues - total,
        jars=jars,
        kg_saved=kg_saved,
        participants=f.participants,
        households=f.households,
        cost_per_jar=_div(total, jars),
        cost_per_kg=_div(total, kg_saved),
        cost_per_participant=_div(total, f.participants) if f.participants >= MIN_GROUP else None,
        cost_per_household=_div(total, f.households) if f.households >= MIN_GROUP else None,
        coverage=_div(own, total, "0.001"),
        break_even_jars=jars_needed,
        margin_per_jar=margin.quantize(Decimal("0.01")) if margin is not None else None,
        revenue_per_jar=_div(own, jars),
        variable_per_jar=_div(variable, jars),
        break_even_reason=reason,
    )


def farmers_received(territory, date_from, date_to, sheet: Sheet | None = None) -> dict:
    """What the farms brought and received in the period: kg collected, farms, money paid for purchases (kg ×
    agreed price), jars returned to them (à façon) and the processing fees (`sourcing/purchases.py`)."""
    lots = RawLot.objects.filter(territory=territory).collected_between(date_from, date_to)
    data = lots.aggregate(total_kg=Sum("kg"), farms=Count("producer", distinct=True))
    farms = sheet.farms if sheet is not None and sheet.farms is not None else farm_money(territory, date_from, date_to)
    return {
        "kg": (data["total_kg"] or ZERO).quantize(Decimal("0.01")),
        "farms": data["farms"],
        "paid": farms.paid_eur,
        "kg_bought": farms.kg_bought,
        "kg_given": farms.kg_given,
        "kg_processed": farms.kg_processed,
        "jars_returned": farms.jars_returned,
        "fees": farms.fees_eur,
    }


def price_chain(sheet: Sheet, unit: UnitEconomics, farmers: dict) -> list[tuple[str, Decimal | None, str]]:
    """Per jar, along the chain: farm → cost of making → price to the purchasing group → deposit."""
    jars = sheet.figures.jars_produced
    money = sheet.money
    sold = {"n": money["sold_n"], "price": money["sold_price"]}
    given = {"n": money["given_n"], "deposit": money["given_deposit"]}
    return [
        (
            _("Prix payé aux fermes"),
            _div(farmers["paid"], jars),
            _("achats aux fermes (%(kg)s kg) ÷ bocaux produits ; les dons ne sont pas payés")
            % {"kg": _num(farmers["kg_bought"], 1)},
        ),
        (_("Coût de revient"), unit.cost_per_jar, _("toutes charges comprises, par bocal produit")),
        (_("Coût variable"), _div(unit.variable_costs, jars), _("carburant, bocaux, énergie, épicerie")),
        (_("Prix moyen au groupement d'achat"), _div(sold["price"] or 0, sold["n"]), _("consigne non comprise")),
        (
            _("Consigne moyenne d'un bocal cédé"),
            _div(given["deposit"] or 0, given["n"]),
            _("rendue au retour du bocal"),
        ),
    ]
