from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .audit_trail import KINDS
from .pages import DateInput


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class AuditFilterForm(forms.Form):
    """The audit page's filters (GET): person, kind of record, date range."""

    person = PersonChoiceField(label=_("Personne"), queryset=get_user_model().objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Type d'enregistrement"), choices=[("", _("Tous"))] + KINDS, required=False)
    since = forms.DateField(label=_("Du"), widget=DateInput, required=False)
    until = forms.DateField(label=_("Au"), widget=DateInput, required=False)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        # The territory's members only: a person of another territory is not offered (nor accepted).
        self.fields["person"].queryset = (
            get_user_model().objects.filter(memberships__territory=territory).distinct().order_by("username")
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data


class LoginForm(AuthenticationForm):
    """Django's login form, with its username length enforced before anyone tries to authenticate.

    Django only sets `max_length` on the field there (no validator), so a 20,000-character name reached
    authenticate() and django-axes, whose attempt log is varchar(255): a 500 on PostgreSQL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))
