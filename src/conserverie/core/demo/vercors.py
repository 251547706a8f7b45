"""A small second territory, to show that two territories share the platform and never see each other."""

from datetime import date, time
from decimal import Decimal

from conserverie.stock.models import JarFormat, Location
from conserverie.territories.models import Role, Site, Structure, Territory

from .accounts import create_account
from .context import DemoContext
from .farms import create_farm, ensure_products
from .geo import commune, offset
from .people import create_participants
from .places import Places
from .recipes import Pantry, RecipeSpec, create_pantry, create_recipes
from .season import Season, Slot, aware

HUB = commune("Saint-Jean-en-Royans")
FARMS = [
    ("Ferme des Noyers du Royans", "Saint-Laurent-en-Royans", ["Noix", "Pomme"]),
    ("Vergers de la Lyonne", "Saint-Jean-en-Royans", ["Pomme", "Poire"]),
    ("Ferme du Pont Vieux", "Pont-en-Royans", ["Noix", "Pomme"]),
    ("Les Terrasses de la Bourne", "Saint-Romans", ["Pomme", "Poire", "Noix"]),
]
RECIPE = RecipeSpec(
    "PNOI",
    "Confiture de pomme aux noix",
    [("Pomme", Decimal("6")), ("Noix", Decimal("0.6")), ("Sucre de canne bio", Decimal("3"))],
    [(250, 26, 310, "pasteurisation", Decimal("90"), 10)],
    (9, 10, 11),
    ph_limit=Decimal("3.8"),
    allergens=("nuts",),
)
NEIGHBOURHOODS = [("Saint-Jean-en-Royans", False), ("Pont-en-Royans", False), ("Saint-Laurent-en-Royans", False)]
WORKSHOP_DAYS = [date(2026, 9, 26), date(2026, 10, 10), date(2026, 10, 24)]


def _places(rng) -> Places:
    territory = Territory.objects.create(
        slug="vercors",
        code="VER",
        name="Vercors – Royans",
        organisation="Coopérative du Royans (fictive)",
        hub_lat=HUB.lat,
        hub_lon=HUB.lon,
        radius_km=25,
    )
    structure = Structure.objects.create(
        territory=territory,
        name="Espace de vie sociale du Royans",
        kind=Structure.Kind.ASSOCIATION,
        city="Saint-Jean-en-Royans",
        lat=HUB.lat,
        lon=HUB.lon,
    )
    places = Places(territory=territory, structures={"evs": structure})
    for name, kind, city in [
        ("Place du marché", Site.Kind.MARKET, "Saint-Jean-en-Royans"),
        ("Place de la mairie", Site.Kind.VILLAGE, "Pont-en-Royans"),
    ]:
        lat, lon = offset(commune(city), rng, spread=0.003)
        places.sites.append(
            Site.objects.create(
                territory=territory, name=name, kind=kind, city=city, lat=lat, lon=lon, structure=structure
            )
        )
    places.truck = Location.objects.create(territory=territory, name="Camion du Royans", kind=Location.Kind.TRUCK)
    places.structure_locations[structure.pk] = Location.objects.create(
        territory=territory, name=structure.name, kind=Location.Kind.STRUCTURE, structure=structure
    )
    places.jars[250] = JarFormat.objects.create(
        territory=territory, name="Bocal 250 ml", volume_ml=250, deposit_eur=Decimal("0.50")
    )
    return places


def build_vercors(rng, today) -> DemoContext:
    places = _places(rng)
    territory = places.territory
    coordinator = create_account("coordination-vercors", territory, Role.COORDINATOR)
    # One person does everything in a small territory: the coordinator also runs the workshops.
    ctx = DemoContext(places=places, coordinator=coordinator, animator=coordinator, rng=rng, today=today)
    ctx.products = ensure_products()
    hub = (HUB.lat, HUB.lon)
    for name, village, grown in FARMS:
        farm = create_farm(actor=coordinator, territory=territory, name=name, village=village, rng=rng, hub=hub)
        for product_name in grown:
            ctx.growers.setdefault(ctx.products[product_name].pk, []).append(farm)
    pantry = create_pantry(territory=territory, names={"Sucre de canne bio"})
    ctx.recipes = create_recipes(
        actor=coordinator, territory=territory, products=ctx.products, pantry=pantry, jars=places.jars, specs=[RECIPE]
    )
    ctx.recipe_months = {RECIPE.code: RECIPE.months}
    ctx.pantry = Pantry(actor=coordinator, territory=territory, items=pantry, rng=rng)
    ctx.participants = create_participants(
        territory=territory, rng=rng, count=30, neighbourhoods=NEIGHBOURHOODS, phone_offset=50
    )
    slots = [
        Slot(aware(day, time(9, 30)), aware(day, time(12, 30)), places.sites[index % len(places.sites)])
        for index, day in enumerate(WORKSHOP_DAYS)
    ]
    Season(ctx).play_all(slots)
    return ctx
