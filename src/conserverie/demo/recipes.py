"""The recipe range and the pantry (bought sugar, salt, vinegar, oil…) with suppliers' lots.

Schedules follow the rules the service enforces: pasteurisation (≤ 100 °C) only for acid products (pH limit
≤ 4.5), sterilisation above 100 °C for the low-acid ones (ratatouille, soup, aubergine caviar), and every
schedule reaches its lethality target (docs/safety-en.md): F0 ≥ 3 min for the low-acid products, the default
pasteurisation target for the acid ones (15 min at 100 °C, z 10, from pH 3.7 to 4.5; 5 min at 80 °C at pH 3.7
or less). `tests/core/test_demo*.py` checks that no demo schedule is unsafe.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from conserverie.production.models import LabellingProfile, NutritionExemption
from conserverie.recipes.lethality import ACID, LOW_ACID
from conserverie.recipes.models import HeatTreatment, PantryItem, PantryLot, Recipe
from conserverie.recipes.services import (
    FormatSpec,
    haccp_plan_validate,
    pantry_lot_receive,
    recipe_create,
    recipe_validate_schedule,
)

D = Decimal
PASTEURISATION, STERILISATION = HeatTreatment.PASTEURISATION, HeatTreatment.STERILISATION

# (name, allergens, invented supplier, kg received at once). Allergens of Annex II of Regulation (EU) 1169/2011:
# wine vinegar and dried grapes keep sulphites above 10 mg/kg; cider vinegar here is sold without added sulphites.
PANTRY = [
    ("Sucre de canne bio", [], "Coopérative Vrac Drôme", D("50")),
    ("Sel gris", [], "Coopérative Vrac Drôme", D("10")),
    ("Vinaigre de cidre", [], "Cidrerie des Coteaux", D("40")),
    ("Vinaigre de vin rouge", ["sulphites"], "Cidrerie des Coteaux", D("20")),
    ("Huile d'olive vierge extra", [], "Moulin des Baronnies", D("20")),
    ("Jus de citron bio", [], "Coopérative Vrac Drôme", D("10")),
    ("Graines de moutarde", ["mustard"], "Épices du Vieux Port", D("2")),
    ("Raisins secs", ["sulphites"], "Épices du Vieux Port", D("5")),
    ("Eau", [], "Réseau d'eau potable", D("0")),  # tap water: no supplier lot (lot_tracked=False)
]
UNTRACKED = {"Eau"}
# Grams per 100 g (fat, saturates, carbohydrate, sugars, protein, salt): rounded values in the spirit of the
# ANSES Ciqual table, for the demo's nutrition declarations; not measured, not to be printed on real jars.
PANTRY_NUTRITION = {
    "Sucre de canne bio": (0, 0, 99.5, 99.5, 0, 0),
    "Sel gris": (0, 0, 0, 0, 0, 95),
    "Vinaigre de cidre": (0, 0, 0.9, 0.4, 0, 0.01),
    "Vinaigre de vin rouge": (0, 0, 0.3, 0, 0, 0.02),
    "Huile d'olive vierge extra": (100, 14.5, 0, 0, 0, 0),
    "Jus de citron bio": (0.2, 0.04, 2.4, 1.5, 0.4, 0.01),
    "Graines de moutarde": (36, 2, 12, 6.8, 26, 0.03),
    "Raisins secs": (0.5, 0.06, 77, 62, 2.8, 0.05),
    "Eau": (0, 0, 0, 0, 0, 0),
}
NUTRIENT_KEYS = ("fat", "saturates", "carbohydrate", "sugars", "protein", "salt")


def nutrition(values) -> dict:
    return dict(zip(NUTRIENT_KEYS, values, strict=True))


@dataclass(frozen=True)
class RecipeSpec:
    code: str
    name: str
    ingredients: list  # (product or pantry name, kg per batch)
    formats: list  # (jar ml, jars per batch, net weight g, treatment, °C, minutes[, drained weight g])
    months: tuple
    ph_limit: Decimal | None = None  # None: a low-acid product
    may_contain: tuple = ()  # cross-contact only: the ingredients' allergens are derived
    shelf_life_days: int = 540
    description: str = ""
    jam_kind: str = ""
    liquid_medium: bool = False


# What the public lot page suggests doing with the jar (invented, plain words).
SERVING_IDEAS = {
    "CTOM": "Sur des pâtes, dans une pizza maison, ou réchauffé avec un œuf poché.",
    "RATA": "Chaud avec du riz ou de la semoule, froid avec du pain grillé.",
    "CFRA": "Sur des crêpes, dans un yaourt nature, ou sur une tartine au petit-déjeuner.",
    "CPOM": "En dessert, tiède avec une pincée de cannelle, ou dans un gâteau.",
    "SOUP": "Réchauffée doucement, avec un filet d'huile d'olive et des croûtons.",
    "CHUT": "Avec du fromage, une viande froide ou un plat de lentilles.",
}


RECIPES = [
    RecipeSpec(
        "CTOM",
        "Coulis de tomate au basilic",
        [
            ("Tomate", D("10")),
            ("Oignon", D("0.5")),
            ("Ail", D("0.1")),
            ("Basilic", D("0.1")),
            ("Huile d'olive vierge extra", D("0.2")),
            ("Jus de citron bio", D("0.15")),
            ("Sel gris", D("0.08")),
        ],
        [(375, 24, 350, PASTEURISATION, D("100"), 45), (750, 12, 720, PASTEURISATION, D("100"), 60)],
        (7, 8, 9, 10),
        ph_limit=D("4.4"),
        description="Tomates mûres de fin de marché, acidifiées au citron.",
    ),
    RecipeSpec(
        "RATA",
        "Ratatouille",
        [
            ("Tomate", D("4")),
            ("Courgette", D("3")),
            ("Aubergine", D("2.5")),
            ("Poivron", D("2")),
            ("Oignon", D("1")),
            ("Ail", D("0.15")),
            ("Thym", D("0.05")),
            ("Huile d'olive vierge extra", D("0.4")),
            ("Sel gris", D("0.1")),
        ],
        [(375, 26, 350, STERILISATION, D("116"), 70)],
        (8, 9),
        shelf_life_days=730,
        description="Légumes d'été cuits séparément puis réunis ; produit peu acide, stérilisé.",
    ),
    RecipeSpec(
        "CABR",
        "Confiture d'abricot",
        [("Abricot", D("6")), ("Sucre de canne bio", D("3.6")), ("Jus de citron bio", D("0.1"))],
        # 9.7 kg cooked down to about 7.4 kg: 24 jars of 310 g.
        [(250, 24, 310, PASTEURISATION, D("90"), 10)],
        (6, 7),
        ph_limit=D("3.6"),
        jam_kind="jam",
    ),
    RecipeSpec(
        "CFRA",
        "Confiture de fraise",
        [("Fraise", D("5")), ("Sucre de canne bio", D("3")), ("Jus de citron bio", D("0.15"))],
        [(250, 19, 310, PASTEURISATION, D("90"), 10)],
        (5, 6),
        ph_limit=D("3.5"),
        jam_kind="jam",
    ),
    RecipeSpec(
        "CCER",
        "Confiture de cerise",
        [("Cerise", D("5")), ("Sucre de canne bio", D("3")), ("Jus de citron bio", D("0.1"))],
        [(250, 21, 310, PASTEURISATION, D("90"), 10)],
        (6,),
        ph_limit=D("3.7"),
        jam_kind="jam",
    ),
    RecipeSpec(
        "CPRU",
        "Confiture de prune",
        [("Prune", D("6")), ("Sucre de canne bio", D("3.5"))],
        [(250, 23, 310, PASTEURISATION, D("90"), 10)],
        (8, 9),
        ph_limit=D("3.5"),
        jam_kind="jam",
        may_contain=("nuts",),  # cooked in the same pans as the fig and walnut jam
    ),
    RecipeSpec(
        "CPEC",
        "Pêches au sirop léger",
        # Halved peaches covered with a light syrup (4 kg of water, 1.2 kg of sugar): 700 g, 450 g drained.
        [("Pêche", D("7")), ("Eau", D("4")), ("Sucre de canne bio", D("1.2"))],
        [(750, 17, 700, PASTEURISATION, D("100"), 35, 450)],
        (7, 8),
        ph_limit=D("4.0"),
        liquid_medium=True,
    ),
    RecipeSpec(
        "CPOM",
        "Compote pomme-poire",
        [("Pomme", D("7")), ("Poire", D("3")), ("Sucre de canne bio", D("0.5"))],
        [(375, 24, 360, PASTEURISATION, D("100"), 30), (750, 12, 720, PASTEURISATION, D("100"), 40)],
        (9, 10, 11, 12),
        ph_limit=D("3.8"),
    ),
    RecipeSpec(
        "CHUT",
        "Chutney de courge à la moutarde",
        [
            ("Courge butternut", D("5")),
            ("Oignon", D("1.5")),
            ("Pomme", D("1.5")),
            ("Vinaigre de cidre", D("1.2")),
            ("Sucre de canne bio", D("1")),
            ("Raisins secs", D("0.3")),
            ("Graines de moutarde", D("0.05")),
            ("Sel gris", D("0.05")),
        ],
        [(250, 30, 260, PASTEURISATION, D("100"), 20)],
        (9, 10, 11, 12),
        ph_limit=D("4.0"),
    ),
    RecipeSpec(
        "SOUP",
        "Soupe de potiron au céleri",
        [
            ("Potiron", D("6")),
            ("Eau", D("4")),
            ("Céleri-rave", D("1.5")),
            ("Carotte", D("1.5")),
            ("Oignon", D("1")),
            ("Poireau", D("1")),
            ("Huile d'olive vierge extra", D("0.1")),
            ("Sel gris", D("0.08")),
        ],
        [(750, 20, 720, STERILISATION, D("116"), 75)],
        (10, 11, 12),
        shelf_life_days=730,
    ),
    RecipeSpec(
        "PICK",
        "Pickles courgette-concombre",
        [
            ("Courgette", D("3")),
            ("Concombre", D("3")),
            ("Carotte", D("1")),
            ("Oignon", D("0.5")),
            ("Vinaigre de cidre", D("2.5")),
            ("Eau", D("1.5")),
            ("Sucre de canne bio", D("0.5")),
            ("Sel gris", D("0.15")),
            ("Graines de moutarde", D("0.03")),
        ],
        # Vegetables under a vinegar brine: 330 g, 200 g drained.
        [(375, 36, 330, PASTEURISATION, D("85"), 15, 200)],
        (6, 7, 8),
        ph_limit=D("3.6"),
        liquid_medium=True,
    ),
    RecipeSpec(
        "CAUB",
        "Caviar d'aubergine",
        [
            ("Aubergine", D("8")),
            ("Ail", D("0.2")),
            ("Huile d'olive vierge extra", D("0.6")),
            ("Jus de citron bio", D("0.2")),
            ("Sel gris", D("0.08")),
        ],
        [(250, 24, 220, STERILISATION, D("116"), 60)],
        (8, 9),
        shelf_life_days=730,
    ),
    RecipeSpec(
        "CFIG",
        "Confiture de figue aux noix",
        [("Figue", D("5")), ("Noix", D("0.5")), ("Sucre de canne bio", D("2.5")), ("Jus de citron bio", D("0.1"))],
        [(250, 19, 310, PASTEURISATION, D("100"), 30)],
        (9, 10),
        ph_limit=D("4.0"),
        jam_kind="jam",
    ),
    RecipeSpec(
        "BETT",
        "Betteraves au vinaigre",
        [
            ("Betterave", D("6")),
            ("Vinaigre de vin rouge", D("2")),
            ("Eau", D("1")),
            ("Oignon", D("0.5")),
            ("Sucre de canne bio", D("0.4")),
            ("Sel gris", D("0.1")),
        ],
        # Cooked beetroot slices under a wine-vinegar brine: 340 g, 210 g drained.
        [(375, 29, 340, PASTEURISATION, D("100"), 30, 210)],
        (4, 5),
        ph_limit=D("4.0"),
        liquid_medium=True,
    ),
    RecipeSpec(
        "RHUB",
        "Compote pomme-rhubarbe",
        [("Pomme", D("5")), ("Rhubarbe", D("4")), ("Sucre de canne bio", D("1"))],
        [(375, 24, 350, PASTEURISATION, D("95"), 20)],
        (4, 5, 6),
        ph_limit=D("3.4"),
    ),
]


def create_pantry(*, territory, names=None) -> dict[str, PantryItem]:
    return {
        name: PantryItem.objects.create(
            territory=territory,
            name=name,
            allergens=allergens,
            nutrition=nutrition(PANTRY_NUTRITION[name]),
            lot_tracked=name not in UNTRACKED,
        )
        for name, allergens, _supplier, _kg in PANTRY
        if names is None or name in names
    }


def create_labelling(*, territory, organic: bool = False) -> LabellingProfile:
    """The operator's labelling facts: the Annex V point 19 exemption (small quantities sold directly), and,
    for a territory that holds one, an (invented) organic certification."""
    profile = LabellingProfile(territory=territory, nutrition_exemption=NutritionExemption.SMALL_QUANTITIES)
    if organic:
        profile.organic_certifier = "Organisme certificateur fictif de démonstration"
        profile.organic_certifier_code = "FR-BIO-99"
        profile.organic_certificate_number = "DEMO-2026-0042"
        profile.organic_valid_until = date(2027, 12, 31)
    profile.full_clean()
    profile.save()
    return profile


def create_recipes(*, actor, territory, products, pantry, jars, specs=RECIPES, signer=None) -> dict[str, Recipe]:
    """Create each recipe through the service, then sign its schedule and its HACCP plan (the default one, read
    by the trained person) off as the trained person (`signer`)."""
    recipes = {}
    for spec in specs:
        ingredients = [(pantry.get(name) or products[name], kg) for name, kg in spec.ingredients]
        formats = [FormatSpec(jars[f[0]], *f[1:]) for f in spec.formats]
        recipe = recipe_create(
            actor=actor,
            territory=territory,
            code=spec.code,
            name=spec.name,
            ingredients=ingredients,
            formats=formats,
            shelf_life_days=spec.shelf_life_days,
            ph_limit=spec.ph_limit,
            may_contain=list(spec.may_contain),
            jam_kind=spec.jam_kind,
            liquid_medium=spec.liquid_medium,
            category=ACID if spec.ph_limit is not None else LOW_ACID,
            description=spec.description,
            serving_ideas=SERVING_IDEAS.get(spec.code, ""),
        )
        recipes[spec.code] = recipe_validate_schedule(actor=signer or actor, recipe=recipe)
        haccp_plan_validate(actor=signer or actor, recipe=recipe)
    return recipes


class Pantry:
    """Bought ingredients on the shelf; a new supplier lot arrives when the current one runs short."""

    def __init__(self, *, actor, territory, items, rng):
        self.actor, self.territory, self.items, self.rng = actor, territory, items, rng
        self.current: dict[str, list] = {}  # name -> [PantryLot, kg left]
        self.size = {name: kg for name, _a, _s, kg in PANTRY if name not in UNTRACKED}
        self.supplier = {name: supplier for name, _a, supplier, _kg in PANTRY}

    def _receive(self, name: str, day: date) -> None:
        received_on = day - timedelta(days=self.rng.randint(3, 10))
        lot = pantry_lot_receive(
            actor=self.actor,
            territory=self.territory,
            item=self.items[name],
            supplier=self.supplier[name],
            supplier_lot=f"L{received_on:%y%m}-{self.rng.randint(100, 999)}",
            kg=self.size[name],
            received_on=received_on,
            best_before=received_on + timedelta(days=540),
        )
        self.current[name] = [lot, lot.kg]

    def take(self, name: str, kg: Decimal, day: date) -> tuple[PantryLot, Decimal] | None:
        """A supplier lot and the kilos drawn from it; None for tap water, which has no lot."""
        if name in UNTRACKED:
            return None
        if name not in self.current or self.current[name][1] < kg:
            self._receive(name, day)
        self.current[name][1] -= kg
        return self.current[name][0], kg


def pantry_names() -> set[str]:
    return {name for name, _a, _s, _kg in PANTRY}


def recipe_spec(code: str) -> RecipeSpec:
    return next(spec for spec in RECIPES if spec.code == code)
