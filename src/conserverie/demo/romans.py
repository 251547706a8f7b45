"""The Romans-sur-Isère territory: places, accounts, farms, recipes, people, then its 2026 season."""

from datetime import timedelta
from decimal import Decimal

from conserverie.demo.accounts import create_account
from conserverie.demo.context import DemoContext
from conserverie.demo.economics import add_economics
from conserverie.demo.farm_money import add_farm_money
from conserverie.demo.farms import create_farms, ensure_products
from conserverie.demo.gleaning import add_gleaning
from conserverie.demo.haccp import record_haccp_follow_up
from conserverie.demo.impact import add_impact
from conserverie.demo.messages import add_failed_reminders
from conserverie.demo.network import add_network
from conserverie.demo.people import ROMANS_NEIGHBOURHOODS, create_participants, register
from conserverie.demo.places import create_places
from conserverie.demo.prices import add_prices_and_credits
from conserverie.demo.purchasing import add_purchasing
from conserverie.demo.recall import record_past_recall
from conserverie.demo.recipes import RECIPES, Pantry, create_labelling, create_pantry, create_recipes
from conserverie.demo.rounds import add_rounds
from conserverie.demo.season import SEASON_START, Season, season_slots, upcoming_slots
from conserverie.demo.series import create_series
from conserverie.demo.trainings import train
from conserverie.demo.voices import add_voices
from conserverie.demo.volunteers import add_volunteers_and_consents
from conserverie.producers.services import offer_accept
from conserverie.stock.services import empties_buy
from conserverie.territories.models import Role

PRODUCER_FARM = "Ferme du Grand Chêne"


def _open_offers(ctx, season) -> None:
    """Offers of the coming days, so the offers page has something to decide on."""
    rng, month = ctx.rng, ctx.today.month
    in_season = [p for p in ctx.products.values() if str(month) in p.months.split(",") and p.pk in ctx.growers]
    for index, product in enumerate(rng.sample(in_season, min(5, len(in_season)))):
        farm = rng.choice(ctx.growers[product.pk])
        offer = season.pool.declare(farm, product, Decimal(rng.randint(15, 80)), ctx.today + timedelta(days=5))
        if index % 2:
            offer_accept(actor=ctx.coordinator, offer=offer)


# The season's first delivery of new jars, before the first workshop (volume ml -> jars, price per jar in €).
JARS_BOUGHT = {250: (1700, Decimal("0.70")), 375: (1600, Decimal("0.85")), 750: (400, Decimal("1.10"))}


def _buy_empty_jars(ctx) -> None:
    """Empty jars are stock too: the truck starts the season with a delivery, then refills with returned jars."""
    day = SEASON_START - timedelta(days=7)
    for ml, (quantity, price) in JARS_BOUGHT.items():
        empties_buy(
            actor=ctx.coordinator,
            location=ctx.places.truck,
            jar_format=ctx.places.jars[ml],
            quantity=quantity,
            amount_eur=price * quantity,
            reason="Livraison de début de saison",
            day=day,
        )


def build_romans(rng, today) -> DemoContext:
    places = create_places(rng)
    territory = places.territory
    coordinator = create_account("coordination", territory, Role.COORDINATOR)
    animator = create_account("animation", territory, Role.ANIMATOR)
    second_animator = create_account("animation-2", territory, Role.ANIMATOR)
    # Trained animators sign the schedules and the releases; the coordinator holds no training (docs/safety-en.md).
    train(actor=coordinator, territory=territory, people=[animator, second_animator], today=today)
    ctx = DemoContext(places=places, coordinator=coordinator, animator=animator, rng=rng, today=today)
    ctx.products = ensure_products()
    farms, ctx.growers = create_farms(actor=coordinator, territory=territory, products=ctx.products, rng=rng)
    ctx.producer_farm = farms[PRODUCER_FARM]
    ctx.producer_user = create_account("producteur", territory, Role.PRODUCER, producer=ctx.producer_farm)
    create_account("benevole", territory, Role.VOLUNTEER)
    create_account("lecture", territory, Role.VIEWER)
    pantry = create_pantry(territory=territory)
    create_labelling(territory=territory)  # no organic certification: "bio" is removed from its labels
    ctx.recipes = create_recipes(
        actor=coordinator, territory=territory, products=ctx.products, pantry=pantry, jars=places.jars, signer=animator
    )
    ctx.recipe_months = {spec.code: spec.months for spec in RECIPES}
    ctx.pantry = Pantry(actor=coordinator, territory=territory, items=pantry, rng=rng)
    ctx.participants = create_participants(
        territory=territory, rng=rng, count=140, neighbourhoods=ROMANS_NEIGHBOURHOODS
    )
    ctx.non_conforming_at, ctx.blocked_at, ctx.stability_failed_at = 17, 41, 3
    _buy_empty_jars(ctx)
    season = Season(ctx)
    season.play_all(season_slots(places))
    record_haccp_follow_up(ctx)
    for slot in upcoming_slots(places, today):
        workshop, _recipes = season.open(slot)
        register(ctx, workshop, full=slot.site.priority_area and rng.random() < 0.5)
    create_series(ctx)
    _open_offers(ctx, season)
    record_past_recall(ctx)
    add_prices_and_credits(ctx)
    add_volunteers_and_consents(ctx)
    add_network(ctx)
    add_gleaning(ctx)
    add_rounds(ctx)
    add_impact(ctx)
    add_voices(ctx)
    add_economics(ctx)
    add_failed_reminders(ctx)
    add_farm_money(ctx)
    add_purchasing(ctx)
    return ctx
