"""FastSelect (issue 20) writes the same <select> as Django's template-rendered Select, without a template per
option: same attributes, groups, selected option and escaping (whitespace between tags aside)."""

import re

from django import forms

from conserverie.core.pages import FastSelect

CHOICES = [
    ("", "---------"),
    ("Groupe <b> & co", [(1, "Un & deux"), (2, '"trois" <script>')]),
    (3, "quatre — été"),
]


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_it_writes_what_django_s_select_writes():
    attrs = {"class": "form-select", "required": True, "disabled": False, "data-x": 'a"b<'}
    for value in (None, "", 2, "3", 99):
        fast = FastSelect(choices=CHOICES, attrs=attrs).render("lot", value, attrs={"id": "id_lot"})
        django = forms.Select(choices=CHOICES, attrs=attrs).render("lot", value, attrs={"id": "id_lot"})
        assert _tags(fast) == _tags(django), value
    html = FastSelect(choices=CHOICES).render("lot", 2)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<option value="2" selected>' in html


def test_a_model_choice_field_through_it_validates_as_before(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="fast-select")

    class Form(forms.Form):
        who = forms.ModelChoiceField(queryset=get_user_model().objects.order_by("pk"), widget=FastSelect)

    form = Form({"who": str(user.pk)})
    assert form.is_valid()
    assert form.cleaned_data["who"] == user
    assert f'<option value="{user.pk}" selected>fast-select</option>' in str(form["who"])
    refused = Form({"who": "999999"})
    assert not refused.is_valid()
    assert "who" in refused.errors


FLAT = [("", "---------"), (1, "Un & deux"), (2, '"trois" <script>'), (3, "quatre — été"), (3, "trois encore")]
