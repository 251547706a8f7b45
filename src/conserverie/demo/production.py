"""Production lots at each workshop: raw and pantry inputs, jars filled into the truck, readings, release."""

from decimal import Decimal

from conserverie.production.models import LotStatus
from conserverie.production.services import TreatmentReading, lot_block, lot_record, lot_release

HUNDREDTH = Decimal("0.01")
BLOCK_REASON = "Capsules mal serties sur plusieurs bocaux au contrôle du lendemain : lot bloqué pour vérification."


def _outputs(recipe, formats, batches: int, rng) -> dict:
    """A recipe with two formats fills its second one with the last batch, when there are two batches or more."""
    if len(formats) > 1 and batches > 1:
        main, second = formats[0], formats[1]
        return {
            main.jar_format: main.jars_per_batch * (batches - 1) - rng.randint(0, 2),
            second.jar_format: second.jars_per_batch - rng.randint(0, 1),
        }
    main = formats[0]
    return {main.jar_format: main.jars_per_batch * batches - rng.randint(0, 2)}


def _readings(formats, outputs, rng, *, below: bool) -> list[TreatmentReading]:
    readings = []
    for spec in formats:
        if spec.jar_format not in outputs:
            continue
        temperature = spec.temperature_c + Decimal(str(round(rng.uniform(0, 1.5), 1)))
        if below:
            # The thermometer showed the bath never reached the schedule: the lot cannot be released as is.
            temperature = spec.temperature_c - Decimal("6")
        readings.append(TreatmentReading(spec.jar_format, temperature, spec.minutes + rng.randint(0, 5)))
    return readings


def make_lot(ctx, pool, shelves, *, recipe, workshop, day, batches: int):
    rng = ctx.rng
    ctx.lots_made += 1
    raw_inputs, pantry_inputs = [], []
    for ingredient in recipe.ingredients.select_related("product", "pantry_item").order_by("id"):
        kg = ingredient.kg_per_batch * batches
        if ingredient.product_id:
            # Raw movements are weighed to the 10 g: the recipe's 3 decimals would fail validation.
            raw_inputs += pool.draw(ingredient.product, kg.quantize(HUNDREDTH), day)
        else:
            taken = ctx.pantry.take(ingredient.pantry_item.name, kg, day)
            if taken is not None:  # tap water has no supplier lot
                pantry_inputs.append(taken)
    formats = list(recipe.formats.select_related("jar_format").order_by("id"))
    outputs = _outputs(recipe, formats, batches, rng)
    ph = None
    if recipe.ph_limit is not None:
        ph = recipe.ph_limit - Decimal(str(round(rng.uniform(0.2, 0.6), 1)))
    lot = lot_record(
        actor=ctx.animator,
        territory=ctx.territory,
        recipe=recipe,
        produced_on=day,
        location=ctx.places.truck,
        raw_inputs=raw_inputs,
        pantry_inputs=pantry_inputs,
        outputs=outputs,
        workshop=workshop,
        batches=batches,
        treatments=_readings(formats, outputs, rng, below=ctx.lots_made == ctx.non_conforming_at),
        ph_measured=ph,
    )
    if lot.status != LotStatus.NON_CONFORMING:
        if ctx.lots_made == ctx.blocked_at:
            lot = lot_block(actor=ctx.coordinator, lot=lot, reason=BLOCK_REASON)
        else:
            lot = lot_release(actor=ctx.coordinator, lot=lot)
    # The shelves keep this instance: it must carry the final status.
    for jar_format, jars in outputs.items():
        shelves.add(ctx.places.truck, lot, jar_format, jars)
    return lot
