"""Demo data for #3 gleaning outings: two past randos'cueillettes (kilos → raw lots, hours → volunteer hours) and an
upcoming one with sign-ups and a waiting list.

Its own seeded random generator: the steps after this one draw the same numbers whether or not it runs.
"""

from datetime import date, time, timedelta
from decimal import Decimal
from random import Random

from conserverie.gleaning.services import (
    HarvestLine,
    outing_checkin,
    outing_create,
    outing_harvest_record,
    outing_register,
    outing_registration_cancel,
)
from conserverie.people.models import Participant
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.sourcing.services import raw_lot_give, raw_lot_lose

SEED = 3005
# Produce that is gleaned (an orchard after the harvest, a field after the machines), in order of preference.
GLEANED = [
    "Pomme",
    "Poire",
    "Potiron",
    "Courge butternut",
    "Noix",
    "Tomate",
    "Courgette",
    "Prune",
    "Carotte",
    "Poireau",
]
MEETING_POINTS = [
    "Devant le hangar de la ferme (parking dans la cour)",
    "À l'entrée du verger, au bord de la route",
    "Sur la place de l'église, puis on marche ensemble jusqu'aux champs",
]
NOTES = [
    "Prenez des gants, de bonnes chaussures et une bouteille d'eau. Les cagettes sont fournies.",
    "Covoiturage possible depuis la maison de quartier : dites-le en vous inscrivant.",
]


def _saturday_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 5) % 7)


def _pick(ctx, rng: Random, day: date, skip=()) -> tuple:
    """A gleaned product in season on `day`, a farm that grows it, and a second product of that farm if any."""
    by_name = {product.name: product for product in ctx.products.values()}
    in_season = [
        by_name[name]
        for name in GLEANED
        if name in by_name
        and str(day.month) in by_name[name].months.split(",")
        and ctx.growers.get(by_name[name].pk)
        and name not in skip
    ] or [by_name[name] for name in GLEANED if name in by_name and ctx.growers.get(by_name[name].pk)]
    product = in_season[0]
    farm = rng.choice(ctx.growers[product.pk])
    second = [p for p in in_season[1:] if farm in ctx.growers.get(p.pk, [])]
    return farm, product, (second[0] if second else None)


def _outing(ctx, rng: Random, day: date, capacity: int, skip=()):
    farm, product, second = _pick(ctx, rng, day, skip)
    offer = offer_declare(
        actor=ctx.coordinator,
        territory=ctx.territory,
        producer=farm,
        product=product,
        kg_estimated=Decimal(rng.choice((60, 80, 120))),
        grade=SurplusOffer.Grade.DOWNGRADED,
        mode=SurplusOffer.Mode.GLEAN,
        available_from=day - timedelta(days=6),
        available_until=day + timedelta(days=2),
        note="Fin de récolte : ce qui reste sur les arbres et au sol est pour le glanage.",
    )
    outing = outing_create(
        actor=ctx.coordinator,
        territory=ctx.territory,
        producer=farm,
        offer=offer,
        date=day,
        start_time=time(9, 30),
        end_time=time(12, 30),
        meeting_point=rng.choice(MEETING_POINTS),
        lat=farm.lat,
        lon=farm.lon,
        capacity=capacity,
        products_expected=", ".join(p.name for p in (product, second) if p is not None),
        note=rng.choice(NOTES),
    )
    return outing, product, second


def _sign_up(ctx, rng: Random, outing, people: int) -> list:
    """Residents sign up until `people` places are asked for (the erased participant is never picked)."""
    erased = set(
        Participant.objects.filter(territory=ctx.territory, erased_at__isnull=False).values_list("pk", flat=True)
    )
    candidates = [p for p in ctx.participants if p.pk not in erased]
    registrations, asked = [], 0
    for participant in rng.sample(candidates, min(len(candidates), people + 4)):
        if asked >= people:
            break
        size = min(participant.household_size, rng.choice((1, 1, 2)))
        registrations.append(outing_register(outing=outing, participant=participant, party_size=size))
        asked += size
    return registrations


def _past_outing(ctx, rng: Random, day: date, skip=()):
    """Sign-ups, one cancellation, check-in, then the harvest: raw lots and volunteer hours."""
    outing, product, second = _outing(ctx, rng, day, capacity=10, skip=skip)
    registrations = _sign_up(ctx, rng, outing, people=11)
    outing_registration_cancel(registration=registrations[0])
    for registration in outing.registrations.confirmed().order_by("id"):
        if rng.random() < 0.85:
            outing_checkin(actor=ctx.animator, registration=registration)
    lines = [HarvestLine(product, Decimal(rng.randint(90, 160)), SurplusOffer.Grade.DOWNGRADED)]
    if second is not None:
        lines.append(HarvestLine(second, Decimal(rng.randint(20, 45)), SurplusOffer.Grade.SURPLUS))
    harvest = outing_harvest_record(actor=ctx.coordinator, outing=outing, lines=lines)
    return outing, harvest.raw_lots


def _share(ctx, raw_lots, day: date, *, rest: str) -> None:
    """The gleaners take a third home; the rest goes to the solidarity grocery or waits in stock for a workshop."""
    for lot in raw_lots:
        share = (lot.kg / 3).quantize(Decimal("0.1"))
        raw_lot_give(actor=ctx.coordinator, raw_lot=lot, kg=share, reason="Part des glaneurs", day=day)
        if rest == "given":
            lost = (lot.kg / 20).quantize(Decimal("0.1"))
            raw_lot_lose(actor=ctx.coordinator, raw_lot=lot, kg=lost, reason="Fruits abîmés écartés au tri", day=day)
            raw_lot_give(
                actor=ctx.coordinator,
                raw_lot=lot,
                kg=lot.kg - share - lost,
                reason="Donné à l'épicerie solidaire du quartier",
                day=day + timedelta(days=1),
            )


def add_gleaning(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    rng = Random(SEED)
    early = _saturday_before(ctx.today - timedelta(days=40))
    _outing_early, lots = _past_outing(ctx, rng, early)
    _share(ctx, lots, early, rest="given")
    recent = _saturday_before(ctx.today - timedelta(days=8))
    taken = {lot.product.name for lot in lots}
    _outing_recent, lots = _past_outing(ctx, rng, recent, skip=taken)
    _share(ctx, lots, recent, rest="stock")
    upcoming = _saturday_before(ctx.today + timedelta(days=12))
    outing, _product, _second = _outing(ctx, rng, upcoming, capacity=8)
    _sign_up(ctx, rng, outing, people=11)  # a few more than the places: they wait
