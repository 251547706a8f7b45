"""Reads of the purchasing group: the stock a round can offer, a round's orders, the group's figures."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, F, Prefetch, Q, Sum, When
from django.utils.translation import gettext as _

from conserverie.distribution.models import DistributionLine
from conserverie.distribution.selectors import price_for, price_map
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.purchasing.models import GroupMember, Order, OrderLine, Round, RoundItem
from conserverie.stock.models import StockMovement
from conserverie.stock.set_aside import SetAside
from conserverie.territories.models import Location


def set_aside_items(*, territory_id=None, location_id=None, lot_id=None, jar_format_id=None):
    """The catalogue lines that hold jars on their shelf, each annotated with `aside`, the jars it holds.

    An open round holds every jar it offers (a member may still order any of them); a closed round holds only the
    jars its orders still wait for (`reserved`: a pick-up releases its line's jars, the jars nobody ordered are free
    from the closing); a finished or cancelled round holds none. Jars of a lot no longer released (blocked,
    recalled) are held for nobody: they cannot be handed over, and withdrawing them must never be refused."""
    items = RoundItem.objects.filter(
        round__status__in=(Round.Status.OPEN, Round.Status.CLOSED), lot__status=LotStatus.RELEASED
    )
    if territory_id is not None:
        items = items.filter(round__territory_id=territory_id)
    if location_id is not None:
        items = items.filter(round__location_id=location_id)
    if lot_id is not None:
        items = items.filter(lot_id=lot_id)
    if jar_format_id is not None:
        items = items.filter(jar_format_id=jar_format_id)
    return items.annotate(
        aside=Case(When(round__status=Round.Status.OPEN, then=F("offered")), default=F("reserved"))
    ).filter(aside__gt=0)


def round_holder(round_id: int) -> tuple:
    """The key of a round's set-aside jars for the stock checks (stock/set_aside.py)."""
    return ("purchasing.round", round_id)


def stock_set_aside(*, territory_id=None, location_id=None, lot_id=None, jar_format_id=None) -> list[SetAside]:
    """The source registered with the stock (purchasing/apps.py): what each live round holds, one query."""
    rows = (
        set_aside_items(territory_id=territory_id, location_id=location_id, lot_id=lot_id, jar_format_id=jar_format_id)
        .values_list(
            "round__location_id", "lot_id", "jar_format_id", "aside", "round_id", "round__title", "round__pickup_day"
        )
        .order_by("round__pickup_day", "round_id", "pk")
    )
    return [
        SetAside(
            location_id=location,
            lot_id=lot,
            jar_format_id=jar_format,
            jars=jars,
            holder=round_holder(round_id),
            label=_("la commande groupée “%(title)s” (retrait le %(day)s)")
            % {"title": title, "day": f"{day:%d/%m/%Y}"},
        )
        for location, lot, jar_format, jars, round_id, title, day in rows
    ]


def catalogue_candidates(territory, location) -> list[dict]:
    """The released jars on `location`'s shelf that no live round has set aside, with the price list's price: what a
    new round may offer (a fixed number of queries), by recipe name, lot code and format name.

    The shelf's balances (through the ledger's (location, lot) index: the shelf's rows only) and the territory's
    released lots are read in two queries, each sorted by the database: grouped in one query with the lots, the
    planner walked every lot of every territory (docs/performance.md, f21). The order is the database's, level by
    level: the lots by recipe name and code, a lot's formats by name."""
    balances = (
        StockMovement.objects.filter(territory=territory, location=location)
        .full()
        .values("lot_id", "jar_format_id", "jar_format__name", "jar_format__deposit_eur")
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("jar_format__name", "jar_format_id")
    )
    by_lot = defaultdict(list)
    for row in balances:
        by_lot[row["lot_id"]].append(row)
    lots = (
        ProductionLot.objects.filter(territory=territory, status=LotStatus.RELEASED)
        .values_list("pk", "code", "recipe__code", "recipe__name", "best_before")
        .order_by("recipe__name", "code", "pk")
    )
    rows = [
        {
            "lot_id": pk,
            "lot__code": code,
            "lot__recipe__code": recipe_code,
            "lot__recipe__name": recipe_name,
            "lot__best_before": best_before,
            **fmt,
        }
        for pk, code, recipe_code, recipe_name, best_before in lots
        if pk in by_lot
        for fmt in by_lot[pk]
    ]
    aside = defaultdict(int)
    for lot_id, format_id, jars in (
        set_aside_items(location_id=location.pk).values_list("lot_id", "jar_format_id", "aside").order_by()
    ):
        aside[(lot_id, format_id)] += jars
    prices = price_map(territory)
    out = []
    for row in rows:
        free = row["jars"] - aside[(row["lot_id"], row["jar_format_id"])]
        if free <= 0:
            continue
        entry = price_for(prices, row["lot__recipe__code"], row["jar_format_id"])
        out.append({**row, "free": free, "price": entry.price_eur if entry else None})
    return out


def stocked_location(territory):
    """The location holding the most jars of released lots (the default shelf of a new round), or None.

    Summed per (lot, location) first, in the order of the ledger's covering index (territory, lot, location), then
    per location here: grouped by location alone, the planner walked every territory's ledger through the location
    index (docs/performance.md, f21). The same sums; ties to the smallest location id."""
    rows = (
        StockMovement.objects.filter(territory=territory, lot__status=LotStatus.RELEASED)
        .full()
        .values("lot_id", "location_id")
        .annotate(jars=Sum("quantity"))
        .order_by()
        .values_list("location_id", "jars")
    )
    totals = defaultdict(int)
    for location_id, jars in rows:
        totals[location_id] += jars
    stocked = [(-jars, location_id) for location_id, jars in totals.items() if jars > 0]
    return Location.objects.filter(pk=min(stocked)[1]).first() if stocked else None


def round_orders(the_round, statuses=None) -> list[Order]:
    """The round's orders with their member and lines (three queries), by first name."""
    orders = Order.objects.filter(round=the_round)
    if statuses:
        orders = orders.filter(status__in=statuses)
    return list(
        orders.select_related("member__participant", "member__price_tier", "distribution")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("item__lot", "item__jar_format").order_by("pk"),
            )
        )
        .order_by("member__participant__first_name", "pk")
    )


def round_items(the_round) -> list[RoundItem]:
    return list(
        RoundItem.objects.filter(round=the_round)
        .select_related("lot__recipe", "jar_format")
        .order_by("lot__recipe__name", "jar_format__volume_ml", "pk")
    )


def rounds_with_counts(territory):
    return (
        Round.objects.filter(territory=territory)
        .select_related("structure")
        .annotate(
            n_orders=Count("orders", filter=~Q(orders__status=Order.Status.CANCELLED), distinct=True),
        )
        .order_by("-pickup_day", "-pk")
    )


def members_of(territory):
    return (
        GroupMember.objects.filter(territory=territory)
        .select_related("participant__household", "structure", "price_tier")
        .order_by("structure__name", "participant__first_name", "pk")
    )


# Figures ----------------------------------------------------------------------------------------------------------


def group_sale_lines(territory, start=None, end=None, structure=None):
    """The lines of the group sales made at a round's pick-up (the orders collected), in the period."""
    lines = DistributionLine.objects.filter(distribution__territory=territory, distribution__group_order__isnull=False)
    if start is not None:
        lines = lines.filter(distribution__date__gte=start)
    if end is not None:
        lines = lines.filter(distribution__date__lte=end)
    if structure is not None:
        lines = lines.filter(distribution__group_order__round__structure=structure)
    return lines


def group_order_rows(territory, start=None, end=None, structure=None) -> list[dict]:
    """One row per order collected in the period: its structure, household, priority area, jars and value (€,
    deposit apart). One query, whatever the number of structures; what every group figure is computed from."""
    return list(
        group_sale_lines(territory, start, end, structure)
        .values(
            "distribution_id",
            structure_id=F("distribution__group_order__round__structure_id"),
            structure_name=F("distribution__group_order__round__structure__name"),
            household_id=F("distribution__participant__household_id"),
            priority_area=F("distribution__participant__household__priority_area"),
        )
        .annotate(jars=Sum("quantity"), value=Sum(F("quantity") * F("unit_price_eur")))
        .order_by("structure_name", "structure_id", "distribution_id")
    )


def summarise_orders(rows) -> dict:
    """Households served (distinct), orders, jars, the average basket and the priority-area share of `rows`."""
    households = {row["household_id"]: bool(row["priority_area"]) for row in rows if row["household_id"]}
    orders = len(rows)
    value = sum((row["value"] or Decimal("0") for row in rows), Decimal("0"))
    served = len(households)
    return {
        "group_households": served,
        "group_orders": orders,
        "group_jars": sum(row["jars"] or 0 for row in rows),
        "group_average_basket_eur": (value / orders).quantize(Decimal("0.01")) if orders else None,
        "group_priority_share": round(sum(households.values()) / served, 3) if served else None,
    }


def group_figures(territory, start=None, end=None, structure=None) -> dict:
    """Households served by the group, orders collected, jars, the average basket (€, deposit apart) and the share
    of households living in a priority area, in the period (by the day of the pick-up). One query."""
    return summarise_orders(group_order_rows(territory, start, end, structure))


def group_figures_by_structure(territory, start=None, end=None) -> tuple[dict, list[tuple[str, dict]]]:
    """The group's figures for the territory and for each structure (by name), from the same single query."""
    rows = group_order_rows(territory, start, end)
    per_structure = defaultdict(list)
    for row in rows:
        per_structure[(row["structure_name"], row["structure_id"])].append(row)
    return summarise_orders(rows), [(name, summarise_orders(part)) for (name, _pk), part in per_structure.items()]
