"""Where the Romans demo happens: the cooperation, its four member structures (public addresses), sites, truck."""

from dataclasses import dataclass, field
from decimal import Decimal

from conserverie.demo.geo import commune, offset
from conserverie.territories.models import JarFormat, Location, PriorityArea, Site, Structure, Territory, Vehicle


@dataclass
class Places:
    territory: Territory
    structures: dict[str, Structure] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    event: Site | None = None
    truck: Location | None = None
    shop: Location | None = None
    structure_locations: dict[int, Location] = field(default_factory=dict)
    jars: dict[int, JarFormat] = field(default_factory=dict)


# (key, name, kind, address, priority area): the public addresses of the seed, no person.
STRUCTURES = [
    ("nicolas", "Maison de quartier Saint-Nicolas", Structure.Kind.SOCIAL_CENTRE, "14 place du Chapitre", True),
    ("ors", "Maison de quartier des Ors", Structure.Kind.SOCIAL_CENTRE, "26 rue Magnard", True),
    ("guichard", "Maison citoyenne Noël Guichard", Structure.Kind.SOCIAL_CENTRE, "place Berlioz", False),
    ("accorderie", "L'Accorderie", Structure.Kind.ASSOCIATION, "68 rue Saint-Nicolas", False),
]
STRUCTURE_POINTS = {
    "nicolas": (Decimal("45.045900"), Decimal("5.051700")),
    "ors": (Decimal("45.040300"), Decimal("5.063900")),
    "guichard": (Decimal("45.052100"), Decimal("5.044300")),
    "accorderie": (Decimal("45.046600"), Decimal("5.050200")),
}

# (name, kind, address, commune, priority area, structure key): where the truck parks.
SITES = [
    ("Place du Chapitre", Site.Kind.NEIGHBOURHOOD, "place du Chapitre", "Romans-sur-Isère", True, "nicolas"),
    ("Quartier des Ors", Site.Kind.NEIGHBOURHOOD, "rue Magnard", "Romans-sur-Isère", True, "ors"),
    ("Quartier de la Monnaie", Site.Kind.NEIGHBOURHOOD, "avenue de la Monnaie", "Romans-sur-Isère", True, "ors"),
    ("Place Berlioz", Site.Kind.NEIGHBOURHOOD, "place Berlioz", "Romans-sur-Isère", False, "guichard"),
    ("Centre historique", Site.Kind.NEIGHBOURHOOD, "rue Saint-Nicolas", "Romans-sur-Isère", True, "accorderie"),
    ("Place de la mairie", Site.Kind.VILLAGE, "place de la mairie", "Peyrins", False, "guichard"),
    ("Place du village", Site.Kind.VILLAGE, "place de l'église", "Génissieux", False, "guichard"),
    ("Place de la mairie", Site.Kind.VILLAGE, "place de la mairie", "Chatuzange-le-Goubet", False, "accorderie"),
    ("Marché du jeudi", Site.Kind.MARKET, "place de la Libération", "Bourg-de-Péage", False, "nicolas"),
    ("Marché paysan", Site.Kind.MARKET, "place du marché", "Mours-Saint-Eusèbe", False, "accorderie"),
]
EVENT = ("Fête des récoltes", Site.Kind.EVENT, "parc François-Mitterrand", "Romans-sur-Isère", False, "nicolas")

# The usual returnable jars; the deposit is what a participant pays for a jar (docs/architecture.md §1).
JAR_FORMATS = [
    ("Bocal 250 ml", 250, Decimal("0.50")),
    ("Bocal 375 ml", 375, Decimal("1.00")),
    ("Bocal 750 ml", 750, Decimal("1.50")),
]


# The neighbourhoods the demo's participants declare as priority areas (demo/people.py), listed as the QPVs of Romans.
ROMANS_PRIORITY_AREAS = ["Centre ancien", "La Monnaie", "Les Ors", "Saint-Nicolas"]


def create_territory() -> Territory:
    territory = Territory.objects.create(
        slug="romans",
        code="ROM",
        name="Romans-sur-Isère",
        organisation="La Coopération entre 3 lieux",
        address="14 place du Chapitre, 26100 Romans-sur-Isère",
        hub_lat=Decimal("45.043100"),
        hub_lon=Decimal("5.051100"),
        radius_km=30,
        school_zone="A",  # académie de Grenoble
    )
    # The territory's priority neighbourhoods (QPV): a household counts in one from the neighbourhood it declares.
    for name in ROMANS_PRIORITY_AREAS:
        PriorityArea.objects.create(territory=territory, name=name, city="Romans-sur-Isère")
    return territory


def _site(territory, spec, structures, rng) -> Site:
    name, kind, address, city, priority, structure_key = spec
    lat, lon = offset(commune(city), rng, spread=0.004)
    return Site.objects.create(
        territory=territory,
        name=name,
        kind=kind,
        address=address,
        city=city,
        lat=lat,
        lon=lon,
        priority_area=priority,
        structure=structures[structure_key],
    )


def create_places(rng) -> Places:
    places = Places(territory=create_territory())
    territory = places.territory
    for key, name, kind, address, priority in STRUCTURES:
        lat, lon = STRUCTURE_POINTS[key]
        places.structures[key] = Structure.objects.create(
            territory=territory,
            name=name,
            kind=kind,
            address=f"{address}, 26100 Romans-sur-Isère",
            city="Romans-sur-Isère",
            lat=lat,
            lon=lon,
            priority_area=priority,
        )
    places.sites = [_site(territory, spec, places.structures, rng) for spec in SITES]
    places.event = _site(territory, EVENT, places.structures, rng)
    Vehicle.objects.create(territory=territory, name="Le camion-conserverie", plate="", capacity_kg=800)
    places.truck = Location.objects.create(territory=territory, name="Camion", kind=Location.Kind.TRUCK)
    places.shop = Location.objects.create(
        territory=territory, name="Boutique du groupement d'achat", kind=Location.Kind.SHOP
    )
    for structure in places.structures.values():
        places.structure_locations[structure.pk] = Location.objects.create(
            territory=territory, name=structure.name, kind=Location.Kind.STRUCTURE, structure=structure
        )
    for name, ml, deposit in JAR_FORMATS:
        jar = JarFormat.objects.create(territory=territory, name=name, volume_ml=ml, deposit_eur=deposit)
        places.jars[ml] = jar
    return places
