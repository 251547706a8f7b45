"""The forms of the members' space (public pages: French, English, Arabic, Turkish)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import CountInput
from conserverie.people.phones import validate_phone


class EmailLoginForm(BoundedForm):
    email = forms.EmailField(label=_("Votre e-mail"), max_length=254)


class CodeLoginForm(BoundedForm):
    code = forms.CharField(
        label=_("Le code donné par votre centre social"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class JoinForm(BoundedForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=60)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False, validators=[validate_phone])
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    household_size = forms.IntegerField(
        label=_("Personnes au foyer"), min_value=1, max_value=20, initial=1, widget=CountInput
    )
    commune = forms.CharField(label=_("Quartier ou commune"), max_length=100, required=False)
    notify_email = forms.BooleanField(label=_("Je veux recevoir les messages par e-mail"), required=False)
    notify_sms = forms.BooleanField(label=_("Je veux recevoir les messages par SMS"), required=False)
    consent = forms.BooleanField(
        label=_("J'accepte que le centre social garde ces informations pour mes commandes."), required=True
    )
