from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, KgInput
from conserverie.producers.models import Product
from conserverie.recipes.lethality import Target
from conserverie.recipes.models import (
    ALLERGENS,
    Category,
    CcpKind,
    HeatTreatment,
    JamKind,
    PantryItem,
    Recipe,
    RecipeIngredient,
)
from conserverie.recipes.services import FormatSpec
from conserverie.territories.models import JarFormat


class RecipeForm(BoundedForm):
    code = forms.CharField(label=_("Code"), max_length=6, help_text=_("Quatre lettres, dans le code de lot."))
    name = forms.CharField(label=_("Nom"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.CharField(
        label=_("Étapes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Une étape par ligne."),
    )
    category = forms.ChoiceField(
        label=_("Catégorie"),
        choices=[("", "—"), *Category.choices],
        help_text=_("Acide : pH ≤ 4,5 mesuré à chaque lot. Peu acide : stérilisation, F0 ≥ 3 min à cœur."),
    )
    ph_limit = forms.DecimalField(
        label=_("pH maximal"), max_digits=3, decimal_places=1, required=False, min_value=0, max_value=14, widget=KgInput
    )
    water_activity = forms.DecimalField(
        label=_("Activité de l'eau (aw)"),
        max_digits=4,
        decimal_places=3,
        required=False,
        min_value=0,
        max_value=1,
        widget=KgInput(attrs={"step": "0.001"}),
        help_text=_("Si elle est connue."),
    )
    stability_at_55 = forms.BooleanField(
        label=_("Test de stabilité aussi 7 jours à 55 °C"),
        required=False,
        help_text=_("Produit peu acide : 7 jours à 37 °C toujours ; à 55 °C en plus si coché (thermophiles)."),
    )
    shelf_life_days = forms.IntegerField(
        label=_("Durée de conservation (jours)"), min_value=1, max_value=3650, widget=CountInput
    )
    storage_advice = forms.CharField(label=_("Conseil de conservation"), max_length=250, required=False)
    serving_ideas = forms.CharField(
        label=_("Idées pour le cuisiner"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The allergens are derived from the ingredients (never ticked by hand): only cross-contact is chosen here.
    may_contain = forms.MultipleChoiceField(
        label=_("Peut contenir (contamination croisée)"),
        choices=ALLERGENS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les allergènes des ingrédients sont repris d'office sur l'étiquette. Cochez ici seulement ceux qui "
            "peuvent se trouver dans le bocal sans être un ingrédient (même atelier, mêmes ustensiles)."
        ),
    )
    jam_kind = forms.ChoiceField(
        label=_("Confiture, gelée ou marmelade"),
        choices=[("", _("Non"))] + list(JamKind.choices),
        required=False,
        help_text=_("L'étiquette indique alors la teneur en fruits et en sucres (directive 2001/113/CE)."),
    )
    liquid_medium = forms.BooleanField(
        label=_("Solides dans un liquide de couverture (eau, saumure, vinaigre, sirop)"),
        required=False,
        help_text=_("Chaque format indique alors son poids net égoutté."),
    )

    @classmethod
    def initial_from(cls, recipe: Recipe) -> dict:
        return {
            "code": recipe.code,
            "name": recipe.name,
            "description": recipe.description,
            "method": recipe.method,
            "category": recipe.category,
            "ph_limit": recipe.ph_limit,
            "water_activity": recipe.water_activity,
            "stability_at_55": recipe.stability_at_55,
            "shelf_life_days": recipe.shelf_life_days,
            "storage_advice": recipe.storage_advice,
            "serving_ideas": recipe.serving_ideas,
            "may_contain": recipe.may_contain,
            "jam_kind": recipe.jam_kind,
            "liquid_medium": recipe.liquid_medium,
        }


class IngredientForm(BoundedForm):
    item = forms.ChoiceField(label=_("Ingrédient"), choices=())
    kg = forms.DecimalField(label=_("kg par fournée"), max_digits=7, decimal_places=3, min_value=0, widget=KgInput)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {f"p{p.pk}": p for p in Product.objects.order_by("name")}
        self.items.update({f"e{i.pk}": i for i in PantryItem.objects.filter(territory=territory)})
        self.fields["item"].choices = [("", "—")] + [
            (_("Produits bruts"), [(k, str(v)) for k, v in self.items.items() if k[0] == "p"]),
            (_("Épicerie"), [(k, str(v)) for k, v in self.items.items() if k[0] == "e"]),
        ]

    def ingredient(self):
        return self.items[self.cleaned_data["item"]], self.cleaned_data["kg"]


class FormatForm(BoundedForm):
    jar_format = forms.ModelChoiceField(label=_("Format de bocal"), queryset=JarFormat.objects.none())
    jars_per_batch = forms.IntegerField(label=_("Bocaux par fournée"), min_value=1, max_value=10_000, widget=CountInput)
    net_weight_g = forms.IntegerField(label=_("Poids net (g)"), min_value=1, max_value=100_000, widget=CountInput)
    drained_weight_g = forms.IntegerField(
        label=_("Poids égoutté (g)"), min_value=1, max_value=100_000, required=False, widget=CountInput
    )
    treatment = forms.ChoiceField(label=_("Traitement"), choices=HeatTreatment.choices)
    temperature_c = forms.DecimalField(
        label=_("Température (°C)"), max_digits=4, decimal_places=1, widget=KgInput(attrs={"step": "0.1"})
    )
    minutes = forms.IntegerField(label=_("Durée de maintien (min)"), min_value=1, max_value=1440, widget=CountInput)
    target_tref_c = forms.DecimalField(
        label=_("Référence (°C)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        widget=KgInput(attrs={"step": "0.1"}),
        help_text=_("Vide : la valeur par défaut de la catégorie."),
    )
    target_z_c = forms.DecimalField(
        label=_("z (°C)"), required=False, max_digits=4, decimal_places=1, widget=KgInput(attrs={"step": "0.1"})
    )
    target_minimum_min = forms.DecimalField(
        label=_("Valeur minimale à cœur (min)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=KgInput(attrs={"step": "0.1"}),
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jar_format"].queryset = JarFormat.objects.filter(territory=territory)

    def clean(self):
        data = super().clean()
        parts = [data.get("target_tref_c"), data.get("target_z_c"), data.get("target_minimum_min")]
        if any(p is not None for p in parts) and any(p is None for p in parts):
            raise forms.ValidationError(
                _("L'objectif dit la référence, z et la valeur minimale, ou rien (valeur par défaut).")
            )
        return data

    def spec(self) -> FormatSpec:
        d = self.cleaned_data
        target = None
        if d.get("target_tref_c") is not None:
            target = Target(d["target_tref_c"], d["target_z_c"], d["target_minimum_min"])
        return FormatSpec(
            d["jar_format"],
            d["jars_per_batch"],
            d["net_weight_g"],
            d["treatment"],
            d["temperature_c"],
            d["minutes"],
            d.get("drained_weight_g"),
            target,
        )


# A forged TOTAL_FORMS builds at most this many rows (Django's default, 2000, takes seconds).
MAX_ROWS = 100
IngredientFormSet = forms.formset_factory(
    IngredientForm, extra=2, can_delete=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)
FormatFormSet = forms.formset_factory(FormatForm, extra=1, can_delete=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


def ingredient_initial(ingredients: list[RecipeIngredient]) -> list[dict]:
    return [
        {"item": f"p{i.product_id}" if i.product_id else f"e{i.pantry_item_id}", "kg": i.kg_per_batch}
        for i in ingredients
    ]


def format_initial(formats) -> list[dict]:
    return [
        {
            "jar_format": f.jar_format_id,
            "jars_per_batch": f.jars_per_batch,
            "net_weight_g": f.net_weight_g,
            "drained_weight_g": f.drained_weight_g,
            "treatment": f.treatment,
            "temperature_c": f.temperature_c,
            "minutes": f.minutes,
            "target_tref_c": f.target_tref_c,
            "target_z_c": f.target_z_c,
            "target_minimum_min": f.target_minimum_min,
        }
        for f in formats
    ]


class ScaleForm(BoundedForm):
    """One field per raw product of the recipe: the kilos on hand."""

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            self.fields[f"kg_{product.pk}"] = forms.DecimalField(
                label=_("%(product)s disponible (kg)") % {"product": product.name},
                max_digits=9,
                decimal_places=2,
                min_value=0,
                required=False,
                widget=KgInput,
            )

    def available(self) -> dict:
        return {p: self.cleaned_data.get(f"kg_{p.pk}") or 0 for p in self.products}


class HaccpPlanForm(BoundedForm):
    """The texts of a recipe's HACCP plan: four hazards, each critical control point's fields, verification and
    records (Regulation (EC) 852/2004, art. 5 §2)."""

    HAZARD_LABELS = {
        "biological": _("Dangers biologiques"),
        "chemical": _("Dangers chimiques"),
        "physical": _("Dangers physiques"),
        "allergens": _("Allergènes"),
    }
    CCP_LABELS = {
        "step": _("Étape"),
        "hazard": _("Danger maîtrisé"),
        "critical_limit": _("Limite critique"),
        "what": _("Surveillance : quoi"),
        "how": _("Comment"),
        "frequency": _("Fréquence"),
        "who": _("Qui"),
        "corrective_action": _("Action corrective"),
    }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        text = {"widget": forms.Textarea(attrs={"rows": 2}), "max_length": 2000}
        for kind, label in self.HAZARD_LABELS.items():
            self.fields[f"hazard_{kind}"] = forms.CharField(label=label, initial=plan.hazards.get(kind, ""), **text)
        for i, ccp in enumerate(plan.ccps):
            for name, label in self.CCP_LABELS.items():
                self.fields[f"ccp_{i}_{name}"] = forms.CharField(label=label, initial=ccp.get(name, ""), **text)
        self.fields["verification"] = forms.CharField(label=_("Vérification"), initial=plan.verification, **text)
        self.fields["records"] = forms.CharField(label=_("Documents et enregistrements"), initial=plan.records, **text)

    def hazard_fields(self):
        return [self[f"hazard_{k}"] for k in self.HAZARD_LABELS]

    def ccp_groups(self):
        return [
            (CcpKind(ccp["kind"]).label, [self[f"ccp_{i}_{name}"] for name in self.CCP_LABELS])
            for i, ccp in enumerate(self.plan.ccps)
        ]

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            "hazards": {k: d[f"hazard_{k}"] for k in self.HAZARD_LABELS},
            "ccps": [
                {"kind": ccp["kind"], **{name: d[f"ccp_{i}_{name}"] for name in self.CCP_LABELS}}
                for i, ccp in enumerate(self.plan.ccps)
            ],
            "verification": d["verification"],
            "records": d["records"],
        }
