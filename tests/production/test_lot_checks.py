"""The lot form checks the recipe (issue 14 item 7): raw lots usable on the production day only, every ingredient
drawn for the jars filled, substitutions recorded with their allergens (docs/safety-en.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.producers.models import Product
from conserverie.production.labelling import lot_label
from conserverie.production.models import ProductionLot
from conserverie.production.services import TreatmentReading, lot_record
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create
from conserverie.sourcing.services import collection_record

from ..conftest import DAY
from ..helpers import refused, signed_off
from ..pages import row_counts, text

NEW = "/t/romans/lots/nouveau/"


def _product(name, category=Product.Category.FRUIT, allergens=()):
    return Product.objects.get_or_create(
        name=name, defaults={"category": category, "shelf_life_days": 10, "allergens": list(allergens)}
    )[0]


def _raw(chain, product, kg="20", day=DAY):
    return collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=product,
        kg=Decimal(kg),
        collected_on=day,
    )


@pytest.fixture
def compote(chain):
    """Apple and pear compote: 6 kg of apples and 4 kg of pears fill 20 jars."""
    apple, pear = _product("Pomme"), _product("Poire")
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="CPP",
        name="Compote pomme-poire",
        category="acid",
        ph_limit=Decimal("3.5"),
        ingredients=[(apple, Decimal("6")), (pear, Decimal("4"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.PASTEURISATION, Decimal("95"), 20)],
    )
    recipe = signed_off(actor=chain.actor, recipe=recipe)
    return recipe, _raw(chain, apple), _raw(chain, pear)


def _record(chain, recipe, raw_inputs, jars=20, **kwargs):
    return lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=raw_inputs,
        outputs={chain.jar: jars},
        treatments=[TreatmentReading(chain.jar, Decimal("95"), 20)],
        **kwargs,
    )


def test_a_pears_only_compote_is_refused_naming_the_apples(chain, compote):
    recipe, apples, pears = compote
    with refused(field="raw_inputs", match="Il manque Pomme : 0,00 kg pesés pour 6,00 kg attendus"):
        _record(chain, recipe, [(pears, Decimal("10"))])
    # Half the apples for a full batch of jars is not enough either; half the jars with half the fruit is.
    with refused(field="raw_inputs", match="Il manque Pomme"):
        _record(chain, recipe, [(apples, Decimal("3")), (pears, Decimal("4"))])
    lot = _record(chain, recipe, [(apples, Decimal("3")), (pears, Decimal("2"))], jars=10)
    assert lot.substitutions == []


def test_the_kilos_follow_the_batches_cooked_when_a_batch_fills_more_jars(chain, compote):
    recipe, apples, pears = compote
    # One batch of juicy fruit fills 24 jars: one batch of kilos is enough.
    lot = _record(chain, recipe, [(apples, Decimal("6")), (pears, Decimal("4"))], jars=24)
    assert lot.batches == 1
    # Two batches need two batches of kilos.
    with refused(field="raw_inputs", match="Il manque Pomme : 6,00 kg pesés pour 12,00 kg"):
        _record(chain, recipe, [(apples, Decimal("6")), (pears, Decimal("8"))], jars=40, batches=2)


def test_the_form_names_the_missing_ingredient_at_the_field_and_keeps_what_was_typed(client, chain, compote, animator):
    recipe, _apples, pears = compote
    client.force_login(animator)
    before = row_counts()
    response = client.post(
        NEW,
        {
            "recipe": recipe.pk,
            "produced_on": DAY.isoformat(),
            "location": chain.truck.pk,
            "batches": "1",
            "raw-TOTAL_FORMS": "3",
            "raw-INITIAL_FORMS": "0",
            "raw-0-raw_lot": pears.pk,
            "raw-0-kg": "10",
            "pantry-TOTAL_FORMS": "2",
            "pantry-INITIAL_FORMS": "0",
            f"jars_{chain.jar.pk}": "20",
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "Il manque Pomme" in page
    assert 'value="10"' in response.content.decode()  # nothing lost
    assert row_counts() == before


def test_only_raw_lots_usable_on_the_production_day_are_offered_and_a_forged_one_is_refused(client, chain, animator):
    old = _raw(chain, chain.tomato, day=DAY - timedelta(days=30))  # tomatoes keep 5 days
    later = _raw(chain, chain.tomato, day=DAY + timedelta(days=1))  # not collected yet on DAY
    client.force_login(animator)
    page = text(client.get(f"{NEW}?produced_on={DAY.isoformat()}"))
    assert chain.raw.code in page
    assert f"à transformer avant le {chain.raw.use_before:%d/%m/%Y}" in page
    assert old.code not in page
    assert later.code not in page
    before = row_counts()
    for forged in (old, later):
        response = client.post(
            NEW,
            {
                "recipe": chain.recipe.pk,
                "produced_on": DAY.isoformat(),
                "location": chain.truck.pk,
                "batches": "1",
                "raw-TOTAL_FORMS": "1",
                "raw-INITIAL_FORMS": "0",
                "raw-0-raw_lot": forged.pk,
                "raw-0-kg": "10",
                "pantry-TOTAL_FORMS": "0",
                "pantry-INITIAL_FORMS": "0",
                f"jars_{chain.jar.pk}": "10",
            },
        )
        assert response.status_code == 422
        assert "Sélectionnez un choix valide" in text(response)
    assert row_counts() == before
    # The service refuses it too (a caller that skips the form).
    with refused(field="raw_inputs", match="ne peut pas être transformé le"):
        _record(chain, chain.recipe, [(old, Decimal("10"))], jars=10)


def test_a_substitution_is_recorded_on_the_lot_and_its_allergens_reach_the_label(client, chain, compote, animator):
    recipe, apples, _pears = compote
    walnut = _product("Noix", category=Product.Category.FRUIT, allergens=["nuts"])
    walnuts = _raw(chain, walnut)
    # A product outside the recipe without saying what it replaces is refused.
    with refused(field="raw_inputs", match="indiquez l'ingrédient qu'il remplace"):
        _record(chain, recipe, [(apples, Decimal("6")), (walnuts, Decimal("4"))])
    with refused(field="raw_inputs", match="n'est pas un ingrédient de cette recette"):
        _record(
            chain, recipe, [(apples, Decimal("6")), (walnuts, Decimal("4"))], substitutions={walnuts.pk: chain.tomato}
        )

    client.force_login(animator)
    pear = recipe.ingredients.get(product__name="Poire").product
    response = client.post(
        NEW,
        {
            "recipe": recipe.pk,
            "produced_on": DAY.isoformat(),
            "location": chain.truck.pk,
            "batches": "1",
            "raw-TOTAL_FORMS": "3",
            "raw-INITIAL_FORMS": "0",
            "raw-0-raw_lot": apples.pk,
            "raw-0-kg": "6",
            "raw-1-raw_lot": walnuts.pk,
            "raw-1-kg": "4",
            "raw-1-replaces": pear.pk,
            "pantry-TOTAL_FORMS": "2",
            "pantry-INITIAL_FORMS": "0",
            f"jars_{chain.jar.pk}": "20",
        },
    )
    assert response.status_code == 302, text(response)
    lot = ProductionLot.objects.get()
    assert lot.substitutions == [
        {"ingredient": "Poire", "substitute": "Noix", "allergens": ["nuts"], "raw_lots": [walnuts.code], "kg": "4.00"}
    ]
    assert lot.recipe_snapshot["allergens"] == ["nuts"]
    label = lot_label(lot)
    names = [i.name for i in label.ingredients]
    assert names == ["Pomme", "Noix"]  # no pear went in
    assert label.allergens == ["nuts"]
    page = text(client.get(response["Location"]))
    assert "Noix à la place de Poire" in page
