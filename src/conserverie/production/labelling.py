"""The label of a production lot, computed once from the lot and read by every output.

The PDF sheets (production/labels.py), the public lot page and `conserverie label-data` all print this model, so
they never disagree. It is computed from the recipe version frozen with the lot (`recipe_snapshot`), the kilos
actually weighed into the lot (raw lots drawn, pantry lots used; the recipe's quantity for what is not weighed,
such as tap water), and the jars filled (the ledger). The rules it follows are cited in docs/labels-en.md:

- ingredients by decreasing weight at the time of use (Regulation (EU) 1169/2011, art. 18 and Annex VII part A),
  water included; equal weights keep the recipe's order;
- allergens of Annex II emphasised inside the list (art. 21), no separate repeat; "may contain" only for
  cross-contact;
- the quantity of the ingredients named in the name of the food (art. 22, Annex VIII), at the time of use, or
  related to the finished product when cooking lost moisture (Annex VIII point 4);
- jams, jellies and marmalades: fruit and total sugar contents (Directive 2001/113/EC art. 2, décret n° 85-872);
- net quantity and drained net weight (art. 23, Annex IX), date of minimum durability (Annex X), storage, the
  operator's name and address (art. 8 and 9), the lot;
- nutrition declaration (art. 30, Annex XIV and XV) when every ingredient's values are known, otherwise the
  territory's recorded exemption (Annex V);
- "bio" only for an operator whose organic certification is recorded (Regulation (EU) 2018/848, art. 30, 32).

Label text is French: the language of the consumers where the jars are sold (art. 15).
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import translation

from conserverie.production.models import LabellingProfile, PantryUse, ProductionLot
from conserverie.recipes.models import ALLERGEN_LABELS
from conserverie.sourcing.models import RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement

HUNDRED = Decimal(100)

# French words that name an allergen inside an ingredient's name or a compound's list (Annex II), to embolden.
ALLERGEN_WORDS = {
    "gluten": ("blé", "farine", "orge", "seigle", "avoine", "épeautre", "kamut", "gluten"),
    "crustaceans": ("crevette", "crabe", "homard", "langoustine", "crustacé"),
    "eggs": ("œuf", "oeuf"),
    "fish": ("poisson", "anchois", "thon", "sardine"),
    "peanuts": ("arachide", "cacahuète"),
    "soy": ("soja",),
    "milk": ("lait", "beurre", "crème", "fromage"),
    "nuts": ("noix", "noisette", "amande", "pistache", "cajou", "pécan"),
    "celery": ("céleri",),
    "mustard": ("moutarde",),
    "sesame": ("sésame",),
    "sulphites": ("sulfite", "disulfite", "métabisulfite", "anhydride sulfureux"),
    "lupin": ("lupin",),
    "molluscs": ("moule", "huître", "calamar", "mollusque"),
}
# The allergen's name added after an ingredient whose name does not say it: "Raisins secs (sulfites)".
ALLERGEN_SHORT = {
    "gluten": "gluten",
    "crustaceans": "crustacés",
    "eggs": "œuf",
    "fish": "poisson",
    "peanuts": "arachide",
    "soy": "soja",
    "milk": "lait",
    "nuts": "fruits à coque",
    "celery": "céleri",
    "mustard": "moutarde",
    "sesame": "sésame",
    "sulphites": "sulfites",
    "lupin": "lupin",
    "molluscs": "mollusques",
}
# Ingredients that stand for less than this share may follow in any order (Annex VII, part A, point 1 of art. 18).
MINOR_SHARE = Decimal(2)
# Annex XV order; values in g per 100 g of the ingredient.
NUTRIENTS = ("fat", "saturates", "carbohydrate", "sugars", "protein", "salt")
ORGANIC_WORD = re.compile(r"\s*\b(?:bio|biologiques?|issue? de l'agriculture biologique)\b", re.IGNORECASE)
# Words of an ingredient's name that do not make it "named in the name of the food".
NOT_NAMING = {"graines", "jus", "huile", "vierge", "extra", "bio", "biologique", "gris", "rave", "eau", "sel"}


@dataclass(frozen=True)
class Operator:
    name: str
    address: str


def food_business_operator(territory) -> Operator:
    """The food business operator under whose name the jars are sold (art. 8): the territory's legal entity.

    The only place that decides it: the territory's organisation (or name) and address for now."""
    return Operator(
        name=(territory.organisation or territory.name or "").strip(), address=(territory.address or "").strip()
    )


@dataclass(frozen=True)
class LabelIngredient:
    name: str  # as printed ("bio" removed unless the operator is certified)
    kg: Decimal  # at the time of use, in the lot
    share: Decimal  # % of the weight of all ingredients at the time of use, one decimal
    percent: Decimal | None  # the printed quantity (art. 22), or None
    per_100g: bool  # printed as "X g pour 100 g" (Annex VIII point 4: more than 100 % after moisture loss)
    allergens: tuple  # Annex II codes
    organic: bool
    components: str  # a compound ingredient's own list, "" otherwise

    @property
    def allergen(self) -> bool:
        return bool(self.allergens)


@dataclass(frozen=True)
class LabelFormat:
    jar_format_id: int
    name: str
    net_g: int
    drained_g: int | None
    deposit_eur: Decimal
    jars: int


@dataclass
class LotLabel:
    lot: str
    name: str
    ingredients: list
    allergens: list  # codes, in Annex II order
    may_contain: list  # codes
    formats: list
    fruit_g_per_100g: int | None
    sugar_g_per_100g: int | None
    ddm: date
    produced_on: date
    storage: str
    operator: Operator
    nutrition: dict | None
    nutrition_exemption: str | None
    organic_code: str | None  # the certifier's code, printed when an organic word is kept
    organic_share: Decimal | None  # % of the agricultural ingredients that are organic
    missing: list = field(default_factory=list)  # mandatory particulars that cannot be printed, in French

    def format(self, jar_format_id=None) -> LabelFormat | None:
        if jar_format_id is None:
            return self.formats[0] if self.formats else None
        return next((f for f in self.formats if f.jar_format_id == jar_format_id), None)

    def as_json(self, jar_format_id=None) -> dict:
        """The schema of `conserverie label-data --json` (issue #15), for one jar format (the smallest by default)."""
        fmt = self.format(jar_format_id)
        with translation.override("fr"):
            names = {code: str(label) for code, label in ALLERGEN_LABELS.items()}
        return {
            "lot": self.lot,
            "name": self.name,
            "ingredients": [
                {
                    "name": i.name,
                    "percent": None if i.percent is None else float(i.percent),
                    "share": float(i.share),
                    "allergen": i.allergen,
                    "organic": i.organic,
                }
                for i in self.ingredients
            ],
            "allergens": [names[c] for c in self.allergens],
            "may_contain": [names[c] for c in self.may_contain],
            "net_g": fmt.net_g if fmt else None,
            "drained_g": fmt.drained_g if fmt else None,
            "fruit_g_per_100g": self.fruit_g_per_100g,
            "sugar_g_per_100g": self.sugar_g_per_100g,
            "ddm": self.ddm.isoformat(),
            "storage": self.storage,
            "operator": {"name": self.operator.name, "address": self.operator.address},
            "nutrition": self.nutrition,
            "nutrition_exemption": self.nutrition_exemption,
        }


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z]+", _fold(text)) if len(w) >= 3}


def named_in(food_name: str, ingredient_name: str) -> bool:
    """The ingredient appears in the name of the food ("Soupe de potiron au céleri" names Céleri-rave)."""
    name_words = _words(food_name)
    for word in _words(ingredient_name) - NOT_NAMING:
        if word in name_words or f"{word}s" in name_words or f"{word}x" in name_words or word.rstrip("s") in name_words:
            return True
    return False


def without_organic_word(text: str) -> str:
    return re.sub(r"\s{2,}", " ", ORGANIC_WORD.sub("", text)).strip(" ,")


def has_organic_word(text: str) -> bool:
    return bool(ORGANIC_WORD.search(text))


def is_agricultural(name: str) -> bool:
    """Water and salt are not agricultural ingredients (Regulation (EU) 2018/848, art. 30(5))."""
    first = _fold(name).split(" ", 1)[0]
    return first not in {"eau", "sel"}


def _percent(value: Decimal) -> Decimal:
    """A printed percentage: whole numbers from 10, one decimal below (never 0 for a present ingredient)."""
    if value >= 10:
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), Decimal("0.1"))


# The key of `_weighed` that holds the fruit and vegetable kilos drawn (not an ingredient name).
RAW_TOTAL = object()


def _weighed(lot: ProductionLot) -> dict:
    """Kilos actually drawn into the lot, by ingredient name (raw products and pantry items; two queries), and
    under RAW_TOTAL the fruit and vegetables drawn."""
    weighed = {}
    for row in (
        RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED)
        .values("raw_lot__product__name")
        .annotate(kg=Sum("kg"))
        .order_by()
    ):
        weighed[row["raw_lot__product__name"]] = Decimal(row["kg"])
    weighed[RAW_TOTAL] = sum(weighed.values(), Decimal(0))
    for row in PantryUse.objects.filter(lot=lot).values("pantry_lot__item__name").annotate(kg=Sum("kg")).order_by():
        weighed[row["pantry_lot__item__name"]] = weighed.get(row["pantry_lot__item__name"], 0) + Decimal(row["kg"])
    return weighed


def _formats(lot: ProductionLot, snapshot: dict) -> list[LabelFormat]:
    rows = (
        StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED)
        .values("jar_format_id", "jar_format__name", "jar_format__deposit_eur")
        .annotate(jars=Sum("quantity"))
        .order_by("jar_format__volume_ml")
    )
    formats = []
    for row in rows:
        spec = snapshot.get("formats", {}).get(str(row["jar_format_id"]), {})
        formats.append(
            LabelFormat(
                jar_format_id=row["jar_format_id"],
                name=row["jar_format__name"],
                net_g=spec.get("net_weight_g") or 0,
                drained_g=spec.get("drained_weight_g"),
                deposit_eur=Decimal(row["jar_format__deposit_eur"]),
                jars=row["jars"],
            )
        )
    return formats


def _nutrition(ingredients: list[dict], yield_kg: Decimal) -> dict | None:
    """Per 100 g of the finished product; None when an ingredient's values are unknown. Energy from Annex XIV."""
    if yield_kg <= 0 or any(any(n not in (i["nutrition"] or {}) for n in NUTRIENTS) for i in ingredients):
        return None
    totals = {
        n: sum((i["kg"] * Decimal(str(i["nutrition"][n])) for i in ingredients), Decimal(0)) / yield_kg
        for n in NUTRIENTS
    }
    kj = totals["fat"] * 37 + totals["carbohydrate"] * 17 + totals["protein"] * 17
    kcal = totals["fat"] * 9 + totals["carbohydrate"] * 4 + totals["protein"] * 4
    values = {"energy_kj": int(kj.quantize(Decimal(1), rounding=ROUND_HALF_UP))}
    values["energy_kcal"] = int(kcal.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    values.update({f"{n}_g": float(totals[n].quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)) for n in NUTRIENTS})
    return values


def _profile(territory) -> LabellingProfile | None:
    return LabellingProfile.objects.filter(territory=territory).first()


def lot_label(lot: ProductionLot, *, profile: LabellingProfile | None = ...) -> LotLabel:
    """The label of `lot` (about five queries, whatever the number of ingredients)."""
    snapshot = lot.recipe_snapshot
    territory = lot.territory
    if profile is ...:
        profile = _profile(territory)
    certified = profile is not None and profile.organic_certified_on(lot.produced_on)
    batches = Decimal(lot.batches or 1)
    weighed = _weighed(lot)
    raw_total = weighed.pop(RAW_TOTAL)
    # What is not weighed (tap water, no supplier lot) follows the recipe's proportion to the fruit and vegetables
    # drawn, as the weighed pantry items do (production.services.pantry_errors); in batches for a lot without them.
    per_batch = sum((Decimal(i["kg_per_batch"]) for i in snapshot.get("ingredients", []) if i.get("raw")), Decimal(0))
    share = raw_total / per_batch if raw_total and per_batch else batches
    recipe_names = {i["name"] for i in snapshot.get("ingredients", [])}
    # Products drawn in place of an ingredient (recorded on the lot): their own allergens, and the ingredient they
    # replaced counts only for what was weighed of it.
    swaps = list(lot.substitutions or [])
    substitute_allergens = defaultdict(set)
    for swap in swaps:
        substitute_allergens[swap["substitute"]].update(swap.get("allergens", []))
    replaced = {swap["ingredient"] for swap in swaps}
    rows = []
    for i in snapshot.get("ingredients", []):
        kg = weighed.get(i["name"], Decimal(0) if i["name"] in replaced else Decimal(i["kg_per_batch"]) * share)
        rows.append({**i, "kg": Decimal(kg), "allergens": i.get("allergens", []), "nutrition": i.get("nutrition")})
    # Something weighed into the lot that the recipe did not list (a substitution) is an ingredient all the same.
    for name in sorted(set(weighed) - recipe_names):
        allergens = sorted(substitute_allergens.get(name, ()))
        rows.append({"name": name, "kg": weighed[name], "allergens": allergens, "nutrition": None, "components": ""})
    if not any(i.get("allergens") for i in snapshot.get("ingredients", [])) and snapshot.get("allergens"):
        # A lot recorded before ingredients carried their allergens: the recipe's list, on the ingredient naming it.
        for code in snapshot["allergens"]:
            for row in rows:
                if any(re.search(rf"\b{w}", row["name"], re.IGNORECASE) for w in ALLERGEN_WORDS.get(code, ())):
                    row["allergens"] = sorted({*row["allergens"], code})
    rows = [r for r in rows if r["kg"] > 0]
    # Decreasing weight at the time of use; sorted() is stable, so equal weights keep the recipe's order.
    rows.sort(key=lambda r: -r["kg"])
    total = sum((r["kg"] for r in rows), Decimal(0))

    formats = _formats(lot, snapshot)
    yield_kg = sum((Decimal(f.net_g * f.jars) for f in formats), Decimal(0)) / 1000
    if yield_kg <= 0:  # no jar in the ledger: the recipe's yield for the lot's batches
        first = next(iter(snapshot.get("formats", {}).values()), {})
        yield_kg = Decimal(first.get("net_weight_g", 0) * first.get("jars_per_batch", 0)) * batches / 1000

    name = snapshot["name"]
    jam = bool(snapshot.get("jam_kind"))
    moisture_lost = 0 < yield_kg < total
    base = yield_kg if moisture_lost else total
    named = [r for r in rows if named_in(name, r["name"]) and not (jam and r.get("fruit"))]
    raw_percents = {r["name"]: r["kg"] / base * HUNDRED for r in named} if base > 0 else {}
    per_100g = moisture_lost and (
        any(p > HUNDRED for p in raw_percents.values()) or sum(raw_percents.values(), Decimal(0)) > HUNDRED
    )
    missing = []
    ingredients = []
    for r in rows:
        organic_word = has_organic_word(r["name"]) or has_organic_word(r.get("components", ""))
        keep = organic_word and certified
        ingredients.append(
            LabelIngredient(
                name=r["name"] if keep else without_organic_word(r["name"]),
                kg=r["kg"],
                share=(r["kg"] / total * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                if total
                else Decimal(0),
                percent=_percent(raw_percents[r["name"]]) if r["name"] in raw_percents else None,
                per_100g=per_100g and r["name"] in raw_percents,
                allergens=tuple(r["allergens"]),
                organic=keep,
                components=r.get("components", "") if keep else without_organic_word(r.get("components", "")),
            )
        )
    allergen_order = list(ALLERGEN_LABELS)
    allergens = sorted({c for i in ingredients for c in i.allergens}, key=allergen_order.index)
    may_contain = sorted(set(snapshot.get("may_contain", [])) - set(allergens), key=allergen_order.index)

    fruit = sugar = None
    if jam:
        if yield_kg <= 0:
            missing.append("rendement inconnu (aucun bocal enregistré) : teneurs en fruits et en sucres")
        else:
            fruit_kg = sum((r["kg"] for r in rows if r.get("fruit")), Decimal(0))
            # Never more fruit than used: rounded down (Directive 2001/113/EC, Annex… "prepared with").
            fruit = int((fruit_kg / yield_kg * HUNDRED).to_integral_value(rounding=ROUND_FLOOR))
            unknown = [r["name"] for r in rows if "sugars" not in (r.get("nutrition") or {})]
            if unknown:
                missing.append("teneur en sucres des ingrédients inconnue : " + ", ".join(unknown))
            else:
                sugars = sum((r["kg"] * Decimal(str(r["nutrition"]["sugars"])) for r in rows), Decimal(0))
                sugar = int((sugars / yield_kg).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    nutrition = _nutrition(rows, yield_kg)
    exemption = None
    if nutrition is None:
        if profile is not None and profile.nutrition_exemption:
            with translation.override("fr"):
                exemption = str(profile.get_nutrition_exemption_display())
        else:
            unknown = [r["name"] for r in rows if any(n not in (r.get("nutrition") or {}) for n in NUTRIENTS)]
            missing.append(
                "déclaration nutritionnelle : valeurs inconnues pour "
                + ", ".join(unknown)
                + " et aucune exemption enregistrée pour le territoire"
            )

    operator = food_business_operator(territory)
    if not operator.name:
        missing.append("nom de l'exploitant")
    if not operator.address:
        missing.append("adresse de l'exploitant")
    storage = (snapshot.get("storage_advice") or "").strip()
    if not storage:
        missing.append("conditions de conservation")
    for fmt in formats:
        if not fmt.net_g:
            missing.append(f"poids net ({fmt.name})")
        if snapshot.get("liquid_medium") and not fmt.drained_g:
            missing.append(f"poids net égoutté ({fmt.name})")
    if not rows:
        missing.append("liste des ingrédients")

    organic = [i for i in ingredients if i.organic]
    organic_share = None
    if organic:
        agricultural = sum((i.kg for i in ingredients if is_agricultural(i.name)), Decimal(0))
        organic_kg = sum((i.kg for i in organic if is_agricultural(i.name)), Decimal(0))
        organic_share = (organic_kg / agricultural * HUNDRED).quantize(Decimal(1)) if agricultural else Decimal(0)
    return LotLabel(
        lot=lot.code,
        name=name,
        ingredients=ingredients,
        allergens=allergens,
        may_contain=may_contain,
        formats=formats,
        fruit_g_per_100g=fruit,
        sugar_g_per_100g=sugar,
        ddm=lot.best_before,
        produced_on=lot.produced_on,
        storage=storage,
        operator=operator,
        nutrition=nutrition,
        nutrition_exemption=exemption,
        organic_code=profile.organic_certifier_code if organic else None,
        organic_share=organic_share,
        missing=missing,
    )


# --- Text, shared by the PDF and the public page -------------------------------------------------------------


def french_number(value, decimals: int | None = None) -> str:
    value = Decimal(value)
    if decimals is not None:  # exactly `decimals` decimals: "2,0 g" as the rounding guidance prints it
        return format(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f").replace(".", ",")
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.replace(".", ",")


def _emphasise(text: str, codes, escape) -> tuple[str, set]:
    """`text` escaped for markup, the words of the allergens `codes` in <b>; and the codes found."""
    found = set()
    spans = []
    for code in codes:
        for word in ALLERGEN_WORDS.get(code, ()):
            for m in re.finditer(rf"(?<!\w){re.escape(word)}s?(?!\w)", text, re.IGNORECASE):
                spans.append((m.start(), m.end()))
                found.add(code)
    spans.sort()
    out, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        out.append(escape(text[at:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        at = end
    out.append(escape(text[at:]))
    return "".join(out), found


def _quantity(i: LabelIngredient) -> str:
    if i.percent is None:
        return ""
    # No-break spaces: "0,9 %" never splits at the end of a line.
    if i.per_100g:
        return f" ({french_number(i.percent)}\u00a0g pour 100\u00a0g)"
    return f" ({french_number(i.percent)}\u00a0%)"


def ingredient_markup(i: LabelIngredient, escape) -> str:
    name, found = _emphasise(i.name, i.allergens, escape)
    text = name + ("*" if i.organic else "")
    if i.components:
        components, more = _emphasise(i.components, i.allergens, escape)
        found |= more
        text += f" ({components})"
    left = [c for c in i.allergens if c not in found]
    if left:
        text += " (" + ", ".join(f"<b>{escape(ALLERGEN_SHORT[c])}</b>" for c in left) + ")"
    return text + _quantity(i)


def ingredients_markup(label: LotLabel, escape) -> str:
    return "Ingrédients : " + ", ".join(ingredient_markup(i, escape) for i in label.ingredients) + "."


def organic_text(label: LotLabel) -> str:
    if not label.organic_code:
        return ""
    return (
        f"* Ingrédients issus de l'agriculture biologique : {french_number(label.organic_share)} % des "
        f"ingrédients d'origine agricole. {label.organic_code}"
    )


def may_contain_text(label: LotLabel) -> str:
    if not label.may_contain:
        return ""
    return "Peut contenir : " + ", ".join(ALLERGEN_SHORT[c] for c in label.may_contain) + "."


def jam_texts(label: LotLabel) -> list[str]:
    texts = []
    if label.fruit_g_per_100g is not None:
        texts.append(f"Préparée avec {label.fruit_g_per_100g} g de fruits pour 100 g.")
    if label.sugar_g_per_100g is not None:
        texts.append(f"Teneur totale en sucres : {label.sugar_g_per_100g} g pour 100 g.")
    return texts


def _grams(value: float, *, small: Decimal, decimals_below_ten: int = 1) -> str:
    """Rounding of the European Commission's guidance (2012) for nutrition declarations."""
    v = Decimal(str(value))
    if v < small:
        return f"< {french_number(small)} g"
    if v >= 10:
        return f"{french_number(v, 0)} g"
    return f"{french_number(v, decimals_below_ten)} g"


def nutrition_text(label: LotLabel) -> str:
    n = label.nutrition
    if not n:
        return ""
    salt = Decimal(str(n["salt_g"]))
    salt_text = "< 0,01 g" if salt < Decimal("0.0125") else f"{french_number(salt, 2 if salt < 1 else 1)} g"
    return (
        "Valeurs nutritionnelles pour 100 g : énergie "
        f"{n['energy_kj']} kJ / {n['energy_kcal']} kcal ; matières grasses "
        f"{_grams(n['fat_g'], small=Decimal('0.5'))}, dont acides gras saturés "
        f"{_grams(n['saturates_g'], small=Decimal('0.1'))} ; glucides "
        f"{_grams(n['carbohydrate_g'], small=Decimal('0.5'))}, dont sucres "
        f"{_grams(n['sugars_g'], small=Decimal('0.5'))} ; protéines "
        f"{_grams(n['protein_g'], small=Decimal('0.5'))} ; sel {salt_text}."
    )


def net_text(fmt: LabelFormat) -> str:
    return f"{fmt.net_g} g"


def drained_text(fmt: LabelFormat) -> str:
    return f"{fmt.drained_g} g" if fmt.drained_g else ""


def ddm_text(label: LotLabel) -> str:
    return f"À consommer de préférence avant le : {label.ddm:%d/%m/%Y}"


def operator_text(label: LotLabel) -> str:
    return f"{label.operator.name} — {label.operator.address}"


def net_digit_height_mm(net_g: int) -> float:
    """Minimum height of the net quantity's figures (Directive 76/211/EEC, Annex I point 3.1)."""
    if net_g > 1000:
        return 6.0
    if net_g > 200:
        return 4.0
    if net_g > 50:
        return 3.0
    return 2.0


def mandatory_texts(label: LotLabel, fmt: LabelFormat) -> list[str]:
    """Plain texts that every printed label of `fmt` must carry (the test reads them back from the PDF)."""
    texts = [label.name, *[i.name for i in label.ingredients], net_text(fmt), label.lot, ddm_text(label)]
    texts += [label.storage, label.operator.name, label.operator.address]
    texts += jam_texts(label)
    if fmt.drained_g:
        texts.append(drained_text(fmt))
    if label.nutrition:
        texts.append(f"{label.nutrition['energy_kj']} kJ")
    if label.organic_code:
        texts.append(label.organic_code)
    texts += [ALLERGEN_SHORT[c] for c in label.may_contain]
    return [t for t in texts if t]
