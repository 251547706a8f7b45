"""From the kilos on hand to a production plan: how many batches, how many jars, which pantry items to bring.

Pure: no database access beyond the recipe's own ingredients and formats (prefetch them for a page).
Only whole batches are planned: a heat-treatment schedule is validated for a batch, not for a fraction of one.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

KG = Decimal("0.001")


@dataclass(frozen=True)
class Ingredient:
    key: object  # a product or a pantry item
    kg_per_batch: Decimal
    raw: bool


@dataclass(frozen=True)
class ScalePlan:
    batches: int
    raw_used: dict = field(default_factory=dict)  # key -> kg used
    raw_left: dict = field(default_factory=dict)  # key -> kg available but not used
    pantry: dict = field(default_factory=dict)  # key -> kg to bring
    jars: dict = field(default_factory=dict)  # format -> jars if every batch goes into that format
    limiting: object = None  # the raw ingredient that runs out first


def plan(ingredients: list[Ingredient], formats: list[tuple], available: dict) -> ScalePlan:
    """`formats` holds (format, jars per batch); `available` maps a raw ingredient's key to the kg on hand."""
    raw = [i for i in ingredients if i.raw and i.kg_per_batch > 0]
    if not raw:
        return ScalePlan(batches=0)
    possible = {}
    for ingredient in raw:
        kg = Decimal(available.get(ingredient.key) or 0)
        whole = (max(kg, Decimal(0)) / ingredient.kg_per_batch).to_integral_value(rounding=ROUND_FLOOR)
        possible[ingredient.key] = int(whole)
    batches = min(possible.values())
    limiting = min(raw, key=lambda i: possible[i.key]).key
    used = {i.key: (i.kg_per_batch * batches).quantize(KG) for i in raw}
    left = {i.key: (Decimal(available.get(i.key) or 0) - used[i.key]).quantize(KG) for i in raw}
    pantry = {i.key: (i.kg_per_batch * batches).quantize(KG) for i in ingredients if not i.raw}
    jars = {fmt: per_batch * batches for fmt, per_batch in formats}
    return ScalePlan(batches=batches, raw_used=used, raw_left=left, pantry=pantry, jars=jars, limiting=limiting)


def scale(recipe, available_kg_by_product: dict) -> ScalePlan:
    """The plan for `recipe` with `available_kg_by_product` (product or product id -> kg)."""
    by_id = {getattr(k, "pk", k): v for k, v in available_kg_by_product.items()}
    ingredients = [
        Ingredient(key=i.product or i.pantry_item, kg_per_batch=i.kg_per_batch, raw=i.product_id is not None)
        for i in recipe.ingredients.all()
    ]
    available = {i.key: by_id.get(i.key.pk, 0) for i in ingredients if i.raw}
    formats = [(f, f.jars_per_batch) for f in recipe.formats.all()]
    return plan(ingredients, formats, available)
