from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm, BoundedFormMixin
from conserverie.core.pages import DateInput, KgInput
from conserverie.producers.models import Producer, Product, SurplusOffer, Terms
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
    terms = forms.ChoiceField(
        label=_("Ce que reçoit la ferme"),
        choices=[("", _("Comme convenu dans l'offre (un don sans offre)")), *Terms.choices],
        required=False,
    )
    price_eur_kg = forms.DecimalField(
        label=_("Prix d'achat convenu (€/kg)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Pour un achat : payé à la collecte, kilos pesés × prix."),
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


class LegalEntityForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        from conserverie.territories.models import LegalEntity

        model = LegalEntity
        fields = [
            "name",
            "legal_form",
            "siren",
            "rna",
            "address",
            "city",
            "purpose",
            "eligibility",
            "vat_mention",
            "signatory_name",
            "signatory_role",
            "signature",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if not data.get("siren") and not data.get("rna"):
            self.add_error("siren", _("Indiquez le SIREN ou le numéro RNA de l'organisme."))
        return data


class DonorForm(BoundedForm):
    legal_name = forms.CharField(label=_("Dénomination (raison sociale)"), max_length=200)
    legal_form = forms.CharField(label=_("Forme juridique"), max_length=120)
    siren = forms.RegexField(
        label=_("SIREN"), regex=r"^\s*(\d\s*){9}$", error_messages={"invalid": _("Le SIREN compte 9 chiffres.")}
    )
    address = forms.CharField(label=_("Adresse complète"), max_length=250)


class CostPriceForm(BoundedForm):
    product = forms.ModelChoiceField(label=_("Produit"), queryset=Product.objects.all())
    eur_per_kg = forms.DecimalField(label=_("Coût de revient (€/kg)"), max_digits=7, decimal_places=2, min_value=0)
    unsold_eur_per_kg = forms.DecimalField(
        label=_("Valeur des invendus et déclassés (€/kg)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Vide : le coût de revient."),
    )


class ReceiptIssueForm(BoundedForm):
    year = forms.TypedChoiceField(label=_("Année des dons (close)"), coerce=int, choices=())

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class ReceiptCorrectForm(BoundedForm):
    reason = forms.CharField(label=_("Motif de la correction"), max_length=250)
