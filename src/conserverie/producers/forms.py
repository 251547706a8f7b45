from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.pages import DateInput, KgInput

from .models import Producer, Product, SurplusOffer


class OfferForm(forms.Form):
    producer = forms.ModelChoiceField(label=_("Ferme"), queryset=Producer.objects.none())
    product = forms.ModelChoiceField(label=_("Produit"), queryset=Product.objects.all())
    kg_estimated = forms.DecimalField(
        label=_("Poids estimé (kg)"), max_digits=8, decimal_places=1, min_value=0, widget=KgInput
    )
    grade = forms.ChoiceField(label=_("Nature"), choices=SurplusOffer.Grade.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=SurplusOffer.Mode.choices)
    available_from = forms.DateField(label=_("Disponible à partir du"), widget=DateInput)
    available_until = forms.DateField(label=_("Disponible jusqu'au"), widget=DateInput)
    note = forms.CharField(label=_("Remarque"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.filter(territory=territory, is_active=True)


class DeclineForm(forms.Form):
    message = forms.CharField(label=_("Motif du refus"), required=False, max_length=250)
