from datetime import time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput, KgInput, TimeInput
from conserverie.territories.models import Vehicle


class RoundPlanForm(BoundedForm):
    day = forms.DateField(label=_("Date de la tournée"), widget=DateInput)
    vehicle = forms.ModelChoiceField(label=_("Camion"), queryset=Vehicle.objects.none(), empty_label=None)
    departure = forms.TimeField(label=_("Départ du dépôt"), widget=TimeInput, initial=time(8))
    back_by = forms.TimeField(label=_("Retour au plus tard"), widget=TimeInput, initial=time(17))
    required = forms.MultipleChoiceField(
        label=_("À prendre absolument"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, territory, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(territory=territory).order_by("name")
        self.fields["required"].choices = [(str(offer.pk), str(offer)) for offer in candidates]
        self.fields["day"].initial = timezone.localdate()


class StopRecordForm(BoundedForm):
    kg = forms.DecimalField(
        label=_("Poids pesé (kg)"), max_digits=8, decimal_places=2, min_value=0, required=False, widget=KgInput
    )
    nothing = forms.BooleanField(required=False)


class RoundFinishForm(BoundedForm):
    km = forms.DecimalField(
        label=_("Km parcourus"), max_digits=7, decimal_places=1, min_value=0, widget=KgInput(attrs={"step": "0.1"})
    )
