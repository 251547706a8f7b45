from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.pages import CountInput, DateInput, KgInput
from conserverie.production.models import ProductionLot

from .models import JarFormat, Location


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.recipe.name} ({obj.get_status_display()})"


class TerritoryForm(forms.Form):
    """Every record a form offers belongs to the page's territory: a forged id is simply not a choice."""

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, LotChoiceField):
                field.queryset = (
                    ProductionLot.objects.filter(territory=territory)
                    .select_related("recipe")
                    .order_by("-produced_on", "-id")
                )
            elif isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.objects.filter(territory=territory)
        if "day" in self.fields:
            self.fields["day"].initial = timezone.localdate()


class MoveForm(TerritoryForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    source = forms.ModelChoiceField(label=_("Depuis"), queryset=Location.objects.none())
    destination = forms.ModelChoiceField(label=_("Vers"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux"), min_value=0, widget=CountInput)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Remarque"), required=False, max_length=250)


class DiscardForm(TerritoryForm):
    lot = LotChoiceField(label=_("Lot"), queryset=ProductionLot.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    location = forms.ModelChoiceField(label=_("Emplacement"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux"), min_value=0, widget=CountInput)
    broken = forms.BooleanField(label=_("Cassés (sinon : jetés)"), required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Pourquoi ?"), required=False, max_length=250)


class DepositReturnForm(TerritoryForm):
    location = forms.ModelChoiceField(label=_("Rapportés à"), queryset=Location.objects.none())
    jar_format = forms.ModelChoiceField(label=_("Format"), queryset=JarFormat.objects.none())
    quantity = forms.IntegerField(label=_("Bocaux vides"), min_value=0, widget=CountInput)
    refunded_eur = forms.DecimalField(
        label=_("Consigne remboursée (€)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=KgInput,
        help_text=_("Laisser vide : la consigne du format, pour chaque bocal. 0 si la personne la laisse."),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)
