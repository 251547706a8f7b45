from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.producers.models import Product
from conserverie.production.selectors import pantry_lots_with_balance
from conserverie.recipes.models import HeatTreatment, PantryItem, Recipe
from conserverie.recipes.services import (
    FormatSpec,
    pantry_lot_receive,
    recipe_create,
    recipe_validate_schedule,
    schedule_errors,
)
from conserverie.territories.models import JarFormat

from ..conftest import DAY
from ..helpers import forbidden, history_user, refused

STERILISED = dict(treatment=HeatTreatment.STERILISATION, temperature_c=Decimal("110"), minutes=45)
# pH 4.2: the default acid target is 15 min at 100 °C (z 10); 50 min at 95 °C give 15.8 at best.
PASTEURISED = dict(treatment=HeatTreatment.PASTEURISATION, temperature_c=Decimal("95"), minutes=50)


def _spec(jar, **over):
    values = {"jar_format": jar, "jars_per_batch": 20, "net_weight_g": 350, **STERILISED}
    values.update(over)
    return FormatSpec(**values)


@pytest.fixture
def sugar(romans):
    return PantryItem.objects.create(territory=romans.territory, name="Sucre")


def _create(place, actor, tomato, **over):
    kwargs = {
        "actor": actor,
        "territory": place.territory,
        "code": "CTOM",
        "name": "Coulis de tomate",
        "ingredients": [(tomato, Decimal("10"))],
        "formats": [_spec(place.jar)],
        "ph_limit": Decimal("4.2"),
    }
    kwargs.update(over)
    return recipe_create(**kwargs)


# recipe_create


def test_a_recipe_with_raw_and_pantry_ingredients_and_formats(romans, coordinator, tomato, sugar):
    recipe = _create(
        romans,
        coordinator,
        tomato,
        code="ctom",
        ingredients=[(tomato, Decimal("10")), (sugar, Decimal("0.5"))],
        storage_advice="Au frais.",
    )
    assert (recipe.code, recipe.version, recipe.is_active) == ("CTOM", 1, True)
    assert recipe.allergens == []
    assert recipe.storage_advice == "Au frais."
    assert {(i.product, i.pantry_item) for i in recipe.ingredients.all()} == {(tomato, None), (None, sugar)}
    assert recipe.formats.get().jar_format == romans.jar
    assert recipe.validated_at is None
    assert not Recipe.objects.producible().exists()
    assert history_user(recipe) == coordinator


def test_a_recipe_with_the_same_code_is_the_next_version(romans, coordinator, tomato):
    first = _create(romans, coordinator, tomato)
    second = _create(romans, coordinator, tomato, code="ctom", name="Coulis de tomate au basilic")
    first.refresh_from_db()
    assert (second.version, second.is_active) == (2, True)
    assert not first.is_active
    assert history_user(first) == coordinator
    assert Recipe.objects.filter(territory=romans.territory, code="CTOM").count() == 2


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_writes_recipes(request, romans, tomato, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        _create(romans, actor, tomato)


def test_may_contain_allergens_are_among_the_fourteen(romans, coordinator, tomato):
    with refused("may_contain", "Allergènes inconnus : chocolate."):
        _create(romans, coordinator, tomato, may_contain=["chocolate", "milk"])


def test_allergens_are_derived_from_the_ingredients_and_may_contain_only_adds(romans, coordinator, tomato):
    """Annex II of Regulation (EU) 1169/2011: celery in a celeriac, sulphites in a wine vinegar; never chosen."""
    celeriac = Product.objects.create(name="Céleri-rave", category="vegetable", allergens=["celery"])
    vinegar = PantryItem.objects.create(territory=romans.territory, name="Vinaigre de vin", allergens=["sulphites"])
    recipe = _create(
        romans,
        coordinator,
        tomato,
        ingredients=[(tomato, Decimal("5")), (celeriac, Decimal("1")), (vinegar, Decimal("0.2"))],
        may_contain=["nuts", "celery"],
    )
    assert recipe.allergens == ["celery", "sulphites"]
    assert recipe.allergen_labels() == ["Céleri", "Anhydride sulfureux et sulfites"]
    # "may contain" adds cross-contact; a derived allergen is already declared, it is not repeated there.
    assert recipe.may_contain == ["nuts"]
    with pytest.raises(TypeError):
        _create(romans, coordinator, tomato, allergens=[])  # no way to choose (or remove) allergens by hand
    # A product's allergen recorded later reaches the recipe's page and the next lots.
    Product.objects.filter(pk=tomato.pk).update(allergens=["mustard"])
    recipe = Recipe.objects.prefetch_related("ingredients__product", "ingredients__pantry_item").get(pk=recipe.pk)
    assert recipe.ingredient_allergens() == ["celery", "mustard", "sulphites"]


def test_jam_and_liquid_medium_checks(romans, coordinator, tomato):
    apple = Product.objects.create(name="Pomme", category="fruit")
    leek = Product.objects.create(name="Poireau", category="vegetable")
    with refused("jam_kind", "au moins un fruit"):
        _create(romans, coordinator, tomato, ingredients=[(leek, Decimal("5"))], jam_kind="jam")
    with refused("formats", "poids net égoutté"):
        _create(romans, coordinator, tomato, liquid_medium=True)
    with refused("formats", "liquide de couverture"):
        _create(romans, coordinator, tomato, formats=[_spec(romans.jar, drained_weight_g=200)])
    with refused("formats", "inférieur au poids net"):
        _create(romans, coordinator, tomato, liquid_medium=True, formats=[_spec(romans.jar, drained_weight_g=9000)])
    recipe = _create(romans, coordinator, tomato, ingredients=[(apple, Decimal("5"))], jam_kind="jam")
    assert recipe.jam_kind == "jam"
    recipe = _create(romans, coordinator, tomato, liquid_medium=True, formats=[_spec(romans.jar, drained_weight_g=200)])
    assert recipe.formats.get().drained_weight_g == 200


def test_a_recipe_has_ingredients_with_positive_quantities(romans, coordinator, tomato):
    with refused("ingredients", "Une recette a au moins un ingrédient."):
        _create(romans, coordinator, tomato, ingredients=[])
    for kg in (Decimal("0"), Decimal("-1"), None):
        with refused("ingredients", "Chaque ingrédient a une quantité supérieure à zéro."):
            _create(romans, coordinator, tomato, ingredients=[(tomato, kg)])


def test_a_recipe_has_at_least_one_format(romans, coordinator, tomato):
    with refused("formats", "Indiquez au moins un format de bocal avec son barème."):
        _create(romans, coordinator, tomato, formats=[])


@pytest.mark.parametrize("ph", [Decimal("4.6"), Decimal("5.5"), None])
def test_pasteurisation_needs_an_acid_product(romans, coordinator, tomato, ph):
    with refused("formats", "La pasteurisation n'est permise que pour un produit acide (pH ≤ 4,5)."):
        _create(romans, coordinator, tomato, ph_limit=ph, formats=[_spec(romans.jar, **PASTEURISED)])


def test_pasteurisation_at_ph_4_5_is_accepted(romans, coordinator, tomato):
    recipe = _create(romans, coordinator, tomato, ph_limit=Decimal("4.5"), formats=[_spec(romans.jar, **PASTEURISED)])
    assert recipe.formats.get().treatment == HeatTreatment.PASTEURISATION
    assert recipe.category == "acid"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        (dict(PASTEURISED, temperature_c=Decimal("105")), "Une pasteurisation se fait à 100 °C au plus."),
        (dict(STERILISED, temperature_c=Decimal("100")), "Une stérilisation se fait au-dessus de 100 °C."),
        (dict(STERILISED, minutes=0), "La durée de maintien doit être positive."),
    ],
)
def test_unsafe_schedules_are_refused(romans, coordinator, tomato, over, message):
    with refused("formats", message) as info:
        _create(romans, coordinator, tomato, formats=[_spec(romans.jar, **over)])
    assert info.value.message_dict["formats"][0].startswith("Bocal 375 ml : ")


def test_schedule_errors_lists_every_problem():
    spec = _spec(None, treatment=HeatTreatment.PASTEURISATION, temperature_c=Decimal("101"), minutes=0)
    assert len(schedule_errors(ph_limit=Decimal("5"), spec=spec)) == 3
    assert schedule_errors(ph_limit=None, spec=_spec(None)) == []


def test_a_recipe_cannot_use_a_jar_format_of_another_territory(romans, other, coordinator, tomato):
    with forbidden():
        _create(romans, coordinator, tomato, formats=[_spec(other.jar)])


def test_a_recipe_cannot_use_a_pantry_item_of_another_territory(romans, other, coordinator, tomato):
    foreign_salt = PantryItem.objects.create(territory=other.territory, name="Sel")
    with forbidden():
        _create(romans, coordinator, tomato, ingredients=[(tomato, Decimal("10")), (foreign_salt, Decimal("0.1"))])


# recipe_validate_schedule


def test_a_coordinator_validates_the_schedule(romans, coordinator, tomato):
    recipe = recipe_validate_schedule(actor=coordinator, recipe=_create(romans, coordinator, tomato))
    assert recipe.validated_by == coordinator
    assert recipe.validated_at is not None
    assert list(Recipe.objects.producible()) == [recipe]
    assert history_user(recipe) == coordinator


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_validates_a_schedule(request, romans, coordinator, tomato, persona):
    recipe = _create(romans, coordinator, tomato)
    actor = request.getfixturevalue(persona)
    with forbidden():
        recipe_validate_schedule(actor=actor, recipe=recipe)
    recipe.refresh_from_db()
    assert recipe.validated_at is None


# pantry_lot_receive


def _receive(place, actor, item, **over):
    kwargs = {
        "actor": actor,
        "territory": place.territory,
        "item": item,
        "supplier": "Biocoop Romans",
        "supplier_lot": " L2406-118 ",
        "kg": Decimal("25"),
        "received_on": DAY,
        "best_before": DAY + timedelta(days=700),
    }
    kwargs.update(over)
    return pantry_lot_receive(**kwargs)


def test_staff_receive_a_pantry_lot(romans, animator, sugar):
    lot = _receive(romans, animator, sugar)
    assert lot.supplier_lot == "L2406-118"
    assert pantry_lots_with_balance().get(pk=lot.pk).kg_left == Decimal("25")


@pytest.mark.parametrize("kg", [Decimal("0"), Decimal("-2"), None])
def test_a_pantry_lot_weighs_more_than_zero(romans, coordinator, sugar, kg):
    with refused("kg", "La quantité doit être supérieure à zéro."):
        _receive(romans, coordinator, sugar, kg=kg)


def test_a_pantry_lot_keeps_the_supplier_lot_number(romans, coordinator, sugar):
    with refused("supplier_lot", "Le numéro de lot du fournisseur est obligatoire (traçabilité)."):
        _receive(romans, coordinator, sugar, supplier_lot="  ")


def test_a_pantry_lot_of_an_item_of_another_territory_is_refused(romans, other, coordinator):
    foreign = PantryItem.objects.create(territory=other.territory, name="Vinaigre")
    with forbidden():
        _receive(romans, coordinator, foreign)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_receive_pantry_lots(request, romans, sugar, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        _receive(romans, actor, sugar)


def test_jar_formats_are_per_territory(romans, other):
    assert JarFormat.objects.filter(name="Bocal 375 ml").count() == 2
