from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput, KgInput
from conserverie.producers.models import Producer, Product, SurplusOffer
from conserverie.sourcing.models import RawLotMovement


class CollectionForm(BoundedForm):
    producer = forms.ModelChoiceField(label=_("Ferme"), queryset=Producer.objects.none())
    product = forms.ModelChoiceField(label=_("Produit"), queryset=Product.objects.all())
    kg = forms.DecimalField(label=_("Poids pesé (kg)"), max_digits=8, decimal_places=2, min_value=0, widget=KgInput)
    collected_on = forms.DateField(label=_("Collecté le"), widget=DateInput)
    grade = forms.ChoiceField(label=_("Nature"), choices=SurplusOffer.Grade.choices, initial="surplus")
    offer = forms.ModelChoiceField(
        label=_("Offre correspondante"),
        queryset=SurplusOffer.objects.none(),
        required=False,
        help_text=_("Facultatif : l'offre de la ferme que cette collecte honore."),
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.filter(territory=territory, is_active=True)
        self.fields["offer"].queryset = SurplusOffer.objects.filter(
            territory=territory, status__in=[SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED]
        ).select_related("producer", "product")
        self.fields["collected_on"].initial = timezone.localdate()


class RawLotOutForm(BoundedForm):
    KINDS = [(RawLotMovement.Kind.LOST, _("Perdu (pourri, abîmé…)")), (RawLotMovement.Kind.GIVEN, _("Donné en brut"))]

    kind = forms.ChoiceField(label=_("Sortie"), choices=KINDS, widget=forms.RadioSelect)
    kg = forms.DecimalField(label=_("Poids (kg)"), max_digits=8, decimal_places=2, min_value=0, widget=KgInput)
    reason = forms.CharField(
        label=_("Motif ou bénéficiaire"), max_length=200, required=False, help_text=_("Obligatoire pour une perte.")
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()
