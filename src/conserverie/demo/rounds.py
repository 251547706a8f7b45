"""Demo data for #3 collection rounds: the season's truck collections grouped into past rounds, a round
confirmed for tomorrow (the driver's page), and accepted offers a few days ahead, ready to plan.

Uses its own seeded random generator, not the season's: the steps after this one draw the same numbers. The
past rounds only attach the raw lots already weighed to a round: no kilo is added or moved, so the mass balance
and the report's figures stay what they were.
"""

from collections import defaultdict
from datetime import time, timedelta
from decimal import Decimal
from random import Random

from django.core.exceptions import ValidationError

from conserverie.producers.models import Product, SurplusOffer
from conserverie.producers.services import offer_accept, offer_declare
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.services import round_candidates, round_confirm, round_from_collections, round_plan
from conserverie.territories.models import Vehicle

SEED = 6
TOMORROW_OFFERS = 5
AHEAD_OFFERS = 8
MIN_ROUND_KG = 10


def _past_rounds(ctx, vehicle) -> int:
    """Each day's weighed truck collections become one round (as much as the truck carries)."""
    lots = (
        RawLot.objects.filter(
            territory=ctx.territory,
            collection_round__isnull=True,
            offer__mode=SurplusOffer.Mode.COLLECT,
            collected_on__lt=ctx.today,
        )
        .select_related("offer")
        .order_by("collected_on", "pk")
    )
    by_day = defaultdict(list)
    for raw in lots:
        by_day[raw.collected_on].append(raw)
    made = 0
    for day, raws in by_day.items():
        if sum(raw.kg for raw in raws) < MIN_ROUND_KG:
            continue  # a bunch of herbs came with someone passing by, not with the truck
        chosen, load, offers = [], Decimal("0"), set()
        for raw in raws:
            if raw.offer_id in offers or load + raw.offer.kg_estimated > vehicle.capacity_kg:
                continue
            chosen.append(raw)
            offers.add(raw.offer_id)
            load += raw.offer.kg_estimated
        try:
            round_from_collections(
                actor=ctx.coordinator, territory=ctx.territory, vehicle=vehicle, day=day, raw_lots=chosen
            )
        except ValidationError:
            continue  # a day that does not fit one round stays as separate collections
        made += 1
    return made


def _estimate(product, rng) -> Decimal:
    """Herbs by the bunch, garlic and walnuts by the crate, the rest by the cart."""
    if product.category == Product.Category.HERB:
        return Decimal(rng.randint(2, 6))
    if product.name in ("Ail", "Noix"):
        return Decimal(rng.randrange(10, 30, 5))
    return Decimal(rng.randrange(25, 125, 5))


def _offers_for(ctx, rng, day, wanted: int, available_from, available_until) -> None:
    """Accepted offers to collect on `day`, declared by farms that grow what is in season then."""
    missing = wanted - round_candidates(ctx.territory, day).count()
    month = str(day.month)
    in_season = [p for p in ctx.products.values() if month in p.months.split(",") and ctx.growers.get(p.pk)]
    in_season.sort(key=lambda p: p.name)
    for _ in range(max(missing, 0)):
        product = rng.choice(in_season)
        farm = rng.choice(sorted(ctx.growers[product.pk], key=lambda f: f.name))
        offer = offer_declare(
            actor=ctx.coordinator,
            territory=ctx.territory,
            producer=farm,
            product=product,
            kg_estimated=_estimate(product, rng),
            grade=rng.choice(list(SurplusOffer.Grade.values)),
            available_from=available_from,
            available_until=available_until,
        )
        offer_accept(actor=ctx.coordinator, offer=offer)


def _upcoming(ctx, vehicle, rng) -> None:
    tomorrow, ahead = ctx.today + timedelta(days=1), ctx.today + timedelta(days=3)
    _offers_for(ctx, rng, tomorrow, TOMORROW_OFFERS, tomorrow, tomorrow + timedelta(days=1))
    try:
        collection_round = round_plan(
            actor=ctx.coordinator,
            territory=ctx.territory,
            vehicle=vehicle,
            day=tomorrow,
            departure=time(8),
            back_by=time(13),
            seconds=1.0,
        )
        round_confirm(actor=ctx.coordinator, collection_round=collection_round)
    except ValidationError:
        pass  # the demo still shows the offers to plan
    _offers_for(ctx, rng, ahead, AHEAD_OFFERS, ahead - timedelta(days=1), ahead + timedelta(days=2))


def add_rounds(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    vehicle = Vehicle.objects.filter(territory=ctx.territory).order_by("pk").first()
    if vehicle is None:
        return
    rng = Random(SEED)
    _past_rounds(ctx, vehicle)
    _upcoming(ctx, vehicle, rng)
