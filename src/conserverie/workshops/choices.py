"""A list of the territory's workshops, read as tuples: the lot and distribution forms offer every workshop of
every season (550 at ten seasons), which built a workshop per option to write its name (docs/performance.md, f21)."""

from django import forms

from conserverie.core.pages import FastSelect
from conserverie.workshops.models import workshop_label


class WorkshopChoices(forms.models.ModelChoiceIterator):
    """The same options as the models' labels, from (id, title, start) rows; the chosen workshop is still fetched
    as a model by the field's `to_python`."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, title, starts_at in self.queryset.values_list("pk", "title", "starts_at"):
            yield (pk, workshop_label(title, starts_at))


class WorkshopChoiceField(forms.ModelChoiceField):
    widget = FastSelect
    iterator = WorkshopChoices
