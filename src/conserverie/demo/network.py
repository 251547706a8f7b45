"""Demo data for #3 producer network: certifications to renew, each farm's seasonal calendar, offers in every state.

Uses its own seeded random generator, not the season's: the steps after this one draw the same numbers as before,
so the demo's figures stay what they were. No raw lot is created here.
"""

from datetime import timedelta
from decimal import Decimal
from random import Random

from conserverie.demo.farms import FARMS
from conserverie.producers.models import SurplusOffer, parse_months
from conserverie.producers.services import (
    offer_accept,
    offer_declare,
    offer_decline,
    offer_plan,
    offers_expire,
    producer_calendar_set,
    producer_update,
)

SEED = 3

DECLINE_MESSAGE = "Pas d'atelier pour ce légume avant trois semaines : reproposez-les plus tard, merci !"


def _certifications(ctx, farms, rng) -> None:
    """Three certificates to renew within the month, one already expired: the list's filters show them."""
    certified = sorted((f for f in farms.values() if f.organic_certified), key=lambda f: f.name)
    chosen = rng.sample(certified, 4)
    for days, farm in zip((9, 17, 26), chosen, strict=False):
        producer_update(actor=ctx.coordinator, producer=farm, certification_expiry=ctx.today + timedelta(days=days))
    producer_update(actor=ctx.coordinator, producer=chosen[3], certification_expiry=ctx.today - timedelta(days=12))


def _calendars(ctx, farms, rng) -> None:
    """Each farm has its products in their season; a farm sometimes starts a month later or stops a month earlier."""
    for name, _village, grown in FARMS:
        months = {}
        for product_name in grown:
            product = ctx.products[product_name]
            season = parse_months(product.months)
            if len(season) >= 4 and len(season) < 12 and rng.random() < 0.3:
                season = season[1:] if rng.random() < 0.5 else season[:-1]
            months[product] = season
        producer_calendar_set(actor=ctx.coordinator, producer=farms[name], months=months)


def _declare(ctx, farm, product, kg, start, days, grade=SurplusOffer.Grade.SURPLUS, note=""):
    actor = ctx.producer_user if farm.pk == ctx.producer_farm.pk else ctx.coordinator
    return offer_declare(
        actor=actor,
        territory=ctx.territory,
        producer=farm,
        product=product,
        kg_estimated=Decimal(kg),
        grade=grade,
        available_from=start,
        available_until=start + timedelta(days=days),
        note=note,
    )


def _offers(ctx, farms) -> None:
    """Offers in the states the season does not already show: planned, expired, and the demo farm's own ones."""
    today, products, own = ctx.today, ctx.products, ctx.producer_farm
    # The demo farmer's space: one waiting, one declined with a word, one expired, one planned.
    _declare(ctx, own, products["Courgette"], "40", today + timedelta(days=1), 4, SurplusOffer.Grade.DOWNGRADED)
    declined = _declare(ctx, own, products["Aubergine"], "25", today + timedelta(days=2), 3, note="Un peu tachées")
    offer_decline(actor=ctx.coordinator, offer=declined, message=DECLINE_MESSAGE)
    _declare(ctx, own, products["Tomate"], "60", today - timedelta(days=9), 4, SurplusOffer.Grade.UNSOLD)
    planned = _declare(ctx, own, products["Poivron"], "30", today + timedelta(days=2), 5)
    offer_plan(actor=ctx.coordinator, offer=offer_accept(actor=ctx.coordinator, offer=planned))
    # Elsewhere in the network: an accepted offer nobody fetched in time, and one never answered.
    orchard = farms["Vergers des Quatre Vents"]
    stale = _declare(ctx, orchard, products["Prune"], "80", today - timedelta(days=12), 5)
    offer_accept(actor=ctx.coordinator, offer=stale)
    _declare(ctx, farms["Ferme de la Tuilière"], products["Pomme"], "120", today - timedelta(days=8), 3)
    offers_expire(territory=ctx.territory, today=today)


def add_network(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    rng = Random(SEED)
    farms = {farm.name: farm for farm in ctx.producer_farm.territory.producers.all()}
    _certifications(ctx, farms, rng)
    _calendars(ctx, farms, rng)
    _offers(ctx, farms)
