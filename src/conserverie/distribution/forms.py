import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, DateInput, KgInput
from conserverie.distribution.models import Distribution, PaymentMode, PriceTier
from conserverie.people.models import Participant
from conserverie.producers.models import Producer
from conserverie.production.models import ProductionLot
from conserverie.recipes.models import Recipe
from conserverie.stock.forms import LotChoiceField
from conserverie.territories.models import JarFormat, Location, Structure
from conserverie.workshops.choices import WorkshopChoiceField
from conserverie.workshops.models import Workshop


def participant_label(first_name: str, pk: int, neighbourhood: str = "") -> str:
    """How the form writes a participant: the first name, the number after « # », the neighbourhood."""
    return f"{first_name} #{pk}" + (f" — {neighbourhood}" if neighbourhood else "")


NUMBER_ONLY = re.compile(r"^\s*#?\s*(\d+)\s*$")
NUMBER_IN_LABEL = re.compile(r"#(\d+)")


class ParticipantChoiceField(forms.ModelChoiceField):
    """A text box, not a list of every resident: the person types a few letters and picks a suggestion (the
    search endpoint fills a datalist), or types the participant's number by hand (« 12 » or « #12 »)."""

    default_error_messages = {
        "invalid_choice": _("Aucun participant n°%(value)s ici : tapez un numéro de la liste des participants."),
        "invalid_number": _("Tapez quelques lettres du prénom et choisissez dans la liste, ou tapez le numéro."),
    }

    def __init__(self, *args, **kwargs):
        attrs = {"list": "participant-options", "autocomplete": "off", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return participant_label(obj.first_name, obj.pk, obj.neighbourhood)

    def prepare_value(self, value):
        if isinstance(value, Participant):
            return self.label_from_instance(value)
        return super().prepare_value(value)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        text = str(value)
        match = NUMBER_ONLY.match(text) or NUMBER_IN_LABEL.search(text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid_number"], code="invalid_number")
        return super().to_python(match.group(1))


class DistributionForm(BoundedForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Distribution.Kind.choices, widget=forms.RadioSelect)
    location = forms.ModelChoiceField(label=_("Bocaux pris à"), queryset=Location.objects.none())
    day = forms.DateField(label=_("Date"), widget=DateInput)
    participant = ParticipantChoiceField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("Tapez quelques lettres du prénom ou le numéro du participant, puis choisissez dans la liste."),
    )
    structure = forms.ModelChoiceField(
        label=_("Structure bénéficiaire"),
        queryset=Structure.objects.none(),
        required=False,
        help_text=_("Pour l'usage interne d'une structure."),
    )
    partner = forms.CharField(
        label=_("Partenaire"), required=False, max_length=120, help_text=_("Pour un don à un partenaire.")
    )
    workshop = WorkshopChoiceField(label=_("Atelier"), queryset=Workshop.objects.none(), required=False)
    payment_mode = forms.ChoiceField(label=_("Paiement"), choices=PaymentMode.choices, initial=PaymentMode.CASH)
    social_price = forms.BooleanField(
        label=_("Prix solidaire"),
        required=False,
        help_text=_("Vente : le prix solidaire du tarif, quand il y en a un."),
    )
    price_tier = forms.ModelChoiceField(
        label=_("Tarif social d'une structure"),
        queryset=PriceTier.objects.none(),
        required=False,
        help_text=_("Vente : une part du prix du tarif, fixée par la structure. La consigne reste entière."),
    )
    use_credit = forms.BooleanField(
        label=_("Payer les consignes avec l'avoir du participant"),
        required=False,
        help_text=_("L'avoir vient des bocaux vides rendus sans remboursement."),
    )
    note = forms.CharField(label=_("Remarque"), required=False, max_length=250)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(territory=territory)
        self.fields["participant"].queryset = Participant.objects.filter(
            territory=territory, erased_at__isnull=True, merged_into__isnull=True
        )
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory)
        self.fields["workshop"].queryset = (
            Workshop.objects.filter(territory=territory)
            .exclude(status=Workshop.Status.CANCELLED)
            .order_by("-starts_at")
        )
        self.fields["price_tier"].queryset = PriceTier.objects.filter(
            territory=territory, is_active=True
        ).select_related("structure")
        self.fields["day"].initial = timezone.localdate()
        self.fields["kind"].initial = Distribution.Kind.PARTICIPANT
        self.fields["location"].initial = (
            Location.objects.filter(territory=territory, kind=Location.Kind.TRUCK).values_list("pk", flat=True).first()
        )

    def clean(self):
        data = super().clean()
        if data.get("price_tier") and data.get("social_price"):
            raise forms.ValidationError(
                _("Choisissez le prix solidaire ou un tarif social de structure, pas les deux.")
            )
        return data


class LineForm(BoundedForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux"), min_value=0, widget=CountInput)
    unit_price_eur = forms.DecimalField(
        label=_("Prix unitaire (€)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=KgInput,
        help_text=_("Consigne non comprise. Vide : le tarif pour une vente, 0 sinon."),
    )

    def __init__(self, *args, territory, default_format=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jar_format"].initial = default_format
        self.fields["lot"].queryset = (
            ProductionLot.objects.filter(territory=territory).select_related("recipe").order_by("-produced_on", "-id")
        )
        self.fields["jar_format"].queryset = JarFormat.objects.filter(territory=territory)

    def has_changed(self):
        # A line is a lot or a number of jars: the preselected format and the price's 0 alone are not.
        return any(name in self.changed_data for name in ("lot", "quantity"))


class ReverseForm(BoundedForm):
    reason = forms.CharField(label=_("Pourquoi annuler ?"), required=False, max_length=250)


class TierForm(BoundedForm):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    name = forms.CharField(label=_("Nom du tarif"), max_length=60, help_text=_("Par ex. « Tarif solidaire »."))
    percent = forms.DecimalField(
        label=_("Part du prix (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, widget=KgInput
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory)


class PriceForm(BoundedForm):
    recipe_code = forms.ChoiceField(label=_("Recette"), required=False)
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    price_eur = forms.DecimalField(
        label=_("Prix (€)"), max_digits=6, decimal_places=2, widget=KgInput, help_text=_("Consigne non comprise.")
    )
    social_price_eur = forms.DecimalField(
        label=_("Prix solidaire (€)"), max_digits=6, decimal_places=2, required=False, widget=KgInput
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jar_format"].queryset = JarFormat.objects.filter(territory=territory)
        codes = Recipe.objects.filter(territory=territory).order_by("code", "-version").values_list("code", "name")
        names = {}
        for code, name in codes:
            names.setdefault(code, name)
        self.fields["recipe_code"].choices = [("", _("Toutes les recettes"))] + [
            (code, f"{code} — {name}") for code, name in names.items()
        ]


# A forged TOTAL_FORMS builds at most this many rows (Django's default, 2000, takes seconds).
MAX_ROWS = 100
LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


class FarmTraceForm(BoundedForm):
    """Forward trace of a farm's produce over a period (a farm's alert: « our lettuce of last week… »)."""

    producer = forms.ModelChoiceField(label=_("Ferme"), queryset=None)
    date_from = forms.DateField(label=_("Collecté du"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.filter(territory=territory).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return data
