"""The replication kit: a new territory started from a template territory (issue #8, item 4).

What is copied is the know-how, never the people nor the records: jar formats, the recipe range with its
heat-treatment schedules (copied unvalidated: a person trained in HACCP of the new territory validates them
again before the first production), the pantry items the recipes name, the price list, the impact dimensions
with their indicators (targets and weights, no values) and the survey questionnaires (as drafts, no answers).
The structures, sites and vehicle are the new territory's own, typed in the kit's screens; its producers come
from a CSV import; its first season's calendar is proposed from the simulator's rhythm.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.scoping import territory_scope
from conserverie.distribution.models import PriceListEntry
from conserverie.distribution.services import price_set
from conserverie.recipes.models import PantryItem, Recipe
from conserverie.recipes.services import FormatSpec, recipe_create
from conserverie.replication.impact import copy_impact, copy_surveys
from conserverie.territories.models import JarFormat, Location, Membership, Role, Site, Structure, Territory, Vehicle
from conserverie.territories.permissions import require

# What a coordinator may choose to copy; the jar formats come with the recipes and the prices (they name them).
COPY_CHOICES = ("recipes", "prices", "impact", "surveys")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
CODE_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class StructureSpec:
    name: str
    kind: str = Structure.Kind.SOCIAL_CENTRE
    city: str = ""
    address: str = ""
    priority_area: bool = False


@dataclass(frozen=True)
class SiteSpec:
    name: str
    kind: str
    city: str
    structure: str = ""  # the name of one of the new territory's structures, or empty
    address: str = ""
    priority_area: bool = False
    lat: Decimal | None = None
    lon: Decimal | None = None


@dataclass(frozen=True)
class NewTerritory:
    name: str
    slug: str
    code: str
    hub_lat: Decimal
    hub_lon: Decimal
    radius_km: int = 30
    school_zone: str | None = None  # None: the template's zone (a neighbouring territory is mostly in the same)
    organisation: str = ""
    address: str = ""
    structures: tuple[StructureSpec, ...] = ()
    sites: tuple[SiteSpec, ...] = ()
    vehicle_name: str = ""
    vehicle_capacity_kg: int = 600
    copy: tuple[str, ...] = field(default=COPY_CHOICES)


def _errors(spec: NewTerritory) -> dict:
    errors = {}
    if not spec.name.strip():
        errors["name"] = _("Donnez un nom au territoire.")
    if spec.school_zone not in (None, "", "A", "B", "C"):
        errors["school_zone"] = _("La zone de vacances scolaires est A, B ou C.")
    if not SLUG_RE.match(spec.slug or ""):
        errors["slug"] = _("L'identifiant ne contient que des minuscules, des chiffres et des tirets.")
    elif Territory.objects.filter(slug=spec.slug).exists():
        errors["slug"] = _("Cet identifiant est déjà pris par un autre territoire.")
    if not CODE_RE.match(spec.code or ""):
        errors["code"] = _("Le code court est fait de trois lettres majuscules (ex. : CRE).")
    elif Territory.objects.filter(code=spec.code).exists():
        errors["code"] = _("Ce code court est déjà pris par un autre territoire.")
    if spec.hub_lat is None or not Decimal("-90") <= spec.hub_lat <= Decimal("90"):
        errors["hub_lat"] = _("La latitude est comprise entre -90 et 90.")
    if spec.hub_lon is None or not Decimal("-180") <= spec.hub_lon <= Decimal("180"):
        errors["hub_lon"] = _("La longitude est comprise entre -180 et 180.")
    if not 1 <= (spec.radius_km or 0) <= 100:
        errors["radius_km"] = _("Le rayon de collecte est compris entre 1 et 100 km.")
    names = [s.name.strip() for s in spec.structures]
    if not names or not all(names):
        errors["structures"] = _("Indiquez au moins une structure, chacune avec un nom.")
    elif len(set(names)) != len(names):
        errors["structures"] = _("Deux structures portent le même nom.")
    unknown = sorted({s.structure for s in spec.sites if s.structure and s.structure not in names})
    if unknown:
        errors["sites"] = _("Ces lieux citent une structure inconnue : %(names)s.") % {"names": ", ".join(unknown)}
    elif any(not (s.name.strip() and s.city.strip()) for s in spec.sites):
        errors["sites"] = _("Chaque lieu a un nom et une commune.")
    if not spec.vehicle_name.strip():
        errors["vehicle_name"] = _("Donnez un nom au camion.")
    if not 50 <= (spec.vehicle_capacity_kg or 0) <= 5000:
        errors["vehicle_capacity_kg"] = _("La charge utile est comprise entre 50 et 5 000 kg.")
    unknown_copy = set(spec.copy) - set(COPY_CHOICES)
    if unknown_copy:
        errors["copy"] = _("Éléments à copier inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown_copy))}
    return errors


def territory_create_from_template(*, actor, template: Territory, spec: NewTerritory, coordinator=None) -> Territory:
    """Create a territory from `template`: its own places, and a copy of the template's know-how.

    `coordinator` (by default the person who creates it) becomes the new territory's coordinator, and the copies
    are recorded in that person's name: they answer for re-validating them. All or nothing: a refused recipe
    leaves no territory. The copies read and write both territories: they run in the scope of the two
    (docs/architecture.md §8), whichever scope the caller was in.
    """
    require(actor, template, "territory.replicate")
    coordinator = coordinator or actor
    errors = _errors(spec)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        territory = Territory.objects.create(
            name=spec.name.strip(),
            slug=spec.slug,
            code=spec.code,
            organisation=spec.organisation.strip(),
            address=spec.address.strip(),
            hub_lat=spec.hub_lat,
            hub_lon=spec.hub_lon,
            radius_km=spec.radius_km,
            school_zone=template.school_zone if spec.school_zone is None else spec.school_zone,
            # The template's rule on the animators' second factor (territories/two_factor.py) carries over.
            require_2fa_for_animators=template.require_2fa_for_animators,
        )
        if not coordinator.is_superuser:
            Membership.objects.create(user=coordinator, territory=territory, role=Role.COORDINATOR)
            if hasattr(coordinator, "_roles_cache"):
                del coordinator._roles_cache  # role_in() caches the roles of the request's user
        with territory_scope([template, territory]):
            _create_places(territory, spec)
            jars = _copy_jar_formats(template, territory)
            if "recipes" in spec.copy:
                _copy_recipes(coordinator, template, territory, jars)
            if "prices" in spec.copy:
                _copy_prices(coordinator, template, territory, jars, with_recipes="recipes" in spec.copy)
            if "impact" in spec.copy:
                copy_impact(actor=coordinator, source=template, target=territory)
            if "surveys" in spec.copy:
                copy_surveys(actor=coordinator, source=template, target=territory)
        return territory


def _create_places(territory: Territory, spec: NewTerritory) -> None:
    structures = {}
    for s in spec.structures:
        structures[s.name.strip()] = Structure.objects.create(
            territory=territory,
            name=s.name.strip(),
            kind=s.kind,
            city=s.city.strip(),
            address=s.address.strip(),
            priority_area=s.priority_area,
        )
    for s in spec.sites:
        Site.objects.create(
            territory=territory,
            name=s.name.strip(),
            kind=s.kind,
            city=s.city.strip(),
            address=s.address.strip(),
            priority_area=s.priority_area,
            lat=s.lat,
            lon=s.lon,
            structure=structures.get(s.structure),
        )
    Vehicle.objects.create(territory=territory, name=spec.vehicle_name.strip(), capacity_kg=spec.vehicle_capacity_kg)
    Location.objects.create(territory=territory, name=spec.vehicle_name.strip()[:100], kind=Location.Kind.TRUCK)
    for structure in structures.values():
        Location.objects.create(
            territory=territory, name=structure.name[:100], kind=Location.Kind.STRUCTURE, structure=structure
        )


def _copy_jar_formats(template: Territory, territory: Territory) -> dict[int, JarFormat]:
    """The template's jar formats, by the template's primary key."""
    return {
        jar.pk: JarFormat.objects.create(
            territory=territory, name=jar.name, volume_ml=jar.volume_ml, deposit_eur=jar.deposit_eur, lid=jar.lid
        )
        for jar in JarFormat.objects.filter(territory=template)
    }


def _copy_recipes(actor, template: Territory, territory: Territory, jars: dict) -> None:
    pantry = {
        item.pk: PantryItem.objects.create(
            territory=territory,
            name=item.name,
            allergens=item.allergens,
            components=item.components,
            nutrition=item.nutrition,
            lot_tracked=item.lot_tracked,
        )
        for item in PantryItem.objects.filter(territory=template)
    }
    recipes = (
        Recipe.objects.filter(territory=template, is_active=True)
        .prefetch_related("ingredients__product", "formats")
        .order_by("code")
    )
    for recipe in recipes:
        recipe_create(
            actor=actor,
            territory=territory,
            code=recipe.code,
            name=recipe.name,
            ingredients=[
                (pantry[i.pantry_item_id] if i.pantry_item_id else i.product, i.kg_per_batch)
                for i in recipe.ingredients.all()
            ],
            formats=[
                FormatSpec(
                    jar_format=jars[f.jar_format_id],
                    jars_per_batch=f.jars_per_batch,
                    net_weight_g=f.net_weight_g,
                    treatment=f.treatment,
                    temperature_c=f.temperature_c,
                    minutes=f.minutes,
                    drained_weight_g=f.drained_weight_g,
                    target=f.target,
                )
                for f in recipe.formats.all()
            ],
            shelf_life_days=recipe.shelf_life_days,
            ph_limit=recipe.ph_limit,
            may_contain=recipe.may_contain,
            jam_kind=recipe.jam_kind,
            liquid_medium=recipe.liquid_medium,
            category=recipe.category,
            water_activity=recipe.water_activity,
            stability_at_55=recipe.stability_at_55,
            description=recipe.description,
            method=recipe.method,
            storage_advice=recipe.storage_advice,
            serving_ideas=recipe.serving_ideas,
        )


def _copy_prices(actor, template: Territory, territory: Territory, jars: dict, *, with_recipes: bool) -> None:
    for entry in PriceListEntry.objects.filter(territory=template):
        if entry.recipe_code and not with_recipes:
            continue  # a price of a recipe the new territory does not make
        price_set(
            actor=actor,
            territory=territory,
            jar_format=jars[entry.jar_format_id],
            price_eur=entry.price_eur,
            recipe_code=entry.recipe_code,
            social_price_eur=entry.social_price_eur,
        )
