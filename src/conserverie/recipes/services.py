from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.recipes.haccp_plan import CCP_FIELDS, HAZARD_KINDS, default_plan, plan_errors
from conserverie.recipes.lethality import (
    ACID,
    ACID_PH_LIMIT,
    LOW_ACID,
    Target,
    category_for_ph,
    constant_lethality,
    default_target,
    fmt,
    target_errors,
)
from conserverie.recipes.models import (
    ALLERGEN_CODES,
    CcpKind,
    HaccpPlan,
    HeatTreatment,
    JamKind,
    PantryItem,
    PantryLot,
    Recipe,
    RecipeFormat,
    RecipeIngredient,
)
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require, require_role, require_same_territory, require_trained


@dataclass(frozen=True)
class FormatSpec:
    jar_format: object
    jars_per_batch: int
    net_weight_g: int
    treatment: str
    temperature_c: Decimal
    minutes: int
    drained_weight_g: int | None = None  # solids in a liquid medium (Regulation (EU) 1169/2011, Annex IX point 5)
    # The lethality to reach at the core; None: the category's default (`lethality.default_target`).
    target: Target | None = None


def spec_target(*, category: str, ph_limit: Decimal | None, spec: FormatSpec) -> Target:
    return spec.target or default_target(category, ph_limit)


def schedule_errors(*, ph_limit: Decimal | None, spec: FormatSpec, category: str | None = None) -> list[str]:
    """Why a heat-treatment schedule is unsafe; empty when it is acceptable.

    Besides the treatment's own rules, the schedule's hold (temperature × minutes, heating and cooling left out)
    must at least reach its lethality target: a schedule that cannot reach it even at the jar's wall cannot reach
    it at the core (a « stérilisation » of 101 °C for 1 minute gives F0 = 0.010 min).
    """
    category = category or category_for_ph(ph_limit)
    errors = []
    if spec.treatment == HeatTreatment.PASTEURISATION:
        if spec.temperature_c > 100:
            errors.append(_("Une pasteurisation se fait à 100 °C au plus."))
        if category != ACID or ph_limit is None or ph_limit > ACID_PH_LIMIT:
            errors.append(_("La pasteurisation n'est permise que pour un produit acide (pH ≤ 4,5)."))
    elif spec.treatment == HeatTreatment.STERILISATION:
        if spec.temperature_c <= 100:
            errors.append(_("Une stérilisation se fait au-dessus de 100 °C."))
    if spec.minutes is None or spec.minutes <= 0:
        errors.append(_("La durée de maintien doit être positive."))
        return errors
    target = spec_target(category=category, ph_limit=ph_limit, spec=spec)
    problems = target_errors(category, target)
    if problems:
        return errors + problems
    best = constant_lethality(celsius=spec.temperature_c, minutes=spec.minutes, target=target)
    if best < target.minimum_min:
        errors.append(
            _(
                "%(t)s °C pendant %(m)s min donnent au mieux F = %(f)s min (référence %(tref)s °C, z %(z)s °C), "
                "sous le minimum de %(min)s min : ce barème n'est pas sûr."
            )
            % {
                "t": fmt(spec.temperature_c, 1),
                "m": spec.minutes,
                "f": fmt(best),
                "tref": fmt(target.tref_c, 1),
                "z": fmt(target.z_c, 1),
                "min": fmt(target.minimum_min, 1),
            }
        )
    return errors


def category_errors(*, category: str, ph_limit: Decimal | None, water_activity: Decimal | None) -> dict:
    errors = {}
    if category not in (ACID, LOW_ACID):
        errors["category"] = _("Choisissez la catégorie : acide ou peu acide.")
    elif category == ACID and (ph_limit is None or ph_limit > ACID_PH_LIMIT):
        errors["ph_limit"] = _("Un produit acide a un pH maximal de 4,5 au plus, mesuré à chaque lot.")
    elif category == LOW_ACID and ph_limit is not None and ph_limit <= ACID_PH_LIMIT:
        errors["ph_limit"] = _(
            "Un pH maximal de 4,5 ou moins est celui d'un produit acide : changez la catégorie ou le pH."
        )
    if ph_limit is not None and not Decimal("0") <= ph_limit <= Decimal("14"):
        errors["ph_limit"] = _("Un pH est compris entre 0 et 14.")
    if water_activity is not None and not Decimal("0") <= water_activity <= Decimal("1"):
        errors["water_activity"] = _("L'activité de l'eau est comprise entre 0 et 1.")
    return errors


def derived_allergens(items) -> list[str]:
    """The Annex II allergens a recipe carries: every allergen of every ingredient (product or pantry item).

    Derived, never chosen: staff can add a "may contain" statement, never remove an ingredient's allergen."""
    return sorted({code for item in items for code in (item.allergens or []) if code in ALLERGEN_CODES})


def _label_errors(*, ingredients, formats, may_contain, jam_kind, liquid_medium) -> dict:
    errors = {}
    unknown = set(may_contain) - ALLERGEN_CODES
    if unknown:
        errors["may_contain"] = _("Allergènes inconnus : %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    if jam_kind and jam_kind not in JamKind.values:
        errors["jam_kind"] = _("Type de confiture inconnu : %(kind)s.") % {"kind": jam_kind}
    elif jam_kind and not any(
        getattr(item, "category", None) == "fruit" or getattr(item, "name", "") in JAM_FRUITS
        for item, _kg in ingredients
    ):
        errors["jam_kind"] = _("Une confiture, une gelée ou une marmelade est faite d'au moins un fruit.")
    for spec in formats:
        drained = spec.drained_weight_g
        if liquid_medium and not drained:
            errors["formats"] = _(
                "%(format)s : indiquez le poids net égoutté (solides dans un liquide de couverture)."
            ) % {"format": spec.jar_format}
        elif drained and not liquid_medium:
            errors["formats"] = _(
                "%(format)s : un poids égoutté n'a de sens que pour des solides dans un liquide de couverture."
            ) % {"format": spec.jar_format}
        elif drained and drained >= spec.net_weight_g:
            errors["formats"] = _("%(format)s : le poids égoutté est inférieur au poids net.") % {
                "format": spec.jar_format
            }
    return errors


# Vegetables that Directive 2001/113/EC (Annex I, and décret n° 85-872) treats as fruit in jams.
JAM_FRUITS = {
    "Tomate",
    "Rhubarbe",
    "Carotte",
    "Patate douce",
    "Concombre",
    "Potiron",
    "Citrouille",
    "Melon",
    "Pastèque",
}


def recipe_create(
    *,
    actor,
    territory: Territory,
    code: str,
    name: str,
    ingredients: list[tuple],
    formats: list[FormatSpec],
    shelf_life_days: int = 365,
    ph_limit: Decimal | None = None,
    may_contain: list[str] | None = None,
    jam_kind: str = "",
    liquid_medium: bool = False,
    category: str | None = None,
    water_activity: Decimal | None = None,
    stability_at_55: bool = False,
    description: str = "",
    method: str = "",
    storage_advice: str | None = None,
    serving_ideas: str = "",
) -> Recipe:
    """Create a recipe, or its next version when `code` exists. `ingredients` holds (product or pantry item, kg).

    Its allergens are derived from the ingredients; `may_contain` only adds cross-contact statements.
    `category` acid or low-acid (None: from the pH limit, acid at 4.5 or less); each format's schedule carries
    its lethality target, checked against the category (docs/safety-en.md).
    """
    require(actor, territory, "recipe.manage")
    # Pantry items and jar formats belong to a territory (products are shared by all).
    require_same_territory(
        territory,
        *[item for item, _kg in ingredients if isinstance(item, PantryItem)],
        *[s.jar_format for s in formats],
    )
    code = code.strip().upper()
    may_contain = list(may_contain or [])
    errors = _label_errors(
        ingredients=ingredients,
        formats=formats,
        may_contain=may_contain,
        jam_kind=jam_kind,
        liquid_medium=liquid_medium,
    )
    allergens = derived_allergens(item for item, _kg in ingredients)
    category = category or category_for_ph(ph_limit)
    errors.update(category_errors(category=category, ph_limit=ph_limit, water_activity=water_activity))
    if not ingredients:
        errors["ingredients"] = _("Une recette a au moins un ingrédient.")
    if any(kg is None or kg <= 0 for _item, kg in ingredients):
        errors["ingredients"] = _("Chaque ingrédient a une quantité supérieure à zéro.")
    if not formats:
        errors["formats"] = _("Indiquez au moins un format de bocal avec son barème.")
    for spec in formats:
        if "category" in errors or "ph_limit" in errors:
            break
        problems = schedule_errors(ph_limit=ph_limit, spec=spec, category=category)
        if problems:
            errors["formats"] = f"{spec.jar_format} : " + " ".join(problems)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = Recipe.objects.filter(territory=territory, code=code).order_by("-version").first()
        recipe = Recipe(
            territory=territory,
            code=code,
            version=(last.version + 1) if last else 1,
            name=name,
            description=description,
            method=method,
            serving_ideas=serving_ideas.strip(),
            ph_limit=ph_limit,
            category=category,
            water_activity=water_activity,
            stability_at_55=stability_at_55,
            shelf_life_days=shelf_life_days,
            allergens=allergens,
            # A derived allergen is already declared: "may contain" only adds the others.
            may_contain=sorted(set(may_contain) - set(allergens)),
            jam_kind=jam_kind or "",
            liquid_medium=liquid_medium,
        )
        if storage_advice:
            recipe.storage_advice = storage_advice
        save_as(recipe, actor)
        if last is not None:
            last.is_active = False
            save_as(last, actor)
        for item, kg in ingredients:
            is_pantry = isinstance(item, PantryItem)
            RecipeIngredient.objects.create(
                recipe=recipe,
                product=None if is_pantry else item,
                pantry_item=item if is_pantry else None,
                kg_per_batch=kg,
            )
        for spec in formats:
            target = spec_target(category=category, ph_limit=ph_limit, spec=spec)
            RecipeFormat.objects.create(
                recipe=recipe,
                jar_format=spec.jar_format,
                jars_per_batch=spec.jars_per_batch,
                net_weight_g=spec.net_weight_g,
                drained_weight_g=spec.drained_weight_g,
                treatment=spec.treatment,
                temperature_c=spec.temperature_c,
                minutes=spec.minutes,
                target_tref_c=target.tref_c,
                target_z_c=target.z_c,
                target_minimum_min=target.minimum_min,
            )
        # Every version carries its HACCP plan, to review and sign again (Regulation (EC) 852/2004, art. 5 §3).
        previous = HaccpPlan.objects.filter(recipe=last).select_related("recipe").first() if last else None
        save_as(HaccpPlan(recipe=recipe, **_carried_plan(recipe, previous)), actor)
        return recipe


def recipe_validate_schedule(*, actor, recipe: Recipe) -> Recipe:
    """A person trained in HACCP (any staff role with a valid training) signs the heat-treatment schedule off."""
    require_trained(actor, recipe.territory, "recipe.validate_schedule")
    with transaction.atomic():
        recipe = Recipe.objects.select_for_update().get(pk=recipe.pk)
        # A schedule is signed only if it is safe by today's rules (a recipe made before them may not be).
        for f in recipe.formats.select_related("jar_format"):
            spec = FormatSpec(
                f.jar_format,
                f.jars_per_batch,
                f.net_weight_g,
                f.treatment,
                f.temperature_c,
                f.minutes,
                f.drained_weight_g,
                f.target,
            )
            problems = schedule_errors(ph_limit=recipe.ph_limit, spec=spec, category=recipe.category)
            if problems:
                raise ValidationError({"formats": f"{f.jar_format} : " + " ".join(problems)})
        recipe.validated_by = actor
        recipe.validated_at = timezone.now()
        return save_as(recipe, actor)


def pantry_lot_receive(
    *,
    actor,
    territory: Territory,
    item: PantryItem,
    supplier: str,
    supplier_lot: str,
    kg: Decimal,
    received_on: date,
    best_before: date | None = None,
) -> PantryLot:
    require_role(actor, territory)
    require_same_territory(territory, item)
    if kg is None or kg <= 0:
        raise ValidationError({"kg": _("La quantité doit être supérieure à zéro.")})
    if not supplier_lot.strip():
        raise ValidationError({"supplier_lot": _("Le numéro de lot du fournisseur est obligatoire (traçabilité).")})
    with transaction.atomic():
        lot = PantryLot(
            territory=territory,
            item=item,
            supplier=supplier,
            supplier_lot=supplier_lot.strip(),
            kg=kg,
            received_on=received_on,
            best_before=best_before,
        )
        lot.full_clean()
        lot.save()
        return lot


# --- HACCP plan of a recipe version (Regulation (EC) 852/2004, art. 5; docs/safety-en.md) ----------------------


def haccp_plan_for(recipe: Recipe) -> HaccpPlan:
    """The recipe's plan, or its default (not saved) when none was written yet."""
    try:
        return recipe.haccp_plan
    except HaccpPlan.DoesNotExist:
        return HaccpPlan(recipe=recipe, **default_plan(recipe))


def _carried_plan(recipe: Recipe, previous: HaccpPlan | None) -> dict:
    """A new version's plan: the previous version's text where it still applies, to review again.

    The critical control points follow the new version (category and schedules); the texts the trained person
    wrote for a point that remains are kept, its critical limit is that of the new schedules; the allergens are
    those of the new ingredients."""
    fresh = default_plan(recipe)
    if previous is None or previous.recipe.category != recipe.category:
        return fresh
    written = {c.get("kind"): c for c in previous.ccps}
    ccps = []
    for ccp in fresh["ccps"]:
        old = written.get(ccp["kind"])
        ccps.append({**old, "critical_limit": ccp["critical_limit"]} if old else ccp)
    return {
        "hazards": {**previous.hazards, "allergens": fresh["hazards"]["allergens"]},
        "ccps": ccps,
        "verification": previous.verification,
        "records": previous.records,
    }


def haccp_plan_save(
    *, actor, recipe: Recipe, hazards: dict, ccps: list[dict], verification: str, records: str
) -> HaccpPlan:
    """The trained person writes the plan. A validated plan is never edited: make a new version of the recipe.

    `ccps` give the texts of the plan's critical control points, in their order; the points themselves follow
    the recipe (its category and its schedules) and cannot be dropped."""
    require_trained(actor, recipe.territory, "recipe.validate_haccp")
    with transaction.atomic():
        recipe = Recipe.objects.select_for_update().get(pk=recipe.pk)
        plan = haccp_plan_for(recipe)
        if plan.validated_at is not None:
            raise ValidationError(
                _(
                    "Ce plan HACCP est validé : il ne se modifie plus. Créez une nouvelle version de la recette, "
                    "elle portera un plan à relire."
                )
            )
        kinds = [c.get("kind") for c in plan.ccps]
        if [c.get("kind") for c in ccps] != kinds:
            raise ValidationError({"ccps": _("Les points critiques suivent la recette : ils ne se retirent pas.")})
        hazards = {k: (hazards.get(k) or "").strip() for k in HAZARD_KINDS}
        ccps = [{"kind": c["kind"], **{f: (c.get(f) or "").strip() for f in CCP_FIELDS}} for c in ccps]
        verification, records = (verification or "").strip(), (records or "").strip()
        errors = plan_errors(hazards, ccps, verification, records)
        if errors:
            raise ValidationError(errors)
        plan.hazards, plan.ccps, plan.verification, plan.records = hazards, ccps, verification, records
        return save_as(plan, actor)


def haccp_plan_validate(*, actor, recipe: Recipe) -> HaccpPlan:
    """A person with a valid HACCP training signs the recipe's plan (the default one when none was written)."""
    require_trained(actor, recipe.territory, "recipe.validate_haccp")
    with transaction.atomic():
        recipe = Recipe.objects.select_for_update().get(pk=recipe.pk)
        plan = haccp_plan_for(recipe)
        if plan.validated_at is not None:
            raise ValidationError(_("Ce plan HACCP est déjà validé."))
        if not recipe.is_active:
            raise ValidationError(_("Cette version de la recette n'est plus active : validez le plan de la dernière."))
        errors = plan_errors(plan.hazards, plan.ccps, plan.verification, plan.records)
        needed = {c["kind"] for c in default_plan(recipe)["ccps"]} - plan.ccp_kinds
        if needed:
            errors["ccps"] = _("Il manque des points critiques : %(kinds)s.") % {
                "kinds": ", ".join(str(CcpKind(k).label) for k in sorted(needed))
            }
        if errors:
            raise ValidationError(errors)
        plan.validated_by = actor
        plan.validated_at = timezone.now()
        return save_as(plan, actor)
