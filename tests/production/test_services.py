import re
from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.producers.models import Product
from conserverie.production.models import HeatTreatmentRecord, LotStatus, PantryUse, ProductionLot
from conserverie.production.services import TreatmentReading, lot_block, lot_record, lot_release
from conserverie.recipes.models import PantryItem, RecipeIngredient
from conserverie.recipes.services import FormatSpec, pantry_lot_receive, recipe_create
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import collection_record
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import jars_at
from conserverie.territories.models import JarFormat
from conserverie.workshops.services import workshop_open

from ..conftest import DAY, aware
from ..helpers import (
    cold_reading,
    forbidden,
    history_user,
    make_lot,
    refused,
    release_ready,
    seal_checked,
    signed_off,
)


def _record(chain, **over):
    kwargs = {
        "actor": chain.actor,
        "territory": chain.territory,
        "recipe": chain.recipe,
        "produced_on": DAY,
        "location": chain.truck,
        "raw_inputs": [(chain.raw, Decimal("30"))],
        "outputs": {chain.jar: 20},
    }
    kwargs.update(over)
    return lot_record(**kwargs)


@pytest.fixture
def sugar_lot(chain):
    """A supplier lot of sugar (2 kg), an ingredient of the chain's recipe: 0.2 kg for its 10 kg of tomatoes."""
    sugar = PantryItem.objects.create(territory=chain.territory, name="Sucre")
    RecipeIngredient.objects.create(recipe=chain.recipe, pantry_item=sugar, kg_per_batch=Decimal("0.2"))
    return pantry_lot_receive(
        actor=chain.actor,
        territory=chain.territory,
        item=sugar,
        supplier="Biocoop",
        supplier_lot="S-1",
        kg=Decimal("2"),
        received_on=DAY,
    )


# lot_record


def test_a_production_lot_traces_its_inputs_and_fills_jars(chain, animator, sugar_lot):
    workshop = workshop_open(
        actor=animator,
        territory=chain.territory,
        title="Coulis",
        site=chain.site,
        structure=chain.structure,
        starts_at=aware(DAY, 9),
        ends_at=aware(DAY, 12),
    )
    lot = _record(
        chain,
        actor=animator,
        workshop=workshop,
        pantry_inputs=[(sugar_lot, Decimal("0.6"))],
        treatments=[TreatmentReading(chain.jar, Decimal("112"), 50)],
        ph_measured=Decimal("4.1"),
    )
    assert lot.code == "ROM-260610-CTOM1"
    assert lot.status == LotStatus.OPEN
    assert lot.status_reason == ""
    assert lot.best_before == DAY + timedelta(days=365)
    assert lot.recipe_snapshot["code"] == "CTOM"
    assert lot.recipe_snapshot["ingredients"][0]["name"] == "Tomate"
    assert lot.created_by == animator
    assert history_user(lot) == animator
    used = RawLotMovement.objects.get(production_lot=lot)
    assert (used.raw_lot, used.kind, used.kg, used.day) == (chain.raw, "used", Decimal("30"), DAY)
    assert PantryUse.objects.get(lot=lot).kg == Decimal("0.6")
    record = HeatTreatmentRecord.objects.get(lot=lot)
    assert record.within_limits
    assert record.operator == animator
    assert history_user(record) == animator
    produced = StockMovement.objects.get(lot=lot)
    assert (produced.kind, produced.quantity, produced.location) == (MovementKind.PRODUCED, 20, chain.truck)
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 20


def test_lot_codes_are_unique_readable_and_per_territory(chain, other_chain):
    first = _record(chain, raw_inputs=[(chain.raw, Decimal("10"))])
    second = _record(chain, raw_inputs=[(chain.raw, Decimal("10"))])
    later = _record(chain, produced_on=DAY + timedelta(days=1), raw_inputs=[(chain.raw, Decimal("10"))])
    foreign = _record(other_chain, raw_inputs=[(other_chain.raw, Decimal("10"))])
    assert [first.code, second.code, later.code, foreign.code] == [
        "ROM-260610-CTOM1",
        "ROM-260610-CTOM2",
        "ROM-260611-CTOM1",
        "VER-260610-CTOM1",
    ]
    assert all(
        re.fullmatch(r"[A-Z]{3}-\d{6}-[A-Z]{4}\d+", c) for c in ProductionLot.objects.values_list("code", flat=1)
    )


def test_a_recipe_code_that_extends_another_never_collides(chain):
    """CTOM lot 11 and CTOM1 lot 1 would both read CTOM11 if codes were only concatenated."""
    longer = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="CTOM1",
        name="Coulis n° 1",
        ingredients=[(chain.tomato, Decimal("1"))],
        formats=[FormatSpec(chain.jar, 1, 350, "sterilisation", Decimal("110"), 45)],
    )
    longer = signed_off(actor=chain.actor, recipe=longer)
    _record(chain, recipe=longer, raw_inputs=[(chain.raw, Decimal("1"))], outputs={chain.jar: 1})
    for _ in range(11):
        _record(chain, raw_inputs=[(chain.raw, Decimal("1"))], outputs={chain.jar: 1})
    codes = list(ProductionLot.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 12


def test_treatment_below_schedule_makes_the_lot_non_conforming(chain):
    lot = _record(chain, treatments=[cold_reading(chain)])
    assert lot.status == LotStatus.NON_CONFORMING
    assert "traitement thermique hors barème (Bocal 375 ml)" in lot.status_reason
    assert not HeatTreatmentRecord.objects.get(lot=lot).within_limits
    # The jars exist (they are on the shelf) but cannot leave until released (see distribution tests).
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 20


def test_a_reading_for_a_format_without_schedule_is_non_conforming(chain):
    stray = JarFormat.objects.create(territory=chain.territory, name="Bocal 750 ml", volume_ml=750, deposit_eur=1)
    lot = _record(chain, treatments=[TreatmentReading(stray, Decimal("120"), 60)])
    assert lot.status == LotStatus.NON_CONFORMING
    assert HeatTreatmentRecord.objects.get(lot=lot).treatment == "sterilisation"


def test_ph_above_the_recipe_limit_makes_the_lot_non_conforming(chain):
    lot = _record(chain, ph_measured=Decimal("4.5"))
    assert lot.status == LotStatus.NON_CONFORMING
    assert "pH 4.5 au-dessus de la limite 4.4" in lot.status_reason


def test_an_unvalidated_recipe_cannot_produce(chain):
    chain.recipe.validated_at = None
    chain.recipe.save()
    with refused("recipe", "Le barème de cette recette n'a pas été validé par une personne formée HACCP."):
        _record(chain)


def test_an_old_version_of_a_recipe_cannot_produce(chain):
    chain.recipe.is_active = False
    chain.recipe.save()
    with refused("recipe", "Cette version de la recette n'est plus active."):
        _record(chain)


def test_cannot_draw_more_kilos_than_the_raw_lot_holds(chain):
    with refused("kg", "ne contient plus que 40"):
        _record(chain, raw_inputs=[(chain.raw, Decimal("40.01"))])
    _record(chain, raw_inputs=[(chain.raw, Decimal("35"))])
    with refused("kg", "ne contient plus que 5"):
        _record(chain, raw_inputs=[(chain.raw, Decimal("6"))], outputs={chain.jar: 10})
    assert RawLot.objects.with_balance().get(pk=chain.raw.pk).kg_left == Decimal("5")


def test_a_raw_lot_past_its_use_before_cannot_be_processed(chain):
    late = chain.raw.use_before + timedelta(days=1)
    with refused("raw_inputs", "ne peut pas être transformé le 16/06/2026"):
        _record(chain, produced_on=late)
    _record(chain, produced_on=chain.raw.use_before)


def test_a_raw_lot_cannot_be_processed_before_its_collection(chain):
    with refused("raw_inputs", "collecté le 10/06/2026"):
        _record(chain, produced_on=DAY - timedelta(days=1))


def test_a_raw_lot_of_another_product_does_not_enter_the_recipe(chain):
    carrot = Product.objects.create(name="Carotte", category=Product.Category.VEGETABLE, shelf_life_days=10)
    carrots = collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=carrot,
        kg=Decimal("9"),
        collected_on=DAY,
    )
    with refused("raw_inputs", f"Le lot {carrots.code} (Carotte) n'entre pas dans cette recette"):
        _record(chain, raw_inputs=[(chain.raw, Decimal("5")), (carrots, Decimal("5"))])


def test_a_raw_lot_of_another_territory_is_forbidden(chain, other_chain):
    with forbidden():
        _record(chain, raw_inputs=[(other_chain.raw, Decimal("5"))])


def test_raw_inputs_are_listed_once_with_positive_kilos(chain):
    with refused("raw_inputs", "Indiquez au moins un lot brut utilisé."):
        _record(chain, raw_inputs=[])
    for kg in (Decimal("0"), Decimal("-1"), None):
        with refused("raw_inputs", "Chaque lot brut utilisé a un poids supérieur à zéro."):
            _record(chain, raw_inputs=[(chain.raw, kg)])
    with refused("raw_inputs", "Un même lot brut apparaît deux fois."):
        _record(chain, raw_inputs=[(chain.raw, Decimal("5")), (chain.raw, Decimal("5"))])


def test_pantry_inputs_are_positive_and_available(chain, sugar_lot):
    with refused("pantry_inputs", "Chaque article d'épicerie utilisé a une quantité supérieure à zéro."):
        _record(chain, pantry_inputs=[(sugar_lot, Decimal("0"))])
    small = pantry_lot_receive(
        actor=chain.actor,
        territory=chain.territory,
        item=sugar_lot.item,
        supplier="Biocoop",
        supplier_lot="S-2",
        kg=Decimal("0.3"),
        received_on=DAY,
    )
    with refused("pantry_inputs", "ne contient plus que 0.3"):
        _record(chain, raw_inputs=[(chain.raw, Decimal("20"))], pantry_inputs=[(small, Decimal("0.4"))])
    assert not RawLotMovement.objects.exists()


def test_outputs_are_positive_and_in_a_format_of_the_recipe(chain):
    for outputs in ({}, {chain.jar: 0}, {chain.jar: -3}):
        with refused("outputs", "Indiquez le nombre de bocaux remplis, supérieur à zéro."):
            _record(chain, outputs=outputs)
    big = JarFormat.objects.create(territory=chain.territory, name="Bocal 750 ml", volume_ml=750, deposit_eur=1)
    with refused("outputs", "Ce format de bocal n'a pas de barème dans cette recette."):
        _record(chain, outputs={big: 5})


def test_a_lot_has_at_least_one_batch(chain):
    with refused("batches", "Indiquez au moins une fournée."):
        _record(chain, batches=0)


def test_production_cannot_name_records_of_another_territory(chain, other_chain):
    foreign_salt = PantryItem.objects.create(territory=other_chain.territory, name="Sel")
    foreign_pantry_lot = pantry_lot_receive(
        actor=other_chain.actor,
        territory=other_chain.territory,
        item=foreign_salt,
        supplier="Grossiste",
        supplier_lot="G-9",
        kg=Decimal("5"),
        received_on=DAY,
    )
    foreign_workshop = workshop_open(
        actor=other_chain.actor,
        territory=other_chain.territory,
        title="Atelier du Vercors",
        site=other_chain.site,
        structure=other_chain.structure,
        starts_at=aware(DAY, 9),
        ends_at=aware(DAY, 12),
    )
    with forbidden():
        _record(chain, location=other_chain.truck)
    with forbidden():
        _record(chain, recipe=other_chain.recipe)
    with forbidden():
        _record(chain, pantry_inputs=[(foreign_pantry_lot, Decimal("0.1"))])
    with forbidden():
        _record(chain, workshop=foreign_workshop)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_record_production(request, chain, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        _record(chain, actor=actor)


# lot_release / lot_block


def test_a_coordinator_releases_an_open_lot(chain):
    lot = release_ready(chain, make_lot(chain))
    assert lot.status == LotStatus.RELEASED
    assert lot.is_released
    assert list(ProductionLot.objects.released()) == [lot]
    assert history_user(lot) == chain.actor


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_releases(request, chain, persona):
    lot = make_lot(chain)
    actor = request.getfixturevalue(persona)
    with forbidden():
        lot_release(actor=actor, lot=lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


@pytest.mark.parametrize("status", [LotStatus.NON_CONFORMING, LotStatus.BLOCKED])
def test_releasing_a_failed_or_blocked_lot_needs_the_corrective_action(chain, status):
    lot = make_lot(chain, status=status)
    seal_checked(chain, lot)
    with refused("reason", "Décrivez l'action corrective avant de libérer ce lot."):
        lot_release(actor=chain.actor, lot=lot, reason=" ")
    lot = lot_release(actor=chain.actor, lot=lot, reason="Retraité 20 min à 115 °C")
    assert (lot.status, lot.status_reason) == (LotStatus.RELEASED, "Retraité 20 min à 115 °C")


@pytest.mark.parametrize(("status", "label"), [(LotStatus.RELEASED, "Libéré"), (LotStatus.RECALLED, "Rappelé")])
def test_a_released_or_recalled_lot_cannot_be_released(chain, status, label):
    lot = make_lot(chain, status=status)
    with refused(match=f"Le lot {lot.code} est « {label} » : il ne peut pas être libéré."):
        lot_release(actor=chain.actor, lot=lot, reason="encore")


def test_staff_block_a_lot_with_a_reason(chain, animator):
    lot = make_lot(chain, status=LotStatus.RELEASED)
    with refused("reason", "Indiquez pourquoi le lot est bloqué."):
        lot_block(actor=animator, lot=lot, reason="")
    lot = lot_block(actor=animator, lot=lot, reason="Couvercle bombé")
    assert (lot.status, lot.status_reason) == (LotStatus.BLOCKED, "Couvercle bombé")
    assert history_user(lot) == animator


def test_a_recalled_lot_cannot_be_blocked(chain):
    lot = make_lot(chain, status=LotStatus.RECALLED)
    with refused(match="Ce lot est déjà rappelé."):
        lot_block(actor=chain.actor, lot=lot, reason="x")


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_block(request, chain, persona):
    lot = make_lot(chain)
    actor = request.getfixturevalue(persona)
    with forbidden():
        lot_block(actor=actor, lot=lot, reason="x")
