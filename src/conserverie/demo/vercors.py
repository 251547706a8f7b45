"""A small second territory, to show that two territories share the platform and never see each other."""

from datetime import date, time, timedelta
from decimal import Decimal

from conserverie.demo.accounts import create_account
from conserverie.demo.context import DemoContext
from conserverie.demo.farms import create_farm, ensure_products
from conserverie.demo.geo import commune, offset
from conserverie.demo.people import create_participants
from conserverie.demo.places import Places
from conserverie.demo.recipes import Pantry, RecipeSpec, create_labelling, create_recipes
from conserverie.demo.season import Season, Slot, aware
from conserverie.demo.trainings import train
from conserverie.recipes.models import PantryItem
from conserverie.replication.services import NewTerritory, SiteSpec, StructureSpec, territory_create_from_template
from conserverie.stock.services import empties_buy
from conserverie.territories.models import JarFormat, Location, Site, Structure

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
    [(250, 21, 310, "pasteurisation", Decimal("100"), 25)],
    (9, 10, 11),
    ph_limit=Decimal("3.8"),
    jam_kind="jam",
)
STRUCTURE = "Espace de vie sociale du Royans"
NEIGHBOURHOODS = [("Saint-Jean-en-Royans", False), ("Pont-en-Royans", False), ("Saint-Laurent-en-Royans", False)]
WORKSHOP_DAYS = [date(2026, 9, 26), date(2026, 10, 10), date(2026, 10, 24)]


def _places(rng, romans: DemoContext, coordinator) -> Places:
    """Vercors starts from the replication kit: Romans' know-how, its own places (issue #8)."""
    sites = []
    for name, kind, city in [
        ("Place du marché", Site.Kind.MARKET, "Saint-Jean-en-Royans"),
        ("Place de la mairie", Site.Kind.VILLAGE, "Pont-en-Royans"),
    ]:
        lat, lon = offset(commune(city), rng, spread=0.003)
        sites.append(SiteSpec(name=name, kind=kind, city=city, structure=STRUCTURE, lat=lat, lon=lon))
    territory = territory_create_from_template(
        actor=romans.coordinator,
        coordinator=coordinator,
        template=romans.territory,
        spec=NewTerritory(
            name="Vercors – Royans",
            slug="vercors",
            code="VER",
            organisation="Coopérative du Royans (fictive)",
            address="Place du marché, 26190 Saint-Jean-en-Royans",
            hub_lat=HUB.lat,
            hub_lon=HUB.lon,
            radius_km=25,
            structures=(StructureSpec(name=STRUCTURE, kind=Structure.Kind.ASSOCIATION, city="Saint-Jean-en-Royans"),),
            sites=tuple(sites),
            vehicle_name="Camion du Royans",
            vehicle_capacity_kg=500,
        ),
    )
    # Vercors asks its animators, too, for a second factor (territories/two_factor.py; with DEBUG off, at login).
    territory.require_2fa_for_animators = True
    territory.save(update_fields=["require_2fa_for_animators"])
    structure = Structure.objects.get(territory=territory)
    structure.lat, structure.lon = HUB.lat, HUB.lon
    structure.save(update_fields=["lat", "lon"])
    places = Places(territory=territory, structures={"evs": structure})
    places.sites = list(Site.objects.filter(territory=territory).order_by("pk"))
    places.truck = Location.objects.get(territory=territory, kind=Location.Kind.TRUCK)
    places.structure_locations[structure.pk] = Location.objects.get(territory=territory, structure=structure)
    places.jars = {jar.volume_ml: jar for jar in JarFormat.objects.filter(territory=territory)}
    return places


def build_vercors(rng, today, romans: DemoContext) -> DemoContext:
    coordinator = create_account("coordination-vercors", None, None)
    places = _places(rng, romans, coordinator)
    territory = places.territory
    empties_buy(
        actor=coordinator,
        location=places.truck,
        jar_format=places.jars[250],
        quantity=300,
        amount_eur=Decimal("210"),
        reason="Premiers bocaux",
        day=WORKSHOP_DAYS[0] - timedelta(days=7),
    )
    # One person does everything in a small territory: the coordinator also runs the workshops.
    ctx = DemoContext(places=places, coordinator=coordinator, animator=coordinator, rng=rng, today=today)
    train(actor=coordinator, territory=places.territory, people=[coordinator], today=today)
    ctx.products = ensure_products()
    hub = (HUB.lat, HUB.lon)
    for name, village, grown in FARMS:
        farm = create_farm(actor=coordinator, territory=territory, name=name, village=village, rng=rng, hub=hub)
        for product_name in grown:
            ctx.growers.setdefault(ctx.products[product_name].pk, []).append(farm)
    # Vercors holds an (invented) organic certification: its labels keep "bio" (Romans' do not).
    create_labelling(territory=territory, organic=True)
    # The pantry items came with Romans' recipes.
    pantry = {item.name: item for item in PantryItem.objects.filter(territory=territory, name="Sucre de canne bio")}
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
