from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput
from conserverie.economics.selectors import season_of
from conserverie.reporting.audit_trail import KINDS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class AuditFilterForm(BoundedForm):
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


class ReportPeriodForm(BoundedForm):
    """The distribution report's dates (GET `from`, `to`): each valid date filters; a wrong one is named at its
    field. With no dates asked (the page opened from the menu), the current season (`economics.selectors.
    season_of`, the calendar year), the period every report page opens on; both dates sent empty (`?from=&to=`,
    the "all seasons" link) read every season (issue 20: the whole jar ledger of ten seasons took 0.3-0.4 s)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are added here to keep the query string's names.
        # The season's dates shown in the date inputs (ISO, what an <input type="date"> reads) when none was asked.
        start, end = (day.isoformat() for day in season_of())
        self.fields["from"] = forms.DateField(label=_("Du"), widget=DateInput, required=False, initial=start)
        self.fields["to"] = forms.DateField(label=_("Au"), widget=DateInput, required=False, initial=end)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("La fin de la période est avant son début."))
        return data

    def dates(self):
        """(from, to): the current season when none was asked, else the valid ones, None for a date left empty
        or refused."""
        if not self.is_bound:
            return season_of()
        self.is_valid()
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")
