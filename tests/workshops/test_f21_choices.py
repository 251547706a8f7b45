"""Lists read as tuples (docs/performance.md, f21): the lot and distribution forms' workshops, the volunteer form's
participants. The same options as the models' labels, written as Django's select writes them (whitespace between
tags aside), and a posted choice still checked against the territory's records."""

import re

import pytest
from django import forms

from conserverie.distribution.forms import DistributionForm
from conserverie.distribution.views.participants import VolunteerHoursForm
from conserverie.people.models import Participant
from conserverie.production.forms import LotForm
from conserverie.workshops.models import Workshop

from ..pages import add_participant, add_workshops


def _tags(html) -> str:
    return re.sub(r">\s+<", "><", str(html))


def _as_django(bound) -> str:
    """The field written by Django's template-rendered select, from the models' own labels."""
    field = bound.field
    choices = [("", field.empty_label)] + [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
    widget = forms.Select(attrs=field.widget.attrs, choices=choices)
    return widget.render(bound.html_name, bound.value(), attrs=bound.build_widget_attrs({"id": bound.auto_id}))


def test_the_workshop_lists_are_the_models_labels(chain, other_chain):
    add_workshops(chain, 3, registrations=0)
    first = Workshop.objects.filter(territory=chain.territory).order_by("pk").first()
    Workshop.objects.filter(pk=first.pk).update(title='Atelier <coulis> & "confiture" d\'été')
    add_workshops(other_chain, 1, registrations=0)
    ours = list(Workshop.objects.filter(territory=chain.territory).order_by("-starts_at"))
    theirs = Workshop.objects.get(territory=other_chain.territory)
    for form_class in (LotForm, DistributionForm):
        form = form_class(territory=chain.territory)
        bound = form["workshop"]
        labels = [label for _value, label in bound.field.choices]
        assert sorted(labels[1:]) == sorted(str(w) for w in ours)
        assert _tags(bound.as_widget()) == _tags(_as_django(bound))
        assert "&lt;coulis&gt; &amp; &quot;confiture&quot; d&#x27;été" in str(bound)
        field = form.fields["workshop"]
        assert field.clean(str(ours[0].pk)) == ours[0]
        with pytest.raises(forms.ValidationError):
            field.clean(str(theirs.pk))


def test_the_volunteer_form_s_participants_are_the_models_labels(chain, other_chain):
    kept = [add_participant(chain, name) for name in ("Zoé", "Amina <b>", "Amina <b>")]
    erased = add_participant(chain, "Effacé")
    Participant.objects.filter(pk=erased.pk).update(erased_at="2026-01-01T00:00Z")
    theirs = add_participant(other_chain, "Bruno")
    form = VolunteerHoursForm(territory=chain.territory)
    bound = form["participant"]
    assert [label for _value, label in bound.field.choices][1:] == [
        f"{p.first_name} #{p.pk}" for p in sorted(kept, key=lambda p: (p.first_name, p.pk))
    ]
    assert _tags(bound.as_widget()) == _tags(_as_django(bound))
    assert "Amina &lt;b&gt; #" in str(bound)
    posted = VolunteerHoursForm({"participant": str(kept[0].pk)}, territory=chain.territory)
    assert posted["participant"].field.clean(str(kept[0].pk)) == kept[0]
    for refused in (erased, theirs):
        with pytest.raises(forms.ValidationError):
            posted["participant"].field.clean(str(refused.pk))
    assert f'<option value="{kept[0].pk}" selected>' in str(posted["participant"])
