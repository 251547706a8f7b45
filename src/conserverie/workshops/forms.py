from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm, IdempotentForm
from conserverie.core.pages import CountInput, DateInput, TimeInput
from conserverie.people.models import HowHeard
from conserverie.people.phones import email_normalise, phone_normalise
from conserverie.recipes.models import Recipe
from conserverie.territories.models import STAFF_ROLES, Site, Structure
from conserverie.workshops.models import WorkshopSeries


class AnimatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PlanningFields(BoundedForm):
    """What a workshop and a series of workshops both ask, with choices limited to the territory."""

    title = forms.CharField(label=_("Titre"), max_length=150)
    site = forms.ModelChoiceField(label=_("Lieu"), queryset=Site.objects.none())
    structure = forms.ModelChoiceField(label=_("Structure d'accueil"), queryset=Structure.objects.none())
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


class WorkshopForm(PlanningFields):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    field_order = ["title", "site", "structure", "day", "start_time", "end_time", "capacity"]

    def service_kwargs(self) -> dict:
        """The cleaned data as `workshop_open` takes it: the day and two times become aware datetimes."""
        data = dict(self.cleaned_data)
        day = data.pop("day")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, data.pop("start_time")))
        data["ends_at"] = timezone.make_aware(datetime.combine(day, data.pop("end_time")))
        return data


class SeriesForm(PlanningFields):
    """Tous les mercredis au marché, de mai à octobre: the series, as `series_create` takes it."""

    weekday = forms.TypedChoiceField(label=_("Chaque"), coerce=int, choices=WorkshopSeries.Weekday.choices)
    first_date = forms.DateField(label=_("À partir du"), widget=DateInput)
    last_date = forms.DateField(label=_("Jusqu'au"), widget=DateInput)
    keep_public_holidays = forms.BooleanField(
        label=_("Garder les jours fériés"),
        required=False,
        help_text=_("Sans cette case, un jour férié (25 décembre, 1er mai…) est sauté."),
    )
    skip_school_holidays = forms.BooleanField(
        label=_("Sauter aussi les vacances scolaires de la zone du territoire"), required=False
    )
    field_order = ["title", "site", "structure", "weekday", "start_time", "end_time", "first_date", "last_date"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["skip_public_holidays"] = not data.pop("keep_public_holidays")
        return data


class CancelForm(BoundedForm):
    reason = forms.CharField(
        label=_("Pourquoi annuler ?"),
        max_length=300,
        help_text=_("Ces mots sont envoyés aux personnes inscrites : restez simple (« le camion est en panne »)."),
        error_messages={"required": _("Dites en quelques mots pourquoi l'atelier est annulé.")},
    )


class CheckinForm(BoundedForm):
    attended = forms.BooleanField(required=False)


class PublicSignupForm(IdempotentForm):
    """The public sign-up: as few questions as the workshop needs, in plain words, big fields on a phone.

    The phone is checked here (`people.phones`, French numbers by default) so that a wrong number is said at the
    field; the party size is bounded again by the territory's cap and the places left (`people.signup`)."""

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
        max_length=254,
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
        max_value=30,
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
    photos = forms.BooleanField(label=_("J'accepte d'être pris·e en photo pendant l'atelier."), required=False)
    surveys = forms.BooleanField(
        label=_("J'accepte que l'on me pose quelques questions plus tard, pour savoir ce que l'atelier m'a apporté."),
        required=False,
    )
    how_heard = forms.ChoiceField(
        label=_("Comment avez-vous connu la conserverie ? (si vous voulez)"),
        choices=[("", "—"), *HowHeard.choices],
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

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean_email(self) -> str:
        return email_normalise(self.cleaned_data.get("email", ""))

    def contacts(self) -> list[str]:
        """The phone and e-mail given (normalised), for the per-contact limit."""
        return [value.lower() for value in (self.cleaned_data.get("phone"), self.cleaned_data.get("email")) if value]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for extra in ("website", "photos", "surveys", "how_heard"):
            data.pop(extra, None)
        return data

    def consent_scopes(self) -> list[str]:
        """The optional scopes ticked (the contact for the workshop is the required box)."""
        ticked = {"reminders": "reminders", "photos": "photos", "surveys": "surveys"}
        return [scope for field, scope in ticked.items() if self.cleaned_data.get(field)]


class WalkInForm(BoundedForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=60)
    household_size = forms.IntegerField(
        label=_("Personnes au foyer"), min_value=1, max_value=20, initial=1, widget=CountInput
    )
    neighbourhood = forms.CharField(label=_("Quartier ou commune"), max_length=100, required=False)


class PaperWalkInForm(BoundedForm):
    """One blank line of the day sheet typed back: empty, or a first name with the household and neighbourhood."""

    first_name = forms.CharField(label=_("Prénom"), max_length=60, required=False)
    household_size = forms.IntegerField(
        label=_("Personnes au foyer"), min_value=1, max_value=20, required=False, widget=CountInput
    )
    neighbourhood = forms.CharField(label=_("Quartier ou commune"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or "").strip() and (data.get("household_size") or data.get("neighbourhood")):
            self.add_error("first_name", _("Indiquez le prénom écrit sur la ligne, ou videz la ligne."))
        return data

    def person(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("first_name") or "").strip():
            return None
        return {
            "first_name": data["first_name"].strip(),
            "household_size": data.get("household_size") or 1,
            "neighbourhood": (data.get("neighbourhood") or "").strip(),
        }


PaperWalkInFormSet = forms.formset_factory(PaperWalkInForm, extra=8, max_num=40)
