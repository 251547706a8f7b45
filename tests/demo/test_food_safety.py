"""The demo's lots follow the release rule (docs/safety-en.md): each released lot has every reading its HACCP plan's
critical control points ask, within their limits, and was made under a validated plan; pantry items were weighed
in the recipe's proportion."""

from decimal import Decimal

from conserverie.production.haccp import lethality_blocks, missing_records
from conserverie.production.models import LotStatus, PantryUse, ProductionLot
from conserverie.production.services import PANTRY_SHARE, PANTRY_SLACK_KG


def test_every_released_demo_lot_has_its_plan_readings_and_a_validated_plan(db):
    lots = list(ProductionLot.objects.filter(status=LotStatus.RELEASED).select_related("recipe").order_by("pk"))
    assert len(lots) >= 20
    for lot in lots:
        assert lot.recipe_snapshot.get("haccp_validated_at"), lot
        assert {"seal"} <= set(lot.recipe_snapshot["haccp_ccps"]), lot
        assert lethality_blocks(lot) == [], lot
        assert missing_records(lot) == [], lot
    # The blocked lot of the seal check: its lids failed.
    assert ProductionLot.objects.filter(status=LotStatus.BLOCKED, seal_checks__jars_failed__gt=0).exists()


def test_demo_pantry_items_follow_the_recipe_proportion(db):
    uses = list(PantryUse.objects.select_related("lot__recipe", "pantry_lot__item").order_by("lot_id", "pk")[:200])
    assert uses
    for use in uses:
        recipe = use.lot.recipe
        ingredients = list(recipe.ingredients.all())
        produce = sum((i.kg_per_batch for i in ingredients if i.product_id), Decimal(0))
        drawn = sum(use.lot.raw_inputs.filter(kind="used").values_list("kg", flat=True), Decimal(0))
        per_batch = next(i.kg_per_batch for i in ingredients if i.pantry_item_id == use.pantry_lot.item_id)
        used = sum(
            PantryUse.objects.filter(lot=use.lot, pantry_lot__item=use.pantry_lot.item).values_list("kg", flat=True),
            Decimal(0),
        )
        want = per_batch * drawn / produce
        assert abs(used - want) <= max(want * PANTRY_SHARE, PANTRY_SLACK_KG), (use.lot, use.pantry_lot.item)
