from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.replication.services import COPY_CHOICES
from conserverie.territories.models import Site, Structure

COPY_LABELS = {
    "recipes": _("La gamme de recettes et leurs barèmes (à revalider avant de produire)"),
    "prices": _("La grille de prix du groupement d'achat"),
    "impact": _("Les pétales de la fleur et leurs indicateurs (cibles et poids, sans valeurs)"),
    "surveys": _("Les questionnaires (en brouillon, sans réponses)"),
}


class TerritoryStepForm(BoundedForm):
    name = forms.CharField(label=_("Nom du territoire"), max_length=120)
    slug = forms.SlugField(
        label=_("Identifiant dans les adresses"), max_length=40, help_text=_("Ex. : crest (minuscules, sans espace).")
    )
    code = forms.CharField(label=_("Code court"), max_length=3, help_text=_("Trois lettres, en tête des codes de lot."))
    organisation = forms.CharField(label=_("Structure porteuse"), max_length=200, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=250, required=False)
    hub_lat = forms.DecimalField(label=_("Latitude du point central"), max_digits=9, decimal_places=6)
    hub_lon = forms.DecimalField(label=_("Longitude du point central"), max_digits=9, decimal_places=6)
    radius_km = forms.IntegerField(label=_("Rayon de collecte (km)"), initial=30)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class StructureRowForm(BoundedForm):
    name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Structure.Kind.choices, initial=Structure.Kind.SOCIAL_CENTRE)
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)
    priority_area = forms.BooleanField(label=_("QPV"), required=False)


class SiteRowForm(BoundedForm):
    name = forms.CharField(label=_("Nom du lieu"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Type de lieu"), choices=Site.Kind.choices)
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)
    structure = forms.CharField(
        label=_("Structure partenaire"),
        max_length=150,
        required=False,
        help_text=_("Le nom d'une structure ci-dessus."),
    )
    priority_area = forms.BooleanField(label=_("QPV"), required=False)


# absolute_max: a forged TOTAL_FORMS builds at most this many rows (Django's default is max_num + 1000).
StructureFormSet = formset_factory(StructureRowForm, extra=4, max_num=20, absolute_max=20)
SiteFormSet = formset_factory(SiteRowForm, extra=6, max_num=40, absolute_max=40)


class ConfirmStepForm(BoundedForm):
    vehicle_name = forms.CharField(label=_("Nom du camion"), max_length=100, initial=_("Le camion-conserverie"))
    vehicle_capacity_kg = forms.IntegerField(label=_("Charge utile (kg)"), initial=600)
    copy = forms.MultipleChoiceField(
        label=_("Copier du territoire modèle"),
        choices=[(key, COPY_LABELS[key]) for key in COPY_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(COPY_CHOICES),
    )


def filled_rows(formset) -> list[dict]:
    """The rows a person typed something in (empty extra rows are ignored)."""
    return [form.cleaned_data for form in formset if form.cleaned_data.get("name", "").strip()]


class CalendarForm(BoundedForm):
    first_date = forms.DateField(label=_("Premier atelier à partir du"), widget=forms.DateInput(attrs={"type": "date"}))
    workshops_per_week = forms.IntegerField(label=_("Ateliers par semaine"), min_value=1, max_value=5)
    weeks = forms.IntegerField(label=_("Nombre de semaines"), min_value=1, max_value=52)
