"""The purchasing group (issue 18): two social centres with their members and social tiers, two past rounds whose
orders were handed over at the pick-up (one member did not come: back to stock), and one round open for orders.

Played at the end of the season, on the released jars left on the truck's shelf. The past rounds go through the
same services as the pages (open, order, close, hand over, finish); only their dates are then set in the past, as
they would have been typed then (a service refuses a closing time already gone)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from conserverie.distribution.models import PaymentMode
from conserverie.distribution.selectors import price_for, price_map
from conserverie.distribution.services import tier_set
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.purchasing.models import Order, Round
from conserverie.purchasing.services import (
    ItemSpec,
    free_jars,
    member_add,
    order_set,
    pickup_hand_over,
    round_close,
    round_finish,
    round_open,
)
from conserverie.stock.models import StockMovement

CENTRES = ("nicolas", "ors")
MEMBERS_PER_CENTRE = 9
PAYMENTS = [PaymentMode.CASH, PaymentMode.VOUCHER, PaymentMode.CARD, PaymentMode.CHEQUE]


def _catalogue(ctx, n_items: int, per_item: int) -> list[ItemSpec]:
    truck = ctx.places.truck
    rows = (
        StockMovement.objects.filter(location=truck, lot__status=LotStatus.RELEASED)
        .values("lot_id", "jar_format_id")
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("-jars", "lot_id", "jar_format_id")
    )
    prices = price_map(ctx.territory)
    formats = {f.pk: f for f in ctx.places.jars.values()}
    items = []
    for row in rows:
        lot = ProductionLot.objects.select_related("recipe").get(pk=row["lot_id"])
        jar_format = formats[row["jar_format_id"]]
        free = free_jars(location=truck, lot=lot, jar_format=jar_format)
        if free < 4:
            continue
        entry = price_for(prices, lot.recipe.code, jar_format.pk)
        price = entry.price_eur if entry else Decimal("3.00")
        items.append(ItemSpec(lot, jar_format, min(per_item, free), price))
        if len(items) == n_items:
            break
    return items


def _open(ctx, structure, title, days_to_close, items) -> Round:
    now = timezone.localtime()
    closes = now + timedelta(days=days_to_close)
    return round_open(
        actor=ctx.animator,
        territory=ctx.territory,
        structure=structure,
        title=title,
        location=ctx.places.truck,
        closes_at=closes,
        pickup_place=structure.name,
        pickup_day=(closes + timedelta(days=2)).date(),
        pickup_start=time(16, 30),
        pickup_end=time(18, 30),
        items=items,
    )


def _members(ctx, structure, tiers, people) -> list:
    members = []
    for index, person in enumerate(people):
        tier = tiers[index % len(tiers)] if index % 3 else None
        members.append(
            member_add(
                actor=ctx.animator,
                territory=ctx.territory,
                structure=structure,
                first_name=person.first_name,
                participant=person,
                price_tier=tier,
                notify_sms=bool(person.phone) and index % 2 == 0,
                notify_email=bool(person.email),
            )
        )
    return members


def _order_all(ctx, the_round, members) -> None:
    items = list(the_round.items.order_by("pk"))
    for index, member in enumerate(members):
        wanted = {}
        for k, item in enumerate(items):
            if (index + k) % 3 == 0:
                wanted[item.pk] = 1 + (index + k) % 2
        item_left = {item.pk: item.left for item in the_round.items.order_by("pk")}
        wanted = {pk: min(n, item_left[pk]) for pk, n in wanted.items() if item_left[pk] > 0}
        if wanted:
            order_set(actor=None, the_round=the_round, member=member, quantities=wanted)


def _past(ctx, the_round, weeks_ago: int) -> None:
    """Close, hand over (the last member does not come), finish; then place the dates `weeks_ago` in the past."""
    round_close(actor=ctx.animator, the_round=the_round)
    pickup = ctx.today - timedelta(weeks=weeks_ago)
    orders = list(Order.objects.filter(round=the_round, status=Order.Status.READY).order_by("pk"))
    for index, order in enumerate(orders[:-1]):
        lines = list(order.lines.order_by("pk"))
        handed = {line.pk: line.quantity for line in lines}
        if index == 1 and lines:
            handed[lines[0].pk] = max(lines[0].quantity - 1, 0)  # one jar left at the centre
        empties = {lines[0].item.jar_format_id: 1} if index % 3 == 0 and lines else None
        use_credit = index == 3 and bool(lines)
        if use_credit:  # as many empty jars back as jars taken: kept as credit, they pay the new deposits
            empties = {}
            for line in lines:
                empties[line.item.jar_format_id] = empties.get(line.item.jar_format_id, 0) + handed[line.pk]
        pickup_hand_over(
            actor=ctx.animator,
            order=order,
            handed=handed,
            payment_mode=PAYMENTS[index % len(PAYMENTS)],
            empties=empties,
            day=pickup,
            use_credit=use_credit,
        )
    round_finish(actor=ctx.animator, the_round=the_round)
    closes = timezone.make_aware(datetime.combine(pickup - timedelta(days=2), time(20)))
    Round.objects.filter(pk=the_round.pk).update(
        closes_at=closes, pickup_day=pickup, closed_at=closes, finished_at=closes + timedelta(days=3)
    )


def add_purchasing(ctx) -> None:
    structures = [ctx.places.structures[key] for key in CENTRES]
    tiers = {
        s.pk: [
            tier_set(
                actor=ctx.coordinator,
                territory=ctx.territory,
                structure=s,
                name="Tarif solidaire",
                percent=Decimal("50"),
            ),
            tier_set(
                actor=ctx.coordinator, territory=ctx.territory, structure=s, name="Tarif réduit", percent=Decimal("75")
            ),
        ]
        for s in structures
    }
    people = [p for p in ctx.participants if p.erased_at is None and p.household_id]
    members = {}
    for index, structure in enumerate(structures):
        chosen = people[index * MEMBERS_PER_CENTRE : (index + 1) * MEMBERS_PER_CENTRE]
        members[structure.pk] = _members(ctx, structure, tiers[structure.pk], chosen)
    for weeks_ago, structure in ((6, structures[0]), (3, structures[1])):
        items = _catalogue(ctx, 3, 10)
        if not items:
            continue
        the_round = _open(ctx, structure, f"Commande groupée — {structure.name}", 1, items)
        _order_all(ctx, the_round, members[structure.pk])
        _past(ctx, the_round, weeks_ago)
    items = _catalogue(ctx, 4, 8)
    if items:
        the_round = _open(ctx, structures[0], "Commande de la semaine prochaine", 4, items)
        _order_all(ctx, the_round, members[structures[0].pk][:5])
