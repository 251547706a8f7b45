from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput, KgInput
from conserverie.people.phones import validate_phone
from conserverie.producers.models import MONTHS_SHORT, Producer, Product, SurplusOffer, Terms
from conserverie.producers.photos import MAX_BYTES
from conserverie.producers.services import OFFER_NOTE_MAX


class OfferForm(BoundedForm):
    producer = forms.ModelChoiceField(label=_("Ferme"), queryset=Producer.objects.none())
    product = forms.ModelChoiceField(label=_("Produit"), queryset=Product.objects.all())
    kg_estimated = forms.DecimalField(
        label=_("Poids estimé (kg)"), max_digits=8, decimal_places=1, min_value=0, widget=KgInput
    )
    grade = forms.ChoiceField(label=_("Nature"), choices=SurplusOffer.Grade.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=SurplusOffer.Mode.choices)
    available_from = forms.DateField(label=_("Disponible à partir du"), widget=DateInput)
    available_until = forms.DateField(label=_("Disponible jusqu'au"), widget=DateInput)
    note = forms.CharField(
        label=_("Remarque"), required=False, max_length=OFFER_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.filter(territory=territory, is_active=True)


class TermsForm(BoundedForm):
    """What the farm receives for an offer: a gift, a purchase at a price per kg, or processing at a fee per jar.
    The price or fee goes with its choice; the service says at the field what is missing."""

    # Not required: left out (an older form, a script), it is a gift.
    terms = forms.ChoiceField(
        label=_("Ce que reçoit la ferme"),
        choices=Terms.choices,
        initial=Terms.DONATION,
        required=False,
        widget=forms.RadioSelect,
    )
    price_eur_kg = forms.DecimalField(
        label=_("Prix d'achat (€/kg)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=KgInput,
        help_text=_("Pour un achat : payé à la collecte, kilos pesés × prix."),
    )
    fee_eur_per_jar = forms.DecimalField(
        label=_("Prix de la transformation (€/bocal)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=KgInput,
        help_text=_("Pour une transformation à façon : les bocaux reviennent à la ferme, à ce prix par bocal."),
    )

    def clean_terms(self):
        return self.cleaned_data.get("terms") or Terms.DONATION

    def clean(self):
        data = super().clean()
        terms = data.get("terms")
        if terms == Terms.PURCHASE and not data.get("price_eur_kg") and "price_eur_kg" not in self.errors:
            self.add_error("price_eur_kg", _("Un achat demande un prix au kilo supérieur à zéro."))
        if terms == Terms.PROCESSING and data.get("fee_eur_per_jar") is None and "fee_eur_per_jar" not in self.errors:
            self.add_error("fee_eur_per_jar", _("Indiquez le prix de la transformation par bocal (zéro ou plus)."))
        return data


class PhotoField(forms.FileField):
    """A plain file field: the service checks the content with Pillow (JPEG or PNG, at most 5 MB)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})

    def validate(self, value):
        super().validate(value)
        if value and value.size > MAX_BYTES:
            raise forms.ValidationError(_("La photo dépasse 5 Mo : envoyez une image plus légère."))


class DeclineForm(BoundedForm):
    message = forms.CharField(label=_("Motif du refus"), required=False, max_length=250)


class ProducerForm(BoundedForm):
    name = forms.CharField(label=_("Nom de la ferme"), max_length=150)
    commune = forms.CharField(label=_("Commune"), max_length=100)
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    distance_km = forms.DecimalField(
        label=_("Distance au point central (km)"),
        max_digits=6,
        decimal_places=1,
        required=False,
        help_text=_("Laissez vide : elle est calculée depuis le point central du territoire."),
    )
    organic_certified = forms.BooleanField(label=_("Certifiée Agriculture Biologique"), required=False)
    certification_expiry = forms.DateField(
        label=_("Fin de validité de la certification"), required=False, widget=DateInput
    )
    networks = forms.CharField(
        label=_("Réseaux"),
        max_length=200,
        required=False,
        help_text=_("CIVAM, Agribiodrôme, AMAP… séparés par des virgules."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    address = forms.CharField(label=_("Adresse"), max_length=250, required=False)
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        validators=[validate_phone],
    )
    access_notes = forms.CharField(
        label=_("Accès pour le camion"),
        max_length=300,
        required=False,
        help_text=_("Ex. : chemin après le lavoir, hangar bleu, klaxonner."),
    )
    pickup_from = forms.TimeField(
        label=_("Collecte à partir de"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup_until = forms.TimeField(
        label=_("Collecte jusqu'à"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    @classmethod
    def for_producer(cls, producer, data=None):
        initial = {name: getattr(producer, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class ImportForm(BoundedForm):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class CalendarForm(BoundedForm):
    """The farm's months per product: one row of month boxes per product it grows, and one row to add a product."""

    new_product = forms.ModelChoiceField(label=_("Ajouter un produit"), queryset=Product.objects.all(), required=False)
    new_months = forms.MultipleChoiceField(
        label=_("Mois"), choices=MONTHS_SHORT, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[f"m_{entry.product_id}"] = forms.MultipleChoiceField(
                label=entry.product.name,
                choices=MONTHS_SHORT,
                required=False,
                initial=[str(m) for m in entry.month_list],
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self):
        return [self[f"m_{entry.product_id}"] for entry in self.entries]

    def months(self) -> dict:
        """Product -> month numbers, as the service wants it."""
        result = {entry.product: [int(m) for m in self.cleaned_data[f"m_{entry.product_id}"]] for entry in self.entries}
        new = self.cleaned_data.get("new_product")
        if new is not None:
            result[new] = sorted(set(result.get(new, [])) | {int(m) for m in self.cleaned_data["new_months"]})
        return result

    def clean(self):
        data = super().clean()
        if data.get("new_product") is not None and not data.get("new_months"):
            self.add_error("new_months", _("Cochez au moins un mois pour ce produit."))
        return data
