from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.history import save_as
from conserverie.producers.models import Product
from conserverie.production.haccp import (
    TreatmentReading,
    append_status_reason,
    core_curve_errors,
    lethality_blocks,
    missing_records,
    reading_problem,
    treatment_record,
)
from conserverie.production.models import (
    CorrectiveAction,
    CorrectiveActionKind,
    Hazard,
    LotStatus,
    PantryUse,
    ProductionLot,
    Recall,
    RecallScope,
    SealCheck,
)
from conserverie.production.selectors import pantry_lots_with_balance
from conserverie.production.trace import lots_sharing_raw_lots
from conserverie.recipes.lethality import fmt
from conserverie.recipes.models import ALLERGEN_CODES, HaccpPlan, PantryLot, Recipe
from conserverie.recipes.services import JAM_FRUITS, derived_allergens
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import raw_lot_draw
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import empties_fill, jars_discard, lock_locations, movement_write
from conserverie.territories.models import JarFormat, Location, Territory
from conserverie.territories.permissions import (
    may,
    may_sign,
    require_role,
    require_same_territory,
    require_trained,
)


def recipe_snapshot(recipe: Recipe) -> dict:
    """What a label and a trace need of the recipe, frozen at production time (docs/labels-en.md).

    The allergens are those of the ingredients as recorded now, so a product's allergen recorded after the
    recipe was written still reaches the label."""
    ingredients = list(recipe.ingredients.select_related("product", "pantry_item").order_by("pk"))
    plan = HaccpPlan.objects.filter(recipe=recipe).first()
    return {
        "code": recipe.code,
        "version": recipe.version,
        "name": recipe.name,
        "ingredients": [ingredient_snapshot(i) for i in ingredients],
        "allergens": derived_allergens(i.product or i.pantry_item for i in ingredients),
        "may_contain": list(recipe.may_contain),
        "jam_kind": recipe.jam_kind,
        "liquid_medium": recipe.liquid_medium,
        "ph_limit": None if recipe.ph_limit is None else str(recipe.ph_limit),
        "category": recipe.category,
        "water_activity": None if recipe.water_activity is None else str(recipe.water_activity),
        "stability_at_55": recipe.stability_at_55,
        "shelf_life_days": recipe.shelf_life_days,
        "storage_advice": str(recipe.storage_advice),
        "serving_ideas": recipe.serving_ideas,
        # The critical control points of the validated HACCP plan the lot was made under: its release asks their
        # readings (production.haccp.lot_ccp_kinds).
        "haccp_ccps": sorted(plan.ccp_kinds) if plan is not None else [],
        "haccp_validated_at": plan.validated_at.isoformat() if plan is not None and plan.validated_at else None,
        "formats": {
            str(f.jar_format_id): {
                "name": f.jar_format.name,
                "net_weight_g": f.net_weight_g,
                "drained_weight_g": f.drained_weight_g,
                "jars_per_batch": f.jars_per_batch,
                "treatment": f.treatment,
                "temperature_c": str(f.temperature_c),
                "minutes": f.minutes,
                "target_tref_c": str(f.target_tref_c),
                "target_z_c": str(f.target_z_c),
                "target_minimum_min": str(f.target_minimum_min),
            }
            for f in recipe.formats.select_related("jar_format")
        },
    }


def ingredient_snapshot(ingredient) -> dict:
    item = ingredient.product or ingredient.pantry_item
    is_product = ingredient.product_id is not None
    return {
        "name": str(item),
        "kg_per_batch": str(ingredient.kg_per_batch),
        "raw": is_product,
        "allergens": [code for code in (item.allergens or []) if code in ALLERGEN_CODES],
        "components": "" if is_product else item.components,
        "nutrition": dict(item.nutrition or {}),
        # Fruit in the sense of Directive 2001/113/EC: nuts are not, some vegetables are (Annex I).
        "fruit": is_product
        and "nuts" not in (item.allergens or [])
        and (item.category == Product.Category.FRUIT or item.name in JAM_FRUITS),
    }


def substitution_records(raw_inputs, substitutions: dict) -> list[dict]:
    """One row per product drawn in place of a recipe ingredient: what it replaced, the lots, the kilos and the
    substitute's own allergens (Annex II), as recorded on the lot."""
    rows: dict = {}
    for raw_lot, kg in raw_inputs:
        replaced = substitutions.get(raw_lot.pk)
        if replaced is None:
            continue
        product = raw_lot.product
        row = rows.setdefault(
            (replaced.pk, product.pk),
            {
                "ingredient": replaced.name,
                "substitute": product.name,
                "allergens": sorted(c for c in (product.allergens or []) if c in ALLERGEN_CODES),
                "raw_lots": [],
                "kg": Decimal(0),
            },
        )
        row["raw_lots"].append(raw_lot.code)
        row["kg"] += kg
    return [{**row, "kg": str(row["kg"].quantize(Decimal("0.01")))} for row in rows.values()]


def _next_lot_code(territory: Territory, day: date, recipe: Recipe) -> str:
    prefix = f"{territory.code}-{day:%y%m%d}-{recipe.code}"
    number = ProductionLot.objects.filter(territory=territory, produced_on=day, recipe__code=recipe.code).count() + 1
    # Recipe codes may extend one another (CTOM lot 11 and CTOM1 lot 1 both read CTOM11): skip a taken code.
    while ProductionLot.objects.filter(code=f"{prefix}{number}").exists():
        number += 1
    return f"{prefix}{number}"


PLAN_NOT_VALIDATED = gettext_lazy(
    "Le plan HACCP de cette version de la recette n'est pas validé : pas de production avant. Une personne formée "
    "HACCP (formation en cours de validité, voir Formations) le relit et le valide : Recettes → la recette → « Plan "
    "HACCP de cette version »."
)


def _validate_inputs(
    territory, recipe, produced_on, raw_inputs, pantry_inputs, outputs, location, substitutions=None, batches=1
) -> dict:
    errors = {}
    if recipe.validated_at is None:
        errors["recipe"] = _("Le barème de cette recette n'a pas été validé par une personne formée HACCP.")
    elif not HaccpPlan.objects.filter(recipe=recipe, validated_at__isnull=False).exists():
        errors["recipe"] = PLAN_NOT_VALIDATED
    if not recipe.is_active:
        errors["recipe"] = _("Cette version de la recette n'est plus active.")
    if not raw_inputs:
        errors["raw_inputs"] = _("Indiquez au moins un lot brut utilisé.")
    substitutions = substitutions or {}
    recipe_products = {i.product_id for i in recipe.ingredients.all() if i.product_id}
    for raw_lot, kg in raw_inputs:
        require_same_territory(territory, raw_lot)
        replaced = substitutions.get(raw_lot.pk)
        if kg is None or kg <= 0:
            errors["raw_inputs"] = _("Chaque lot brut utilisé a un poids supérieur à zéro.")
        elif replaced is not None and raw_lot.product_id in recipe_products:
            errors["raw_inputs"] = _(
                "Le lot %(code)s (%(product)s) est déjà un ingrédient de la recette : ce n'est pas une substitution."
            ) % {"code": raw_lot.code, "product": raw_lot.product}
        elif replaced is not None and replaced.pk not in recipe_products:
            errors["raw_inputs"] = _("%(product)s n'est pas un ingrédient de cette recette : rien à remplacer.") % {
                "product": replaced
            }
        elif replaced is None and raw_lot.product_id not in recipe_products:
            errors["raw_inputs"] = _(
                "Le lot %(code)s (%(product)s) n'entre pas dans cette recette : indiquez l'ingrédient qu'il "
                "remplace (substitution)."
            ) % {"code": raw_lot.code, "product": raw_lot.product}
        elif produced_on > raw_lot.use_before or produced_on < raw_lot.collected_on:
            errors["raw_inputs"] = _(
                "Le lot %(code)s ne peut pas être transformé le %(day)s (collecté le %(c)s, "
                "à transformer avant le %(u)s)."
            ) % {
                "code": raw_lot.code,
                "day": f"{produced_on:%d/%m/%Y}",
                "c": f"{raw_lot.collected_on:%d/%m/%Y}",
                "u": f"{raw_lot.use_before:%d/%m/%Y}",
            }
    if len({r.pk for r, _kg in raw_inputs}) != len(raw_inputs):
        errors["raw_inputs"] = _("Un même lot brut apparaît deux fois.")
    for pantry_lot, kg in pantry_inputs:
        require_same_territory(territory, pantry_lot)
        if kg is None or kg <= 0:
            errors["pantry_inputs"] = _("Chaque article d'épicerie utilisé a une quantité supérieure à zéro.")
    recipe_formats = {f.jar_format_id for f in recipe.formats.all()}
    if not outputs or any(n is None or n <= 0 for n in outputs.values()):
        errors["outputs"] = _("Indiquez le nombre de bocaux remplis, supérieur à zéro.")
    elif any(fmt.pk not in recipe_formats for fmt in outputs):
        errors["outputs"] = _("Ce format de bocal n'a pas de barème dans cette recette.")
    require_same_territory(territory, location)
    if not errors:
        errors.update(coverage_errors(recipe, raw_inputs, pantry_inputs, outputs, substitutions, batches))
    if not errors:
        errors.update(pantry_errors(recipe, raw_inputs, pantry_inputs, batches))
    return errors


# A pantry item weighed into the lot stays within this share of the recipe's proportion (the scale, a spoon more
# or less); and within PANTRY_SLACK_KG for the few grams of a spice, under a kitchen scale's reading. Beyond, the
# jar is not the recipe (its acidity, its sugar, its label's order): docs/safety-en.md.
PANTRY_SHARE = Decimal("0.10")
PANTRY_SLACK_KG = Decimal("0.005")


def pantry_expected(recipe: Recipe, raw_inputs, batches: int) -> tuple[Decimal, dict]:
    """The recipe's proportion applied to the lot's kilos: (fruit and vegetable kilos drawn, {pantry item pk: kg
    expected}). The fruit and vegetables drawn (substitutes included) over the recipe's per batch give the share of
    a batch; a recipe without fruit nor vegetable counts in batches."""
    ingredients = list(recipe.ingredients.all())
    per_batch = sum((i.kg_per_batch for i in ingredients if i.product_id), Decimal(0))
    drawn = sum((kg for _raw, kg in raw_inputs if kg), Decimal(0))
    share = drawn / per_batch if per_batch else Decimal(batches or 1)
    return drawn, {i.pantry_item_id: i.kg_per_batch * share for i in ingredients if i.pantry_item_id}


def pantry_errors(recipe: Recipe, raw_inputs, pantry_inputs, batches: int = 1) -> dict:
    """Every pantry item of the recipe (sugar, salt, vinegar, oil…) weighed into the lot in the recipe's proportion
    to the kilos of fruit and vegetables drawn, within PANTRY_SHARE (or PANTRY_SLACK_KG); an item the recipe does
    not list is refused. Tap water (not tracked by lot) is not weighed. What is weighed is recorded on the lot
    (PantryUse) and gives the label its ingredient order (Regulation (EU) 1169/2011 art. 18). Field → message."""
    drawn, expected = pantry_expected(recipe, raw_inputs, batches)
    items = {i.pantry_item_id: i.pantry_item for i in recipe.ingredients.all() if i.pantry_item_id}
    used = defaultdict(Decimal)
    problems = []
    for pantry_lot, kg in pantry_inputs:
        if pantry_lot.item_id not in items:
            problems.append(
                _("%(item)s n'est pas un ingrédient de cette recette (lot %(lot)s).")
                % {"item": pantry_lot.item, "lot": pantry_lot.supplier_lot}
            )
            continue
        used[pantry_lot.item_id] += kg or 0
    for pk, item in sorted(items.items(), key=lambda row: row[1].name):
        if not item.lot_tracked:
            continue
        want = expected[pk]
        margin = max(want * PANTRY_SHARE, PANTRY_SLACK_KG)
        if abs(used[pk] - want) > margin:
            problems.append(
                _(
                    "%(item)s : %(used)s kg pesés pour %(want)s kg attendus (la recette, pour %(drawn)s kg de fruits "
                    "et légumes ; écart admis 10 %%)."
                )
                % {"item": item.name, "used": fmt(used[pk], 3), "want": fmt(want, 3), "drawn": fmt(drawn, 2)}
            )
    return {"pantry_inputs": " ".join(problems)} if problems else {}


# The kilos drawn may fall short of the recipe's, scaled to the jars filled, by this share at most (the fruit's own
# water and the scale's rounding); below, an ingredient is missing from the jar (docs/safety-en.md).
COVER_SHARE = Decimal("0.9")


def batch_share(recipe: Recipe, outputs: dict, batches: int) -> Decimal:
    """How many of the recipe's batches went into the jars: the jars filled over the recipe's yield (each format's
    jars over its jars per batch), at most the batches cooked (a juicy batch fills more jars than its yield)."""
    per_batch = {f.jar_format_id: f.jars_per_batch for f in recipe.formats.all()}
    share = sum(
        (Decimal(jars) / per_batch[fmt.pk] for fmt, jars in outputs.items() if per_batch.get(fmt.pk)), Decimal(0)
    )
    return min(share, Decimal(batches or 1))


def coverage_errors(
    recipe: Recipe, raw_inputs, pantry_inputs, outputs: dict, substitutions: dict, batches: int = 1
) -> dict:
    """Every raw ingredient of the recipe (fruit, vegetables) drawn in the kilos the jars filled need; a substitute
    counts for the ingredient it replaces. Pantry items are checked by `pantry_errors`. Field → message."""
    share = batch_share(recipe, outputs, batches)
    drawn = defaultdict(Decimal)
    for raw_lot, kg in raw_inputs:
        replaced = substitutions.get(raw_lot.pk)
        drawn[replaced.pk if replaced is not None else raw_lot.product_id] += kg
    missing = []
    for ingredient in recipe.ingredients.filter(product__isnull=False).select_related("product").order_by("pk"):
        needed = ingredient.kg_per_batch * share
        if drawn[ingredient.product_id] < needed * COVER_SHARE:
            missing.append(
                _("Il manque %(name)s : %(drawn)s kg pesés pour %(needed)s kg attendus par la recette pour ces bocaux.")
                % {"name": ingredient.product, "drawn": fmt(drawn[ingredient.product_id], 2), "needed": fmt(needed, 2)}
            )
    return {"raw_inputs": " ".join(missing)} if missing else {}


def lot_record(
    *,
    actor,
    territory: Territory,
    recipe: Recipe,
    produced_on: date,
    location: Location,
    raw_inputs: list[tuple[RawLot, Decimal]],
    outputs: dict,
    pantry_inputs: list[tuple[PantryLot, Decimal]] = (),
    workshop=None,
    batches: int = 1,
    treatments: list[TreatmentReading] = (),
    ph_measured: Decimal | None = None,
    substitutions: dict | None = None,
) -> ProductionLot:
    """Record a production lot: kilos drawn from raw and pantry lots, jars filled into `location`.

    A treatment reading below the schedule, or a pH above the recipe's limit, makes the lot non-conforming:
    its jars exist but cannot leave until a coordinator releases the lot.

    `substitutions` maps a raw lot's pk to the recipe's product it replaces (quince for pears): recorded on the lot
    with the substitute's allergens, which join the lot's (its label declares them).
    """
    require_role(actor, territory)
    require_same_territory(territory, recipe, workshop)
    substitutions = dict(substitutions or {})
    errors = _validate_inputs(
        territory, recipe, produced_on, raw_inputs, list(pantry_inputs), outputs, location, substitutions, batches
    )
    if batches is None or batches < 1:
        errors["batches"] = _("Indiquez au moins une fournée.")
    elif any(r.batch is not None and not 1 <= r.batch <= batches for r in treatments):
        errors["batches"] = _("Un relevé nomme une fournée que ce lot n'a pas.")
    for reading in treatments:
        curve = core_curve_errors(reading)
        if curve:
            errors[f"core_{reading.jar_format.pk}"] = " ".join(curve)
    if errors:
        raise ValidationError(errors)
    snapshot = recipe_snapshot(recipe)
    swaps = substitution_records(raw_inputs, substitutions)
    if swaps:
        snapshot["allergens"] = sorted({*snapshot["allergens"], *(c for s in swaps for c in s["allergens"])})
    problems = []
    for reading in treatments:
        problem = reading_problem(snapshot["formats"].get(str(reading.jar_format.pk)), reading)
        if problem:
            problems.append(problem)
    if ph_measured is not None and recipe.ph_limit is not None and ph_measured > recipe.ph_limit:
        problems.append(_("pH %(ph)s au-dessus de la limite %(limit)s") % {"ph": ph_measured, "limit": recipe.ph_limit})
    with transaction.atomic():
        Territory.objects.select_for_update().get(pk=territory.pk)
        lot = ProductionLot(
            territory=territory,
            code=_next_lot_code(territory, produced_on, recipe),
            recipe=recipe,
            recipe_snapshot=snapshot,
            workshop=workshop,
            produced_on=produced_on,
            best_before=produced_on + timedelta(days=recipe.shelf_life_days),
            batches=batches,
            status=LotStatus.NON_CONFORMING if problems else LotStatus.OPEN,
            status_reason="; ".join(str(p) for p in problems),
            ph_measured=ph_measured,
            substitutions=swaps,
            created_by=actor,
        )
        save_as(lot, actor)
        for raw_lot, kg in raw_inputs:
            raw_lot_draw(
                actor=actor, raw_lot=raw_lot, kg=kg, kind=RawLotMovement.Kind.USED, production_lot=lot, day=produced_on
            )
        for pantry_lot, kg in pantry_inputs:
            PantryLot.objects.select_for_update().get(pk=pantry_lot.pk)
            left = pantry_lots_with_balance().get(pk=pantry_lot.pk).kg_left
            if kg > left:
                raise ValidationError(
                    {
                        "pantry_inputs": _("Le lot d'épicerie %(lot)s ne contient plus que %(left)s kg.")
                        % {"lot": pantry_lot, "left": left}
                    }
                )
            PantryUse.objects.create(lot=lot, pantry_lot=pantry_lot, kg=kg)
        for reading in treatments:
            schedule = snapshot["formats"].get(str(reading.jar_format.pk))
            save_as(treatment_record(lot=lot, schedule=schedule, reading=reading, actor=actor), actor)
        for jar_format, jars in outputs.items():
            empties_fill(actor=actor, location=location, jar_format=jar_format, quantity=jars, lot=lot, day=produced_on)
            movement_write(
                actor=actor,
                location=location,
                lot=lot,
                jar_format=jar_format,
                quantity=jars,
                kind=MovementKind.PRODUCED,
                day=produced_on,
            )
        return lot


def lot_release(*, actor, lot: ProductionLot, reason: str = "") -> ProductionLot:
    """A person trained in HACCP releases a lot; a non-conforming or blocked lot needs a recorded corrective action.

    When none is recorded yet, the `reason` written at release is recorded as one (« autre action »). A lot whose
    jars were destroyed or cooked the same day is not released.
    """
    require_trained(actor, lot.territory, "lot.release")
    reason = (reason or "").strip()
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().get(pk=lot.pk)
        if lot.status in (LotStatus.RELEASED, LotStatus.RECALLED):
            raise ValidationError(
                _("Le lot %(lot)s est « %(s)s » : il ne peut pas être libéré.")
                % {"lot": lot.code, "s": lot.get_status_display()}
            )
        short = lethality_blocks(lot)
        if short:
            raise ValidationError(
                {
                    "reason": _(
                        "Le traitement thermique n'a pas atteint sa valeur stérilisatrice : le lot ne peut pas être "
                        "libéré. %(why)s. Refaites le traitement et enregistrez sa courbe à cœur."
                    )
                    % {"why": "; ".join(short)}
                }
            )
        missing = missing_records(lot)
        if missing:
            raise ValidationError(
                {
                    "reason": _(
                        "Dossier HACCP incomplet, le lot ne peut pas être libéré (points critiques du plan HACCP). "
                        "Manque ou hors limite : %(m)s."
                    )
                    % {"m": "; ".join(str(m) for m in missing)}
                }
            )
        if lot.status in (LotStatus.NON_CONFORMING, LotStatus.BLOCKED):
            # Only an action recorded since the lot was last released answers its present non-conformity.
            released = lot.history.filter(status=LotStatus.RELEASED).order_by("-history_date").first()
            actions = lot.corrective_actions.order_by("-done_at", "-id")
            if released is not None:
                actions = actions.filter(recorded_at__gt=released.history_date)
            last = actions.first()
            if last is None and not reason:
                raise ValidationError({"reason": _("Décrivez l'action corrective avant de libérer ce lot.")})
            if last is not None and last.action in (CorrectiveActionKind.DISCARD, CorrectiveActionKind.INTERNAL):
                raise ValidationError(
                    {
                        "reason": _("Action corrective « %(a)s » : ce lot ne peut pas être libéré.")
                        % {"a": last.get_action_display()}
                    }
                )
            if last is None:
                save_as(
                    CorrectiveAction(
                        lot=lot,
                        action=CorrectiveActionKind.OTHER,
                        note=reason[:250],
                        done_by=actor,
                        done_at=timezone.now(),
                    ),
                    actor,
                )
            elif not reason:
                reason = f"{last.get_action_display()}. {last.note}".strip()[:250]
        lot.status = LotStatus.RELEASED
        lot.status_reason = reason
        return save_as(lot, actor)


def lot_seal_check(
    *, actor, lot: ProductionLot, jars_checked: int, jars_failed: int, note: str = "", at: datetime | None = None
) -> SealCheck:
    """The seal check the day after production: a failed lid makes the lot non-conforming (corrective action)."""
    require_role(actor, lot.territory)
    note = (note or "").strip()
    errors = {}
    if jars_checked is None or jars_checked < 1:
        errors["jars_checked"] = _("Indiquez le nombre de bocaux contrôlés (au moins un).")
    if jars_failed is None or jars_failed < 0:
        errors["jars_failed"] = _("Le nombre de bocaux mal fermés ne peut pas être négatif.")
    elif jars_checked is not None and jars_failed > jars_checked:
        errors["jars_failed"] = _("Plus de bocaux mal fermés que de bocaux contrôlés.")
    if len(note) > 250:
        errors["note"] = _("La remarque tient en 250 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().get(pk=lot.pk)
        if lot.status == LotStatus.RECALLED:
            raise ValidationError({"jars_checked": _("Ce lot est rappelé : plus de contrôle à enregistrer.")})
        check = SealCheck(
            lot=lot,
            jars_checked=jars_checked,
            jars_failed=jars_failed,
            note=note,
            checked_by=actor,
            checked_at=at or timezone.now(),
        )
        if check.checked_at.date() < lot.produced_on:
            raise ValidationError({"jars_checked": _("Le contrôle des fermetures suit la production, pas l'inverse.")})
        save_as(check, actor)
        if jars_failed and lot.status in (LotStatus.OPEN, LotStatus.RELEASED, LotStatus.NON_CONFORMING):
            lot.status = LotStatus.NON_CONFORMING
            lot.status_reason = append_status_reason(
                lot, _("%(n)s bocal(aux) mal fermé(s) au contrôle des fermetures") % {"n": jars_failed}
            )
            save_as(lot, actor)
        return check


def lot_correct(
    *, actor, lot: ProductionLot, action: str, note: str = "", at: datetime | None = None
) -> CorrectiveAction:
    """A corrective action on a non-conforming (or blocked) lot. Destroying the jars writes the discards."""
    require_role(actor, lot.territory)
    note = (note or "").strip()
    errors = {}
    if action not in CorrectiveActionKind.values:
        errors["action"] = _("Choisissez une action corrective.")
    elif action == CorrectiveActionKind.OTHER and not note:
        errors["note"] = _("Décrivez l'action menée.")
    if len(note) > 250:
        errors["note"] = _("Les précisions tiennent en 250 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().get(pk=lot.pk)
        if lot.status not in (LotStatus.NON_CONFORMING, LotStatus.BLOCKED):
            raise ValidationError({"action": _("Seul un lot non conforme ou bloqué appelle une action corrective.")})
        corrective = CorrectiveAction(lot=lot, action=action, note=note, done_by=actor, done_at=at or timezone.now())
        save_as(corrective, actor)
        if action == CorrectiveActionKind.DISCARD:
            _take_all(actor, lot, corrective, MovementKind.DISCARDED)
        elif action == CorrectiveActionKind.INTERNAL:
            _take_all(actor, lot, corrective, MovementKind.INTERNAL)
        return corrective


def _take_all(actor, lot: ProductionLot, corrective: CorrectiveAction, kind: str) -> None:
    """Empty every shelf of the lot: destroyed, or cooked in the centres' own meals the same day.

    Internal cooking of a non-conforming lot is the corrective action itself, so it does not wait for a release
    (the usual rule for internal use); the ledger still says where each jar went.
    """
    rows = list(StockMovement.objects.filter(lot=lot).stock_by_location_and_lot())
    locations = Location.objects.in_bulk([r["location_id"] for r in rows])
    formats = JarFormat.objects.in_bulk([r["jar_format_id"] for r in rows])
    reason = (_("Action corrective : %(a)s") % {"a": corrective.get_action_display()} + f" {corrective.note}")[:250]
    lock_locations(*locations.values())
    for row in rows:
        if row["jars"] > 0:
            movement_write(
                actor=actor,
                location=locations[row["location_id"]],
                lot=lot,
                jar_format=formats[row["jar_format_id"]],
                quantity=-row["jars"],
                kind=kind,
                reason=reason.strip(),
                day=timezone.localdate(corrective.done_at),
            )


def lot_block(*, actor, lot: ProductionLot, reason: str) -> ProductionLot:
    require_role(actor, lot.territory)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi le lot est bloqué.")})
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().get(pk=lot.pk)
        if lot.status == LotStatus.RECALLED:
            raise ValidationError(_("Ce lot est déjà rappelé."))
        lot.status = LotStatus.BLOCKED
        lot.status_reason = reason
        return save_as(lot, actor)


RECALL_REASON_MAX = Recall._meta.get_field("reason").max_length
RECALL_PUBLIC_MAX = Recall._meta.get_field("public_reason").max_length
RECALL_CONTACT_MAX = Recall._meta.get_field("contact").max_length
RECALL_MEASURES_MAX = 2000


def may_decide_recall(user, territory) -> bool:
    """A recall is decided by the coordination or by a person trained in HACCP (the one who may release a lot may
    take it back): docs/safety-en.md, « Recall »."""
    return may(user, territory, "lot.recall") or may_sign(user, territory, "lot.release")


def require_recall_decider(user, territory) -> None:
    if not may(user, territory, "lot.recall"):
        require_trained(user, territory, "lot.release")


def _recall_errors(reason, public_reason, measures, contact, scope, hazard) -> dict:
    errors = {}
    if not reason:
        errors["reason"] = _("Indiquez le motif du rappel.")
    elif len(reason) > RECALL_REASON_MAX:
        errors["reason"] = _("Le motif tient en %(n)s caractères au plus.") % {"n": RECALL_REASON_MAX}
    if len(public_reason) > RECALL_PUBLIC_MAX:
        errors["public_reason"] = _("Le motif affiché au public tient en %(n)s caractères au plus.") % {
            "n": RECALL_PUBLIC_MAX
        }
    if len(measures) > RECALL_MEASURES_MAX:
        errors["measures"] = _("Les mesures prises tiennent en %(n)s caractères au plus.") % {"n": RECALL_MEASURES_MAX}
    if len(contact) > RECALL_CONTACT_MAX:
        errors["contact"] = _("Le contact tient en %(n)s caractères au plus.") % {"n": RECALL_CONTACT_MAX}
    if scope not in RecallScope.values:
        errors["scope"] = _("Choisissez : retrait ou rappel auprès des consommateurs.")
    if hazard not in Hazard.values:
        errors["hazard"] = _("Choisissez la nature du danger.")
    return errors


def lot_recall(
    *,
    actor,
    lot: ProductionLot,
    reason: str,
    include_sharing_raw_lots: bool = False,
    at: datetime | None = None,
    scope: str = RecallScope.RECALL,
    hazard: str = Hazard.OTHER,
    public_reason: str = "",
    measures: str = "",
    contact: str = "",
) -> Recall:
    """The coordination or a person trained in HACCP recalls a lot (and, optionally, every lot made with one of its
    raw lots).

    Each lot becomes « recalled » for good: its jars can no longer be given, sold or used (docs/architecture.md
    §4.4). The Recall keeps who decided, when, why, its scope and hazard, what the public is told, the measures and
    the contact (what the notification to the DDPP and the RappelConso declaration need, Regulation (EC) 178/2002
    art. 19), and the list of lots; each lot's history row says the same.
    """
    require_recall_decider(actor, lot.territory)
    reason = (reason or "").strip()
    public_reason = (public_reason or "").strip()
    measures = (measures or "").strip()
    contact = (contact or "").strip()
    errors = _recall_errors(reason, public_reason, measures, contact, scope, hazard)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().select_related("territory").get(pk=lot.pk)
        if lot.status == LotStatus.RECALLED:
            raise ValidationError({"lot": _("Le lot %(lot)s est déjà rappelé.") % {"lot": lot.code}})
        lots = [lot]
        if include_sharing_raw_lots:
            shared_ids = list(lots_sharing_raw_lots(lot).values_list("pk", flat=True))
            lots += list(
                ProductionLot.objects.select_for_update()
                .filter(pk__in=shared_ids)
                .exclude(status=LotStatus.RECALLED)
                .order_by("pk")
            )
        for each in lots:
            each.status = LotStatus.RECALLED
            if each.pk == lot.pk:
                text = _("Rappel : %(reason)s") % {"reason": reason}
            else:
                text = _("Rappel avec le lot %(code)s : %(reason)s") % {"code": lot.code, "reason": reason}
            each.status_reason = text[: ProductionLot._meta.get_field("status_reason").max_length]
            save_as(each, actor)
        recall = Recall(
            territory=lot.territory,
            lot=lot,
            reason=reason,
            scope=scope,
            hazard=hazard,
            public_reason=public_reason,
            measures=measures,
            contact=contact,
            include_shared=include_sharing_raw_lots,
            recalled_by=actor,
            recalled_at=at or timezone.now(),
        )
        save_as(recall, actor)
        recall.lots.set(lots)
        return recall


def recall_withdraw(*, actor, recall: Recall, lot: ProductionLot, jar_format, location, quantity: int, day=None):
    """Jars of a recalled lot taken off a shelf: a discard movement whose reason names the recall."""
    require_role(actor, recall.territory)
    if not recall.lots.filter(pk=lot.pk).exists():
        raise ValidationError({"lot": _("Le lot %(lot)s ne fait pas partie de ce rappel.") % {"lot": lot.code}})
    reason = _("Rappel du lot %(code)s : %(reason)s") % {"code": recall.lot.code, "reason": recall.reason}
    return jars_discard(
        actor=actor,
        lot=lot,
        jar_format=jar_format,
        location=location,
        quantity=quantity,
        reason=reason[:250],
        day=day,
    )
