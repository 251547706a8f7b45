"""Real seasonal produce and ~30 invented organic farms placed in real villages around Romans.

The farm names are made up: no real farm, no real person.
"""

from datetime import date

from conserverie.demo.geo import commune, km_between, offset
from conserverie.producers.models import Producer, Product
from conserverie.producers.services import producer_create

V, F, H = Product.Category.VEGETABLE, Product.Category.FRUIT, Product.Category.HERB
ALL_YEAR = "1,2,3,4,5,6,7,8,9,10,11,12"

# (name, category, days it keeps raw before processing, months in season, stored produce included)
PRODUCTS = [
    ("Tomate", V, 5, "6,7,8,9,10"),
    ("Courgette", V, 6, "6,7,8,9"),
    ("Aubergine", V, 6, "7,8,9"),
    ("Poivron", V, 7, "7,8,9,10"),
    ("Concombre", V, 6, "6,7,8,9"),
    ("Haricot vert", V, 4, "6,7,8,9"),
    ("Oignon", V, 60, ALL_YEAR),
    ("Ail", V, 90, ALL_YEAR),
    ("Carotte", V, 21, ALL_YEAR),
    ("Betterave", V, 21, ALL_YEAR),
    ("Potiron", V, 60, "1,2,9,10,11,12"),
    ("Courge butternut", V, 60, "1,2,9,10,11,12"),
    ("Céleri-rave", V, 30, "1,2,3,9,10,11,12"),
    ("Poireau", V, 10, "1,2,3,4,9,10,11,12"),
    ("Rhubarbe", V, 5, "4,5,6"),
    ("Fraise", F, 2, "4,5,6"),
    ("Framboise", F, 2, "6,7,8,9"),
    ("Cerise", F, 3, "5,6,7"),
    ("Abricot", F, 4, "6,7,8"),
    ("Pêche", F, 4, "6,7,8,9"),
    ("Prune", F, 5, "7,8,9"),
    ("Figue", F, 3, "8,9,10"),
    ("Pomme", F, 30, "1,2,3,4,8,9,10,11,12"),
    ("Poire", F, 14, "8,9,10,11,12"),
    ("Coing", F, 21, "10,11"),
    ("Noix", F, 180, "1,2,3,4,10,11,12"),
    ("Basilic", H, 3, "6,7,8,9"),
    ("Thym", H, 7, ALL_YEAR),
]

# Allergens of Annex II of Regulation (EU) 1169/2011 that raw produce carries: celery in celeriac, nuts in walnuts.
PRODUCT_ALLERGENS = {"Céleri-rave": ["celery"], "Noix": ["nuts"]}
# Grams per 100 g of raw produce (fat, saturates, carbohydrate, sugars, protein, salt): rounded values in the spirit
# of the ANSES Ciqual table, so that the demo's labels carry a nutrition declaration; not measured.
PRODUCT_NUTRITION = {
    "Tomate": (0.2, 0.03, 2.5, 2.5, 0.9, 0.01),
    "Courgette": (0.3, 0.06, 1.4, 1.4, 1.2, 0.01),
    "Aubergine": (0.2, 0.04, 2.9, 2.6, 1.0, 0.01),
    "Poivron": (0.3, 0.05, 4.6, 4.2, 0.9, 0.01),
    "Concombre": (0.1, 0.02, 1.6, 1.6, 0.6, 0.01),
    "Haricot vert": (0.2, 0.05, 3.6, 1.7, 1.8, 0.01),
    "Oignon": (0.1, 0.02, 6.8, 4.7, 1.2, 0.01),
    "Ail": (0.5, 0.09, 28, 1.0, 6.4, 0.04),
    "Carotte": (0.3, 0.05, 7.6, 5.3, 0.6, 0.1),
    "Betterave": (0.1, 0.02, 7.0, 6.8, 1.6, 0.2),
    "Potiron": (0.1, 0.05, 4.6, 2.8, 1.0, 0.01),
    "Courge butternut": (0.1, 0.02, 8.7, 2.2, 1.0, 0.01),
    "Céleri-rave": (0.3, 0.08, 2.3, 1.6, 1.2, 0.2),
    "Poireau": (0.3, 0.04, 4.0, 2.7, 1.3, 0.05),
    "Rhubarbe": (0.1, 0.03, 1.5, 1.1, 0.9, 0.01),
    "Fraise": (0.3, 0.02, 6.0, 4.9, 0.7, 0.01),
    "Framboise": (0.7, 0.02, 5.5, 4.4, 1.2, 0.01),
    "Cerise": (0.3, 0.07, 13.3, 12.2, 1.1, 0.01),
    "Abricot": (0.1, 0.03, 9.0, 9.0, 0.9, 0.01),
    "Pêche": (0.3, 0.02, 9.3, 8.4, 0.9, 0.01),
    "Prune": (0.3, 0.02, 10.1, 9.9, 0.7, 0.01),
    "Figue": (0.3, 0.06, 16.3, 16.3, 0.8, 0.01),
    "Pomme": (0.3, 0.05, 11.6, 10.4, 0.3, 0.01),
    "Poire": (0.3, 0.02, 11.0, 9.8, 0.4, 0.01),
    "Coing": (0.1, 0.01, 13.0, 8.0, 0.4, 0.01),
    "Noix": (64, 6.0, 10.0, 2.6, 15.0, 0.01),
    "Basilic": (0.6, 0.04, 2.6, 0.3, 3.2, 0.01),
    "Thym": (1.7, 0.47, 24, 1.7, 5.6, 0.02),
}
NUTRIENT_KEYS = ("fat", "saturates", "carbohydrate", "sugars", "protein", "salt")

NETWORKS = ["CIVAM", "Agribiodrôme", "AMAP", "La Ruche qui dit oui", "Agricourt"]

# (invented farm name, real commune of the CSV, what it grows)
FARMS = [
    ("Ferme du Grand Chêne", "Peyrins", ["Tomate", "Courgette", "Aubergine", "Poivron", "Basilic"]),
    ("Les Jardins de la Savasse", "Génissieux", ["Tomate", "Concombre", "Haricot vert", "Courgette"]),
    ("Vergers des Quatre Vents", "Saint-Paul-lès-Romans", ["Abricot", "Pêche", "Prune", "Cerise"]),
    ("Ferme de la Tuilière", "Chatuzange-le-Goubet", ["Pomme", "Poire", "Coing"]),
    ("Le Potager des Trois Sources", "Alixan", ["Carotte", "Betterave", "Poireau", "Oignon", "Céleri-rave"]),
    ("Ferme des Collines", "Clérieux", ["Fraise", "Framboise", "Rhubarbe"]),
    ("Domaine des Chênes Verts", "Mercurol", ["Abricot", "Pêche", "Cerise"]),
    ("La Ferme aux Courges", "Châteauneuf-sur-Isère", ["Potiron", "Courge butternut", "Oignon"]),
    ("Les Vergers de l'Herbasse", "Chanos-Curson", ["Pomme", "Poire", "Prune"]),
    ("Ferme du Pré Fleuri", "Beaumont-Monteux", ["Tomate", "Poivron", "Aubergine"]),
    ("Les Serres du Moulin", "Saint-Marcel-lès-Valence", ["Tomate", "Concombre", "Basilic", "Courgette"]),
    ("Ferme de la Combe", "Montélier", ["Ail", "Oignon", "Carotte"]),
    ("Le Verger Partagé", "Saint-Lattier", ["Noix", "Pomme"]),
    ("Ferme des Noyeraies", "Saint-Hilaire-du-Rosier", ["Noix", "Pomme", "Poire"]),
    ("Les Coteaux de la Galaure", "Châteauneuf-de-Galaure", ["Cerise", "Abricot"]),
    ("Ferme du Bois Joli", "Chabeuil", ["Fraise", "Rhubarbe", "Framboise"]),
    ("La Ferme des Trois Chemins", "Malissard", ["Courge butternut", "Potiron", "Betterave"]),
    ("Mas des Figuiers", "Étoile-sur-Rhône", ["Figue", "Abricot", "Pêche"]),
    ("Ferme de la Bâtie", "Montmeyran", ["Ail", "Oignon", "Haricot vert"]),
    ("Les Jardins de la Joyeuse", "Mours-Saint-Eusèbe", ["Courgette", "Tomate", "Concombre", "Haricot vert"]),
    ("Ferme de Beauregard", "Hauterives", ["Pomme", "Poire", "Coing"]),
    ("Ferme des Granges", "Saint-Antoine-l'Abbaye", ["Carotte", "Poireau", "Céleri-rave"]),
    ("Les Vergers de la Bourne", "Saint-Just-de-Claix", ["Noix", "Pomme"]),
    ("Ferme de la Fontaine", "Anneyron", ["Abricot", "Pêche", "Prune"]),
    ("La Ferme du Colombier", "Upie", ["Tomate", "Aubergine", "Poivron", "Thym"]),
    ("Ferme des Aromates", "Beauvallon", ["Basilic", "Thym", "Ail"]),
    ("Les Champs de la Véore", "Beaumont-lès-Valence", ["Betterave", "Carotte", "Courge butternut"]),
    ("Ferme du Mont Rond", "Chatte", ["Fraise", "Framboise", "Rhubarbe"]),
    ("Ferme de la Croix Blanche", "Saint-Vallier", ["Cerise", "Prune", "Figue"]),
    ("Le Jardin des Bruyères", "Saint-Sorlin-en-Valloire", ["Potiron", "Oignon", "Poireau", "Figue"]),
]

# Farms still in conversion to organic farming: the platform also lists them, without the AB logo.
IN_CONVERSION = {"Ferme de la Bâtie", "Le Jardin des Bruyères"}


def ensure_products() -> dict[str, Product]:
    """Products are shared by all territories: reuse the ones another territory already created."""
    products = {}
    for name, category, keeps, months in PRODUCTS:
        products[name], _created = Product.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "shelf_life_days": keeps,
                "months": months,
                "allergens": PRODUCT_ALLERGENS.get(name, []),
                "nutrition": dict(zip(NUTRIENT_KEYS, PRODUCT_NUTRITION[name], strict=True)),
            },
        )
    return products


def create_farm(*, actor, territory, name, village, rng, hub=None) -> Producer:
    place = commune(village)
    lat, lon = offset(place, rng)
    distance = place.km_to_romans if hub is None else km_between(hub[0], hub[1], lat, lon)
    certified = name not in IN_CONVERSION
    return producer_create(
        actor=actor,
        territory=territory,
        name=name,
        commune=village,
        lat=lat,
        lon=lon,
        distance_km=distance,
        organic_certified=certified,
        certification_expiry=date(2027, rng.randint(1, 12), 1) if certified else None,
        networks=", ".join(sorted(rng.sample(NETWORKS, rng.randint(1, 2)))),
        **_access(name),
    )


# What the driver needs at the gate. Phone numbers in the range ARCEP keeps for fiction (04 65 71 xx xx); no
# random draw here, so the rest of the demo is drawn as before.
ACCESS = [
    "Cour de la ferme, klaxonner en arrivant",
    "Chemin de terre après le lavoir, hangar bleu",
    "Portail vert, se garer devant la serre",
    "Entrée par la route du haut, le bas est étroit pour le camion",
]


def _access(name: str) -> dict:
    key = sum(map(ord, name))
    return {
        "address": f"{10 + key % 80} chemin des {['Vergers', 'Prés', 'Serres', 'Chênes'][key % 4]}",
        "phone": f"04 65 71 {key % 100:02d} {(key // 100) % 100:02d}",
        "access_notes": ACCESS[key % len(ACCESS)],
    }


def create_farms(*, actor, territory, products, rng) -> tuple[dict[str, Producer], dict[int, list[Producer]]]:
    """The farms by name, and for each product the farms that grow it."""
    farms, growers = {}, {}
    for name, village, grown in FARMS:
        farm = create_farm(actor=actor, territory=territory, name=name, village=village, rng=rng)
        farms[name] = farm
        for product_name in grown:
            growers.setdefault(products[product_name].pk, []).append(farm)
    return farms, growers
