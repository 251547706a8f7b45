from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.producers.models import Product
from conserverie.recipes.lethality import ACID, LOW_ACID, Target
from conserverie.territories.models import Territory

# The 14 allergens of Regulation (EU) 1169/2011, Annex II.
ALLERGENS = [
    ("gluten", _("Céréales contenant du gluten")),
    ("crustaceans", _("Crustacés")),
    ("eggs", _("Œufs")),
    ("fish", _("Poissons")),
    ("peanuts", _("Arachides")),
    ("soy", _("Soja")),
    ("milk", _("Lait")),
    ("nuts", _("Fruits à coque")),
    ("celery", _("Céleri")),
    ("mustard", _("Moutarde")),
    ("sesame", _("Graines de sésame")),
    ("sulphites", _("Anhydride sulfureux et sulfites")),
    ("lupin", _("Lupin")),
    ("molluscs", _("Mollusques")),
]
ALLERGEN_CODES = {code for code, _label in ALLERGENS}
ALLERGEN_LABELS = dict(ALLERGENS)


class Category(models.TextChoices):
    """Acid (pH ≤ 4.5, measured per batch) or low-acid (pH > 4.5): what the heat treatment must reach."""

    ACID = ACID, _("Acide (pH ≤ 4,5)")
    LOW_ACID = LOW_ACID, _("Peu acide (pH > 4,5)")


class PantryItem(models.Model):
    """Bought ingredients: sugar, salt, vinegar, spices."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="pantry_items")
    name = models.CharField(_("nom"), max_length=80)
    allergens = models.JSONField(_("allergènes"), default=list, blank=True)
    components = models.CharField(
        _("ingrédients de l'ingrédient composé"),
        max_length=250,
        blank=True,
        help_text=_("Pour un ingrédient composé (une moutarde, un bouillon) : sa propre liste, par poids décroissant."),
    )
    nutrition = models.JSONField(_("valeurs nutritionnelles pour 100 g"), default=dict, blank=True)
    lot_tracked = models.BooleanField(
        _("suivi par lot fournisseur"),
        default=True,
        help_text=_("Décochez pour l'eau du réseau : elle entre dans la recette sans lot fournisseur."),
    )

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("article d'épicerie")
        verbose_name_plural = _("épicerie")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PantryLot(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="pantry_lots")
    item = models.ForeignKey(PantryItem, on_delete=models.PROTECT, related_name="lots")
    supplier = models.CharField(_("fournisseur"), max_length=120)
    supplier_lot = models.CharField(_("lot fournisseur"), max_length=60)
    kg = models.DecimalField(_("quantité (kg)"), max_digits=8, decimal_places=3)
    received_on = models.DateField(_("reçu le"))
    best_before = models.DateField(_("DDM fournisseur"), null=True, blank=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("lot d'épicerie")
        verbose_name_plural = _("lots d'épicerie")
        ordering = ["-received_on"]

    def __str__(self):
        return f"{self.item} — {self.supplier} {self.supplier_lot}"


class JamKind(models.TextChoices):
    """Products of Directive 2001/113/EC (décret n° 85-872): fruit and total sugar contents on the label."""

    JAM = "jam", _("Confiture")
    EXTRA_JAM = "extra_jam", _("Confiture extra")
    JELLY = "jelly", _("Gelée")
    MARMALADE = "marmalade", _("Marmelade")


class RecipeQuerySet(models.QuerySet):
    def producible(self):
        return self.filter(is_active=True, validated_at__isnull=False)


class Recipe(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="recipes")
    code = models.CharField(_("code"), max_length=6, help_text=_("Quatre lettres, dans le code de lot."))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    method = models.TextField(_("étapes"), blank=True, max_length=10000)
    category = models.CharField(_("catégorie"), max_length=10, choices=Category.choices, default=Category.LOW_ACID)
    ph_limit = models.DecimalField(
        _("pH maximal"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Obligatoire pour un produit acide : pH ≤ 4,5, mesuré à chaque lot."),
    )
    water_activity = models.DecimalField(
        _("activité de l'eau (aw)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Si elle est connue (entre 0 et 1)."),
    )
    shelf_life_days = models.PositiveIntegerField(_("durée de conservation (jours)"), default=365)
    # Derived from the ingredients by the service (never chosen by hand): see recipes.services.derived_allergens.
    allergens = models.JSONField(_("allergènes"), default=list, blank=True)
    may_contain = models.JSONField(
        _("peut contenir (contamination croisée)"),
        default=list,
        blank=True,
        help_text=_("Allergènes qui peuvent se trouver dans le bocal sans être un ingrédient (même atelier)."),
    )
    jam_kind = models.CharField(
        _("confiture, gelée ou marmelade"), max_length=12, choices=JamKind.choices, blank=True, default=""
    )
    liquid_medium = models.BooleanField(
        _("solides dans un liquide de couverture"),
        default=False,
        help_text=_("Eau, saumure, vinaigre, sirop : l'étiquette indique aussi le poids net égoutté."),
    )
    serving_ideas = models.TextField(
        _("idées pour le cuisiner"),
        blank=True,
        max_length=1000,
        help_text=_("Montrées sur la page publique du lot (le QR code)."),
    )
    storage_advice = models.CharField(
        _("conseil de conservation"),
        max_length=250,
        default=_("À conserver au frais et à l'abri de la lumière. Après ouverture, au réfrigérateur, 5 jours."),
    )
    stability_at_55 = models.BooleanField(
        _("test de stabilité aussi à 55 °C"),
        default=False,
        help_text=_("Produit peu acide : 7 jours à 37 °C toujours ; 7 jours à 55 °C en plus si coché (thermophiles)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("barème validé par"),
    )
    validated_at = models.DateTimeField(_("barème validé le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory", RecipeQuerySet)

    class Meta:
        verbose_name = _("recette")
        verbose_name_plural = _("recettes")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "code", "version"], name="recipe_unique_version"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def ingredient_allergens(self) -> list[str]:
        """The allergens of the ingredients as recorded now (prefetch `ingredients` with product and pantry item)."""
        items = [i.product or i.pantry_item for i in self.ingredients.all()]
        return sorted({code for item in items for code in (item.allergens or []) if code in ALLERGEN_CODES})

    def allergen_labels(self):
        return [str(ALLERGEN_LABELS[c]) for c in self.ingredient_allergens()]

    def may_contain_labels(self):
        return [str(ALLERGEN_LABELS[c]) for c in self.may_contain if c in ALLERGEN_LABELS]


class RecipeIngredient(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="ingredients")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True)
    pantry_item = models.ForeignKey(PantryItem, on_delete=models.PROTECT, null=True, blank=True)
    kg_per_batch = models.DecimalField(_("kg par fournée"), max_digits=7, decimal_places=3)

    objects = scoped_manager("recipe__territory")

    class Meta:
        verbose_name = _("ingrédient")
        verbose_name_plural = _("ingrédients")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product__isnull=False, pantry_item__isnull=True)
                | models.Q(product__isnull=True, pantry_item__isnull=False),
                name="ingredient_product_xor_pantry",
            ),
        ]

    def __str__(self):
        return str(self.product or self.pantry_item)


class HeatTreatment(models.TextChoices):
    PASTEURISATION = "pasteurisation", _("Pasteurisation (≤ 100 °C)")
    STERILISATION = "sterilisation", _("Stérilisation (> 100 °C)")


class RecipeFormat(models.Model):
    """One jar format a recipe is filled in, with its yield and heat-treatment schedule (barème)."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="formats")
    jar_format = models.ForeignKey("territories.JarFormat", on_delete=models.PROTECT, related_name="+")
    jars_per_batch = models.PositiveIntegerField(_("bocaux par fournée"))
    net_weight_g = models.PositiveIntegerField(_("poids net (g)"))
    drained_weight_g = models.PositiveIntegerField(_("poids net égoutté (g)"), null=True, blank=True)
    treatment = models.CharField(_("traitement thermique"), max_length=16, choices=HeatTreatment.choices)
    temperature_c = models.DecimalField(_("température (°C)"), max_digits=4, decimal_places=1)
    minutes = models.PositiveIntegerField(_("durée de maintien (min)"))
    # The lethality the treatment must reach at the core of the jar (docs/safety-en.md).
    target_tref_c = models.DecimalField(_("température de référence (°C)"), max_digits=4, decimal_places=1)
    target_z_c = models.DecimalField(_("valeur z (°C)"), max_digits=4, decimal_places=1)
    target_minimum_min = models.DecimalField(_("valeur minimale (min)"), max_digits=6, decimal_places=2)

    objects = scoped_manager("recipe__territory")

    class Meta:
        verbose_name = _("format et barème")
        verbose_name_plural = _("formats et barèmes")
        constraints = [models.UniqueConstraint(fields=["recipe", "jar_format"], name="recipe_format_unique")]

    def __str__(self):
        return f"{self.recipe} — {self.jar_format}"

    @property
    def target(self) -> Target:
        return Target(self.target_tref_c, self.target_z_c, self.target_minimum_min)


class CcpKind(models.TextChoices):
    """The critical control points a recipe's HACCP plan may hold; the lot form asks the readings they need."""

    PH = "ph", _("Acidité (pH)")
    PASTEURISATION = "pasteurisation", _("Pasteurisation")
    STERILISATION = "sterilisation", _("Stérilisation (F0)")
    SEAL = "seal", _("Fermeture des bocaux")
    STABILITY = "stability", _("Test de stabilité")


class HaccpPlan(models.Model):
    """The HACCP plan of one recipe version (Regulation (EC) 852/2004, art. 5): hazards, critical control points
    with their critical limits, monitoring, corrective actions, verification and records (docs/safety-en.md).

    A new recipe version carries its own plan, to review again; a validated plan is never edited (its recipe gets
    a new version instead), so the sheet printed for a lot is the one its trained signer read."""

    recipe = models.OneToOneField(Recipe, on_delete=models.CASCADE, related_name="haccp_plan")
    # {"biological": text, "chemical": text, "physical": text, "allergens": text}
    hazards = models.JSONField(_("dangers"), default=dict)
    # [{"kind", "step", "hazard", "critical_limit", "what", "how", "frequency", "who", "corrective_action"}, …]
    ccps = models.JSONField(_("points critiques"), default=list)
    verification = models.TextField(_("vérification"), max_length=5000)
    records = models.TextField(_("documents et enregistrements"), max_length=5000)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan validé par"),
    )
    validated_at = models.DateTimeField(_("plan validé le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("recipe__territory")

    class Meta:
        verbose_name = _("plan HACCP")
        verbose_name_plural = _("plans HACCP")

    def __str__(self):
        return f"{_('Plan HACCP')} — {self.recipe}"

    @property
    def ccp_kinds(self) -> set[str]:
        return {c.get("kind") for c in self.ccps}
