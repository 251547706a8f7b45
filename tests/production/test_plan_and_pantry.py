"""Producing a lot needs the recipe version's HACCP plan validated by a trained person; the pantry items weighed into
a lot follow the recipe's proportion to the fruit and vegetables drawn, and give the label its order
(docs/safety-en.md: « Before producing », « Pantry items »)."""

from decimal import Decimal

import pytest

from conserverie.production.labelling import lot_label
from conserverie.production.models import PantryUse
from conserverie.production.services import lot_record
from conserverie.recipes.models import HeatTreatment, PantryItem, Recipe
from conserverie.recipes.services import (
    FormatSpec,
    haccp_plan_validate,
    pantry_lot_receive,
    recipe_create,
    recipe_validate_schedule,
)
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import good_reading, refused, signed_off
from ..pages import assert_flat_queries, row_counts, text

NEW = "/t/romans/lots/nouveau/"


def _record(chain, recipe, raw_kg="10", pantry=(), jars=20):
    return lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal(raw_kg))],
        pantry_inputs=list(pantry),
        outputs={chain.jar: jars},
        treatments=[good_reading(chain)],
        ph_measured=Decimal("4.2"),
    )


def _new_version(chain, ingredients=None):
    return recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="CTOM",
        name="Coulis de tomate",
        ingredients=ingredients or [(chain.tomato, Decimal("10"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("110"), 45)],
        ph_limit=Decimal("4.4"),
    )


# A validated HACCP plan before production


def test_a_recipe_whose_plan_is_not_validated_cannot_be_produced(chain):
    recipe = recipe_validate_schedule(actor=chain.actor, recipe=_new_version(chain))
    with refused("recipe", "Le plan HACCP de cette version de la recette n'est pas validé"):
        _record(chain, recipe)
    haccp_plan_validate(actor=chain.actor, recipe=recipe)
    assert _record(chain, recipe).recipe == recipe


def test_the_lot_form_says_which_plan_waits_and_who_may_sign_it(client, chain, animator):
    recipe = recipe_validate_schedule(actor=chain.actor, recipe=_new_version(chain))
    make_user("anim-formee", chain.territory, Role.ANIMATOR, trained=True)
    client.force_login(animator)
    page = client.get(NEW)
    html = page.content.decode()
    assert 'data-testid="unsigned-plans"' in html
    assert f"/t/romans/recettes/{recipe.pk}/haccp/" in html
    assert "Peuvent le valider (formation HACCP en cours de validité) : anim-formee, coord." in text(page)
    before = row_counts()
    response = client.post(
        NEW,
        {
            "recipe": recipe.pk,
            "produced_on": DAY.isoformat(),
            "location": chain.truck.pk,
            "batches": "1",
            "raw-TOTAL_FORMS": "1",
            "raw-INITIAL_FORMS": "0",
            "raw-0-raw_lot": chain.raw.pk,
            "raw-0-kg": "10",
            "pantry-TOTAL_FORMS": "0",
            "pantry-INITIAL_FORMS": "0",
            f"jars_{chain.jar.pk}": "20",
        },
    )
    assert response.status_code == 422
    assert "Le plan HACCP de cette version de la recette n'est pas validé" in text(response)
    assert row_counts() == before


# Pantry items in the recipe's proportion


@pytest.fixture
def salted(chain):
    """The coulis with salt (0.2 kg) and olive oil (0.5 kg) for its 10 kg of tomatoes, and tap water (not weighed);
    a supplier lot of each weighed item."""
    salt = PantryItem.objects.create(territory=chain.territory, name="Sel")
    oil = PantryItem.objects.create(territory=chain.territory, name="Huile d'olive")
    water = PantryItem.objects.create(territory=chain.territory, name="Eau", lot_tracked=False)
    recipe = signed_off(
        actor=chain.actor,
        recipe=_new_version(
            chain, [(chain.tomato, Decimal("10")), (oil, Decimal("0.5")), (salt, Decimal("0.2")), (water, Decimal("1"))]
        ),
    )

    def lot_of(item, supplier_lot):
        return pantry_lot_receive(
            actor=chain.actor,
            territory=chain.territory,
            item=item,
            supplier="Grossiste",
            supplier_lot=supplier_lot,
            kg=Decimal("5"),
            received_on=DAY,
        )

    return recipe, lot_of(salt, "SEL-1"), lot_of(oil, "HUI-1")


def test_each_pantry_item_follows_the_recipe_for_the_kilos_drawn(chain, salted):
    recipe, salt, oil = salted
    # 15 kg of tomatoes: 0.300 kg of salt and 0.750 kg of oil expected.
    with refused("pantry_inputs", "Sel : 0,000 kg pesés pour 0,300 kg attendus"):
        _record(chain, recipe, raw_kg="15", pantry=[(oil, Decimal("0.75"))], jars=30)
    with refused("pantry_inputs", "Huile d'olive : 1,000 kg pesés pour 0,750 kg attendus"):
        _record(chain, recipe, raw_kg="15", pantry=[(salt, Decimal("0.3")), (oil, Decimal("1"))], jars=30)
    # Within 10 %: recorded as weighed.
    lot = _record(chain, recipe, raw_kg="15", pantry=[(salt, Decimal("0.32")), (oil, Decimal("0.70"))], jars=30)
    assert sorted(PantryUse.objects.filter(lot=lot).values_list("pantry_lot__item__name", "kg")) == [
        ("Huile d'olive", Decimal("0.700")),
        ("Sel", Decimal("0.320")),
    ]


def test_a_pantry_item_the_recipe_does_not_list_is_refused(chain, salted):
    _recipe, salt, _oil = salted
    with refused("pantry_inputs", "Sel n'est pas un ingrédient de cette recette (lot SEL-1)."):
        _record(chain, chain.recipe, pantry=[(salt, Decimal("0.2"))])


def test_the_few_grams_of_a_spice_get_a_kitchen_scale_slack(chain):
    pepper = PantryItem.objects.create(territory=chain.territory, name="Poivre")
    recipe = signed_off(
        actor=chain.actor, recipe=_new_version(chain, [(chain.tomato, Decimal("10")), (pepper, Decimal("0.010"))])
    )
    lot = pantry_lot_receive(
        actor=chain.actor,
        territory=chain.territory,
        item=pepper,
        supplier="Épicerie",
        supplier_lot="P-1",
        kg=Decimal("1"),
        received_on=DAY,
    )
    assert _record(chain, recipe, pantry=[(lot, Decimal("0.014"))]).pantry_inputs.count() == 1
    with refused("pantry_inputs", "Poivre : 0,016 kg pesés pour 0,010 kg attendus"):
        _record(chain, recipe, pantry=[(lot, Decimal("0.016"))])


def test_the_label_orders_what_was_weighed_and_scales_tap_water_to_the_kilos_drawn(chain, salted):
    recipe, salt, oil = salted
    lot = _record(chain, recipe, raw_kg="5", pantry=[(salt, Decimal("0.1")), (oil, Decimal("0.25"))], jars=10)
    rows = {i.name: i.kg for i in lot_label(lot).ingredients}
    # Half a batch of tomatoes: half the water of the recipe, not a whole batch's (which would outweigh nothing
    # here but would misplace water before the tomatoes in a watery recipe).
    assert rows == {
        "Tomate": Decimal("5"),
        "Eau": Decimal("0.5"),
        "Huile d'olive": Decimal("0.25"),
        "Sel": Decimal("0.1"),
    }
    assert [i.name for i in lot_label(lot).ingredients] == ["Tomate", "Eau", "Huile d'olive", "Sel"]


def test_the_lot_form_costs_the_same_queries_whatever_the_plans_waiting(client, chain, django_assert_num_queries):
    client.force_login(chain.actor)
    made = []

    def grow(n):
        for _ in range(n):
            made.append(recipe_validate_schedule(actor=chain.actor, recipe=_new_version(chain)))
            # The previous version stays producible only while active: keep every one offered.
            Recipe.objects.filter(pk__in=[r.pk for r in made]).update(is_active=True)

    assert_flat_queries(client, NEW, grow, django_assert_num_queries, n=1)
    assert len(made) == 3
    page = client.get(NEW).content.decode()
    assert all(f"/t/romans/recettes/{r.pk}/haccp/" in page for r in made)
