"""Production lots at each workshop: raw and pantry inputs, jars filled into the truck, readings, release."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.production.models import LotStatus
from conserverie.production.services import TreatmentReading, lot_block, lot_record, lot_release, lot_seal_check
from conserverie.production.stability import stability_record, stability_start
from conserverie.recipes.lethality import LOW_ACID

HUNDREDTH = Decimal("0.01")
BLOCK_REASON = "Capsules mal serties sur plusieurs bocaux au contrôle du lendemain : lot bloqué pour vérification."
FAILED_SEALS_NOTE = "Capsules mal serties : bocaux mis de côté, lot bloqué."
UNSTABLE_NOTE = "Un bocal bombé à 37 °C, odeur aigre à l'ouverture : lot bloqué, bocaux gardés pour le laboratoire."


def _stability(ctx, lot, day):
    """A low-acid lot waits for its stability test (2 jars, 7 days at 37 °C) before its release; the demo's
    `stability_failed_at`-th low-acid lot fails it and is blocked. Lots too recent stay waiting."""
    ctx.low_acid_made += 1
    start = day + timedelta(days=1)
    if start > ctx.today:
        return lot
    test = stability_start(actor=ctx.animator, lot=lot, jars=2, started_on=start)
    if test.ends_on > ctx.today:
        return lot
    fail = ctx.low_acid_made == ctx.stability_failed_at
    stability_record(
        actor=ctx.animator,
        test=test,
        swelling=fail,
        leak=False,
        ph_after=Decimal("5.1") if fail else Decimal("5.8"),
        appearance_ok=not fail,
        note=UNSTABLE_NOTE if fail else "",
        examined_on=test.ends_on,
    )
    lot.refresh_from_db()
    if fail:
        return lot
    return lot_release(actor=ctx.animator, lot=lot)  # the trained animator signs


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


def core_curve(spec, bath: Decimal, minutes: int, rng) -> tuple:
    """The probe at the core of the slowest jar, one reading a minute: hot fill, come-up, hold, cooling.

    The core lags the bath by half a degree during the hold; the come-up takes a quarter of an hour in the
    autoclave, ten minutes in the pot. Lethality then follows from the curve (recipes.lethality).
    """
    sterilised = spec.treatment == "sterilisation"
    start = Decimal(rng.randint(45, 55) if sterilised else rng.randint(68, 75))
    come_up = 15 if sterilised else 10
    hold = bath - Decimal("0.5")
    points = [start + (hold - start) * step / come_up for step in range(come_up)]
    points += [hold] * (minutes + 1)
    points += [hold - (hold - 40) * step / 10 for step in range(1, 11)]
    return tuple((Decimal(minute), value.quantize(Decimal("0.1"))) for minute, value in enumerate(points))


def _readings(formats, outputs, rng, *, below: bool) -> list[TreatmentReading]:
    readings = []
    for spec in formats:
        if spec.jar_format not in outputs:
            continue
        temperature = spec.temperature_c + Decimal(str(round(rng.uniform(0, 1.5), 1)))
        if below:
            # The thermometer showed the bath never reached the schedule: the lot cannot be released as is.
            temperature = spec.temperature_c - Decimal("6")
        minutes = spec.minutes + rng.randint(0, 5)
        equipment = "autoclave" if spec.treatment == "sterilisation" else "pot"
        readings.append(
            TreatmentReading(
                spec.jar_format,
                temperature,
                minutes,
                equipment,
                core_readings=core_curve(spec, temperature, minutes, rng),
            )
        )
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
    # The seal check the day after (the plan's seal critical control point, asked before release); the blocked lot
    # is the one whose lids failed.
    blocked = ctx.lots_made == ctx.blocked_at
    failed = min(3, sum(outputs.values())) if blocked else 0
    lot_seal_check(
        actor=ctx.animator,
        lot=lot,
        jars_checked=sum(outputs.values()),
        jars_failed=failed,
        note=FAILED_SEALS_NOTE if failed else "",
        at=timezone.make_aware(datetime.combine(day + timedelta(days=1), time(9))),
    )
    lot.refresh_from_db()
    if lot.status != LotStatus.NON_CONFORMING or blocked:
        if blocked:
            lot = lot_block(actor=ctx.coordinator, lot=lot, reason=BLOCK_REASON)
        elif recipe.category == LOW_ACID:
            lot = _stability(ctx, lot, day)
        else:
            lot = lot_release(actor=ctx.animator, lot=lot)  # the trained animator signs
    # The shelves keep this instance: it must carry the final status.
    for jar_format, jars in outputs.items():
        shelves.add(ctx.places.truck, lot, jar_format, jars)
    return lot
