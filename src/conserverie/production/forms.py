from datetime import date

from django import forms
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, DateInput, KgInput
from conserverie.producers.models import Product
from conserverie.production.models import CorrectiveActionKind, Equipment, Hazard, RecallScope
from conserverie.production.selectors import pantry_lots_with_balance
from conserverie.production.services import TreatmentReading
from conserverie.recipes.haccp_plan import lot_readings
from conserverie.recipes.lethality import parse_readings
from conserverie.recipes.models import PantryLot, Recipe
from conserverie.sourcing.models import RawLot
from conserverie.territories.models import JarFormat, Location
from conserverie.workshops.choices import WorkshopChoiceField
from conserverie.workshops.models import Workshop


class RawLotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(code)s — %(product)s, %(farm)s — reste %(kg)s kg, à transformer avant le %(day)s") % {
            "code": obj.code,
            "product": obj.product.name,
            "farm": obj.producer.name,
            "kg": number_format(obj.kg_left, decimal_pos=2),
            "day": f"{obj.use_before:%d/%m/%Y}",
        }


class PantryLotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(item)s — %(supplier)s, lot %(lot)s — reste %(kg)s kg") % {
            "item": obj.item.name,
            "supplier": obj.supplier,
            "lot": obj.supplier_lot,
            "kg": number_format(obj.kg_left, decimal_pos=3),
        }


# More jars than a season of the truck fills: a typing slip, refused at the field.
MAX_JARS = 100_000


class CoreReadingsField(forms.CharField):
    """The probe's curve at the core of the jar, one line « minute température » (docs/safety-fr.md)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Relevés à cœur (minute, °C)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Une ligne par relevé, une minute au plus entre deux : « 0 65 », « 1 72,5 »… La valeur stérilisatrice "
                "est calculée."
            ),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}))
        super().__init__(required=False, max_length=40_000, strip=True, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return tuple(parse_readings(text))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class LotForm(BoundedForm):
    """The lot itself; one row of jars and heat-treatment reading per jar format of the territory."""

    recipe = forms.ModelChoiceField(label=_("Recette"), queryset=Recipe.objects.none())
    workshop = WorkshopChoiceField(label=_("Atelier"), queryset=Workshop.objects.none(), required=False)
    produced_on = forms.DateField(label=_("Fabriqué le"), widget=DateInput)
    location = forms.ModelChoiceField(
        label=_("Bocaux rangés à"), queryset=Location.objects.none(), help_text=_("Où les bocaux pleins sont posés.")
    )
    batches = forms.IntegerField(label=_("Fournées"), min_value=1, initial=1, widget=CountInput)
    equipment = forms.ChoiceField(
        label=_("Équipement du traitement thermique"), choices=[("", "---------"), *Equipment.choices], required=False
    )
    ph_measured = forms.DecimalField(
        label=_("pH mesuré"), max_digits=3, decimal_places=1, required=False, min_value=0, max_value=14, widget=KgInput
    )

    def __init__(self, *args, territory, day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipe"].queryset = Recipe.objects.filter(territory=territory).producible().order_by("name")
        # The production day's workshops first (today's: the lot is usually recorded on the day), then the others,
        # latest first.
        today = day or timezone.localdate()
        self.fields["workshop"].queryset = (
            Workshop.objects.filter(territory=territory)
            .exclude(status=Workshop.Status.CANCELLED)
            .annotate(today_first=Case(When(starts_at__date=today, then=Value(0)), default=Value(1)))
            .order_by("today_first", "-starts_at")
        )
        self.fields["location"].queryset = Location.objects.filter(territory=territory)
        self.fields["produced_on"].initial = timezone.localdate()
        self.jar_formats = list(JarFormat.objects.filter(territory=territory))
        for fmt in self.jar_formats:
            self.fields[f"jars_{fmt.pk}"] = forms.IntegerField(
                label=_("Bocaux %(format)s remplis") % {"format": fmt.name},
                required=False,
                min_value=0,
                max_value=MAX_JARS,
                widget=CountInput,
            )
            self.fields[f"temp_{fmt.pk}"] = forms.DecimalField(
                label=_("Température relevée (°C)"),
                required=False,
                max_digits=4,
                decimal_places=1,
                widget=KgInput(attrs={"step": "0.1"}),
            )
            self.fields[f"minutes_{fmt.pk}"] = forms.IntegerField(
                label=_("Durée de maintien (min)"), required=False, min_value=0, widget=CountInput
            )
            self.fields[f"core_{fmt.pk}"] = CoreReadingsField()

    def recipes_with_plans(self) -> list:
        """The recipes offered, with their HACCP plan and formats (two queries, whatever the recipes)."""
        if not hasattr(self, "_recipes_with_plans"):
            self._recipes_with_plans = list(
                self.fields["recipe"].queryset.select_related("haccp_plan").prefetch_related("formats")
            )
        return self._recipes_with_plans

    def readings_needed(self) -> dict:
        """Recipe pk → the readings its HACCP plan's critical control points need ({"ph", "core"}): the page shows
        the pH field and the core curves only for the recipe chosen."""
        return {str(r.pk): lot_readings(r) for r in self.recipes_with_plans()}

    def unsigned_plans(self) -> list:
        """The recipes offered whose HACCP plan is not validated yet: no lot until a trained person signs it."""
        return [r for r in self.recipes_with_plans() if getattr(_plan(r), "validated_at", None) is None]

    def format_rows(self):
        for fmt in self.jar_formats:
            yield (
                fmt,
                self[f"jars_{fmt.pk}"],
                self[f"temp_{fmt.pk}"],
                self[f"minutes_{fmt.pk}"],
                self[f"core_{fmt.pk}"],
            )

    def clean(self):
        data = super().clean()
        for fmt in self.jar_formats:
            temp, minutes = data.get(f"temp_{fmt.pk}"), data.get(f"minutes_{fmt.pk}")
            if (temp is None) != (minutes is None):
                missing = f"minutes_{fmt.pk}" if minutes is None else f"temp_{fmt.pk}"
                self.add_error(missing, _("Indiquez la température et la durée, ou aucune des deux."))
        return data

    def outputs(self) -> dict:
        """Jars per format; a blank row is skipped, a typed zero goes to the service, which refuses it."""
        return {
            fmt: self.cleaned_data[f"jars_{fmt.pk}"]
            for fmt in self.jar_formats
            if self.cleaned_data.get(f"jars_{fmt.pk}") is not None
        }

    def treatments(self) -> list:
        return [
            TreatmentReading(
                fmt,
                self.cleaned_data[f"temp_{fmt.pk}"],
                self.cleaned_data[f"minutes_{fmt.pk}"],
                self.cleaned_data.get("equipment") or "",
                core_readings=self.cleaned_data.get(f"core_{fmt.pk}") or (),
            )
            for fmt in self.jar_formats
            if self.cleaned_data.get(f"temp_{fmt.pk}") is not None
        ]


def _plan(recipe):
    try:
        return recipe.haccp_plan
    except recipe._meta.model.haccp_plan.RelatedObjectDoesNotExist:
        return None


def production_day(data) -> date:
    """The production date typed in the lot form (today when absent or unreadable): the raw lots offered are those
    still usable that day."""
    try:
        day = forms.DateField(widget=DateInput).clean((data or {}).get("produced_on"))
    except forms.ValidationError:
        day = None
    return day or timezone.localdate()


class RawInputForm(BoundedForm):
    raw_lot = RawLotChoiceField(label=_("Lot brut"), queryset=RawLot.objects.none())
    kg = forms.DecimalField(label=_("kg utilisés"), max_digits=8, decimal_places=2, min_value=0, widget=KgInput)
    replaces = forms.ModelChoiceField(
        label=_("À la place de (substitution)"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("Seulement si ce produit remplace un ingrédient de la recette."),
    )

    def __init__(self, *args, territory, day: date, **kwargs):
        super().__init__(*args, **kwargs)
        # Only lots collected by the production date and still usable that day (a forged choice is refused).
        self.fields["raw_lot"].queryset = (
            RawLot.objects.filter(territory=territory, collected_on__lte=day, use_before__gte=day)
            .in_stock()
            .select_related("product", "producer")
            .order_by("use_before", "code")  # the most urgent first
        )
        self.fields["replaces"].queryset = (
            Product.objects.filter(
                recipeingredient__recipe__territory=territory,
                recipeingredient__recipe__is_active=True,
            )
            .distinct()
            .order_by("name")
        )


class PantryInputForm(BoundedForm):
    pantry_lot = PantryLotChoiceField(label=_("Lot d'épicerie"), queryset=PantryLot.objects.none())
    kg = forms.DecimalField(label=_("kg utilisés"), max_digits=8, decimal_places=3, min_value=0, widget=KgInput)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pantry_lot"].queryset = (
            pantry_lots_with_balance(PantryLot.objects.filter(territory=territory))
            .filter(kg_left__gt=0)
            .select_related("item")
        )


# A forged TOTAL_FORMS builds at most this many rows (Django's default, 2000, takes seconds).
MAX_ROWS = 100
RawInputFormSet = forms.formset_factory(RawInputForm, extra=3, max_num=MAX_ROWS, absolute_max=MAX_ROWS)
PantryInputFormSet = forms.formset_factory(PantryInputForm, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


class ReleaseForm(BoundedForm):
    reason = forms.CharField(
        label=_("Action corrective ou remarque"),
        required=False,
        max_length=250,
        help_text=_("Obligatoire pour libérer un lot non conforme ou bloqué."),
    )


class BlockForm(BoundedForm):
    reason = forms.CharField(label=_("Pourquoi bloquer ce lot ?"), required=False, max_length=250)


class RecallForm(BoundedForm):
    """What a recall records (docs/safety-en.md, « Recall »): the service checks the same and says it at the field."""

    scope = forms.ChoiceField(
        label=_("Retrait ou rappel"),
        choices=RecallScope.choices,
        widget=forms.RadioSelect,
        initial=RecallScope.RECALL,
        help_text=_("Rappel dès qu'un bocal a pu arriver chez quelqu'un."),
    )
    hazard = forms.ChoiceField(label=_("Nature du danger"), choices=[("", "—"), *Hazard.choices])
    reason = forms.CharField(
        label=_("Motif du rappel"),
        required=False,
        max_length=250,
        help_text=_("Ce que l'on sait : analyse, défaut constaté, alerte d'un fournisseur… (pour l'équipe et la DDPP)"),
    )
    public_reason = forms.CharField(
        label=_("Motif affiché au public"),
        required=False,
        max_length=250,
        help_text=_("En mots simples, sur la page du bocal (QR code) et dans RappelConso. Vide : la nature du danger."),
    )
    measures = forms.CharField(
        label=_("Mesures prises"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bocaux retirés, personnes prévenues, cause recherchée, action corrective…"),
    )
    contact = forms.CharField(
        label=_("Personne à contacter (nom, téléphone, e-mail)"),
        required=False,
        max_length=200,
        help_text=_("Pour la DDPP et pour les consommateurs."),
    )
    include_shared = forms.BooleanField(
        label=_("Rappeler aussi les lots fabriqués avec un même lot brut"),
        required=False,
    )


class SealCheckForm(BoundedForm):
    jars_checked = forms.IntegerField(label=_("Bocaux contrôlés"), min_value=0, max_value=MAX_JARS, widget=CountInput)
    jars_failed = forms.IntegerField(
        label=_("Bocaux mal fermés"),
        min_value=0,
        max_value=MAX_JARS,
        initial=0,
        widget=CountInput,
        help_text=_("Couvercle qui bouge."),
    )
    note = forms.CharField(label=_("Remarque"), required=False, max_length=250)


class CorrectiveActionForm(BoundedForm):
    action = forms.ChoiceField(label=_("Action corrective"), choices=[("", "—"), *CorrectiveActionKind.choices])
    note = forms.CharField(label=_("Précisions"), required=False, max_length=250)


class ReadingForm(BoundedForm):
    """A reading typed in after the lot: one format's heat treatment, and/or the pH."""

    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none(), required=False)
    temperature_c = forms.DecimalField(
        label=_("Température relevée (°C)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        widget=KgInput(attrs={"step": "0.1"}),
    )
    minutes = forms.IntegerField(
        label=_("Durée de maintien (min)"), required=False, min_value=0, max_value=1000, widget=CountInput
    )
    batch = forms.IntegerField(
        label=_("Fournée"),
        required=False,
        min_value=1,
        max_value=100,
        widget=CountInput,
        help_text=_("Vide : un seul passage pour toutes les fournées."),
    )
    equipment = forms.ChoiceField(
        label=_("Équipement"), choices=[("", "---------"), *Equipment.choices], required=False
    )
    ph_measured = forms.DecimalField(
        label=_("pH mesuré"), max_digits=3, decimal_places=1, required=False, min_value=0, max_value=14, widget=KgInput
    )
    core_readings = CoreReadingsField()

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jar_format"].queryset = JarFormat.objects.filter(
            territory_id=lot.territory_id, movements__lot=lot, movements__kind="produced"
        ).distinct()

    def clean(self):
        data = super().clean()
        parts = [data.get("jar_format"), data.get("temperature_c"), data.get("minutes")]
        if any(p is not None for p in parts) and any(p is None for p in parts):
            raise forms.ValidationError(_("Un relevé dit le format, la température et la durée."))
        if data.get("core_readings") and data.get("jar_format") is None:
            self.add_error("core_readings", _("Des relevés à cœur vont avec le format, la température et la durée."))
        if all(p is None for p in parts) and data.get("ph_measured") is None:
            raise forms.ValidationError(_("Indiquez un relevé de traitement thermique ou un pH."))
        return data

    def reading(self):
        d = self.cleaned_data
        if d.get("jar_format") is None:
            return None
        return TreatmentReading(
            d["jar_format"],
            d["temperature_c"],
            d["minutes"],
            d.get("equipment") or "",
            d.get("batch"),
            core_readings=d.get("core_readings") or (),
        )


class StabilityStartForm(BoundedForm):
    jars = forms.IntegerField(
        label=_("Bocaux mis en incubation"), min_value=1, max_value=MAX_JARS, initial=2, widget=CountInput
    )
    started_on = forms.DateField(label=_("Mis en incubation le"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class StabilityResultForm(BoundedForm):
    swelling = forms.BooleanField(label=_("Un bocal est bombé"), required=False)
    leak = forms.BooleanField(label=_("Un bocal fuit"), required=False)
    appearance_ok = forms.BooleanField(label=_("Aspect et odeur normaux"), required=False, initial=True)
    ph_after = forms.DecimalField(
        label=_("pH après incubation"), max_digits=3, decimal_places=1, min_value=0, max_value=14, widget=KgInput
    )
    examined_on = forms.DateField(label=_("Examiné le"), widget=DateInput)
    note = forms.CharField(label=_("Remarque"), required=False, max_length=250)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examined_on"].initial = timezone.localdate()
