from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput, DateInput, KgInput, TimeInput
from conserverie.gleaning.services import HarvestLine
from conserverie.producers.models import Producer, Product, SurplusOffer
from conserverie.workshops.forms import PublicSignupForm


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(product)s — %(farm)s, %(kg)s kg (%(status)s)") % {
            "product": obj.product.name,
            "farm": obj.producer.name,
            "kg": obj.kg_estimated,
            "status": obj.get_status_display(),
        }


class OutingForm(BoundedForm):
    producer = forms.ModelChoiceField(label=_("Ferme"), queryset=Producer.objects.none())
    offer = OfferChoiceField(
        label=_("Offre de glanage correspondante"),
        queryset=SurplusOffer.objects.none(),
        required=False,
        help_text=_("Facultatif : l'offre « Glanage » de la ferme à laquelle cette sortie répond."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Début"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Fin"), widget=TimeInput)
    meeting_point = forms.CharField(
        label=_("Point de rendez-vous"),
        max_length=200,
        help_text=_("En mots simples : « devant le hangar, route de Peyrins »."),
    )
    lat = forms.DecimalField(label=_("Latitude (facultatif)"), max_digits=9, decimal_places=6, required=False)
    lon = forms.DecimalField(label=_("Longitude (facultatif)"), max_digits=9, decimal_places=6, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=200, initial=12, widget=CountInput)
    products_expected = forms.CharField(
        label=_("Produits attendus"), max_length=200, required=False, help_text=_("Par exemple : pommes, poires.")
    )
    note = forms.CharField(
        label=_("À savoir"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Affiché sur la page publique : quoi apporter (gants, cagettes, bottes), accès, covoiturage."),
    )
    field_order = ["producer", "offer", "date", "start_time", "end_time", "meeting_point", "lat", "lon", "capacity"]

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.filter(territory=territory, is_active=True)
        offers = SurplusOffer.objects.filter(territory=territory, mode=SurplusOffer.Mode.GLEAN)
        statuses = [SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED]
        if self.initial.get("offer"):
            statuses.append(SurplusOffer.Status.PLANNED)  # the offer the outing already answers stays choosable
        self.fields["offer"].queryset = offers.filter(status__in=statuses).select_related("producer", "product")

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class OutingSignupForm(PublicSignupForm):
    """The workshops' public sign-up (minimal data, consents, honeypot), worded for an outing in the fields."""

    LABELS = {
        "party_size": _("Combien de personnes viennent glaner, vous compris ?"),
        "consent": _("J'accepte que la conserverie garde ces informations pour me contacter au sujet de cette sortie."),
        "reminders": _("Je veux bien recevoir un rappel avant la sortie."),
        "photos": _("J'accepte d'être pris·e en photo pendant la sortie."),
        "surveys": _(
            "J'accepte que l'on me pose quelques questions plus tard, pour savoir ce que la sortie m'a apporté."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name].label = label


class HarvestLineForm(BoundedForm):
    product = forms.ModelChoiceField(label=_("Produit"), queryset=Product.objects.all(), required=False)
    kg = forms.DecimalField(
        label=_("Poids pesé (kg)"), max_digits=8, decimal_places=2, min_value=0, required=False, widget=KgInput
    )
    grade = forms.ChoiceField(label=_("Nature"), choices=SurplusOffer.Grade.choices, initial="downgraded")

    def clean(self):
        data = super().clean()
        product, kg = data.get("product"), data.get("kg")
        if product is None and kg:
            self.add_error("product", _("Choisissez le produit pesé."))
        if product is not None and not kg:
            self.add_error("kg", _("Le poids pesé doit être supérieur à zéro."))
        return data

    def line(self) -> HarvestLine | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("product") is None:
            return None
        return HarvestLine(product=data["product"], kg=data["kg"], grade=data["grade"])


HarvestLineFormSet = forms.formset_factory(HarvestLineForm, extra=4, max_num=12)


class HarvestHoursForm(BoundedForm):
    hours = forms.DecimalField(
        label=_("Heures données par chaque personne présente"),
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=24,
        widget=KgInput(attrs={"step": "0.25"}),
        help_text=_("Par défaut, la durée de la sortie. Elles sont comptées en heures de bénévolat, au SMIC."),
    )


def harvest_initial(outing) -> list[dict]:
    """The offer's product first (with its grade), when the outing answers an offer."""
    if outing.offer_id is None:
        return []
    return [{"product": outing.offer.product_id, "grade": outing.offer.grade}]
