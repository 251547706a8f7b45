from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.pages import CountInput, DateInput, TimeInput
from conserverie.recipes.models import Recipe
from conserverie.territories.models import STAFF_ROLES, Site, Structure


class AnimatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    site = forms.ModelChoiceField(label=_("Lieu"), queryset=Site.objects.none())
    structure = forms.ModelChoiceField(label=_("Structure d'accueil"), queryset=Structure.objects.none())
    day = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Début"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Fin"), widget=TimeInput)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, initial=12, widget=CountInput)
    animators = AnimatorChoiceField(
        label=_("Animateurs et animatrices"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_recipes = forms.ModelMultipleChoiceField(
        label=_("Recettes prévues"), queryset=Recipe.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(territory=territory)
        self.fields["structure"].queryset = Structure.objects.filter(territory=territory)
        self.fields["animators"].queryset = (
            get_user_model()
            .objects.filter(memberships__territory=territory, memberships__role__in=STAFF_ROLES, is_active=True)
            .order_by("first_name", "username")
        )
        self.fields["planned_recipes"].queryset = Recipe.objects.filter(territory=territory).producible()

    def service_kwargs(self) -> dict:
        """The cleaned data as `workshop_open` takes it: the day and two times become aware datetimes."""
        data = dict(self.cleaned_data)
        day = data.pop("day")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, data.pop("start_time")))
        data["ends_at"] = timezone.make_aware(datetime.combine(day, data.pop("end_time")))
        return data


class CheckinForm(forms.Form):
    attended = forms.BooleanField(required=False)


class PublicSignupForm(forms.Form):
    """The public sign-up: as few questions as the workshop needs, in plain words, big fields on a phone."""

    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=60,
        error_messages={"required": _("Indiquez un prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label=_("Téléphone (si vous voulez)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (si vous voulez)"),
        required=False,
        help_text=_("Nous vous enverrons la confirmation et le lien pour annuler."),
        error_messages={"invalid": _("Cette adresse e-mail ne semble pas juste. Vérifiez-la ou laissez vide.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    neighbourhood = forms.CharField(label=_("Votre quartier ou votre commune"), max_length=100, required=False)
    household_size = forms.IntegerField(
        label=_("Combien de personnes vivent chez vous ?"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={"min_value": _("Un foyer compte au moins une personne.")},
        widget=CountInput,
    )
    party_size = forms.IntegerField(
        label=_("Combien de personnes viennent à l'atelier, vous compris ?"),
        min_value=1,
        max_value=10,
        initial=1,
        error_messages={"min_value": _("Au moins une personne.")},
        widget=CountInput,
    )
    consent = forms.BooleanField(
        label=_("J'accepte que la conserverie garde ces informations pour me contacter au sujet de cet atelier."),
        error_messages={"required": _("Cochez la case pour accepter que nous gardions ces informations.")},
    )
    reminders = forms.BooleanField(
        label=_("Je veux bien recevoir un rappel avant l'atelier."),
        required=False,
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by robots that fill every field.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class WalkInForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=60)
    household_size = forms.IntegerField(
        label=_("Personnes au foyer"), min_value=1, max_value=20, initial=1, widget=CountInput
    )
    neighbourhood = forms.CharField(label=_("Quartier ou commune"), max_length=100, required=False)
