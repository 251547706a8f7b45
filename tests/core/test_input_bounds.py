"""Input bounds everywhere (issue 17, item 8): a length on every text field (model and form), no control character
in a single-line field (one shared validator, `core.forms.single_line`), a phone number checked wherever one is
typed, and no GET form that carries the CSRF token."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps

import conserverie
from conserverie.core.forms import SINGLE_LINE_MAX, TEXT_MAX, BoundedFormMixin, bound_text_fields, single_line

from ..workshops.public_data import future_workshop

CONTROL_MESSAGE = "Écrivez sur une seule ligne"
SKIP_MODULES = ("migrations", "conserverie.wsgi", "conserverie.__main__", "conserverie.settings")


def project_forms() -> list[type]:
    """Every form class the project defines (its modules imported first)."""
    for info in pkgutil.walk_packages(conserverie.__path__, "conserverie."):
        if not any(part in info.name for part in SKIP_MODULES):
            importlib.import_module(info.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("conserverie."):
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = project_forms()


def test_every_form_of_the_project_has_the_input_bounds():
    assert len(FORMS) > 60
    unbounded = [f"{cls.__module__}.{cls.__qualname__}" for cls in FORMS if not issubclass(cls, BoundedFormMixin)]
    assert unbounded == []


def test_every_text_field_of_every_model_has_a_length():
    fields = [
        field
        for model in apps.get_models()
        if model.__module__.startswith("conserverie.")
        for field in model._meta.get_fields()
        if isinstance(field, models_text_fields())
    ]
    assert len(fields) > 100
    unbounded = [f"{field.model._meta.label}.{field.name}" for field in fields if not field.max_length]
    assert unbounded == []


def models_text_fields():
    from django.db import models

    return (models.CharField, models.TextField)


def made(cls, world):
    """An instance of form `cls` bound to no data, its keyword arguments taken from `world`; None when it needs
    something else."""
    params = [
        p
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    ]
    if any(p.name not in world for p in params):
        return None
    return {p.name: world[p.name] for p in params}


@pytest.fixture
def world(chain, coordinator):
    return {
        "territory": chain.territory,
        "questions": [],
        "candidates": [],
        "user": coordinator,
        "actor": coordinator,
        "producer": chain.farm,
        "workshop": future_workshop(chain),
    }


def test_every_single_line_field_refuses_control_characters_and_every_text_field_has_a_length(world):
    checked, skipped = 0, []
    for cls in FORMS:
        kwargs = made(cls, world)
        if kwargs is None:
            skipped.append(cls.__qualname__)
            continue
        form = cls(**kwargs)
        text_fields = {name: f for name, f in form.fields.items() if isinstance(f, forms.CharField)}
        for name, field in text_fields.items():
            assert field.max_length, f"{cls.__qualname__}.{name} has no maximum length"
        single = [
            name
            for name, f in text_fields.items()
            if not isinstance(f.widget, forms.Textarea | forms.PasswordInput | forms.HiddenInput)
        ]
        if not single:
            continue
        for bad in ("Atelier\r\nconfitures", "Atelier\tconfitures", "Atelier\x00", "A\x1bB", "A\u2028B"):
            bound = cls(data={name: bad for name in single}, **kwargs)
            bound.is_valid()
            for name in single:
                errors = " ".join(bound.errors.get(name, []))
                assert errors, f"{cls.__qualname__}.{name} accepts {bad!r}"
        checked += 1
    assert checked >= 40, (checked, skipped)


def test_the_validator_and_the_defaults():
    single_line("Atelier confitures — « été » 2026, 14h")
    for bad in ("a\nb", "a\rb", "a\tb", "a\x00b", "a\x7fb", "a\u2029b"):
        with pytest.raises(forms.ValidationError, match=CONTROL_MESSAGE):
            single_line(bad)

    class Free(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)
        secret = forms.CharField(widget=forms.PasswordInput)

    form = Free(data={"name": "x" * (SINGLE_LINE_MAX + 1), "note": "a\nb" * TEXT_MAX, "secret": "p\tq"})
    bound_text_fields(form)
    bound_text_fields(form)  # idempotent
    assert form.fields["name"].validators.count(single_line) == 1
    assert not form.is_valid()
    assert set(form.errors) == {"name", "note"}  # a password is bounded in length only
    assert form.fields["note"].max_length == TEXT_MAX


def test_a_workshop_title_with_a_line_break_is_refused_at_the_field_in_french(client, chain, animator):
    from conserverie.workshops.models import Workshop

    client.force_login(animator)
    response = client.post(
        "/t/romans/ateliers/nouveau/",
        {"title": "Atelier\r\nconfitures", "site": chain.site.pk, "structure": chain.structure.pk},
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.content.decode()
    assert not Workshop.objects.exists()


def test_an_offers_note_and_a_survey_answer_are_bounded_by_their_models(chain):
    from conserverie.impact.models import Answer
    from conserverie.producers.models import SurplusOffer

    assert SurplusOffer._meta.get_field("note").max_length == 1000
    assert Answer._meta.get_field("text").max_length == 2000


# --- Phones -------------------------------------------------------------------------------------------------------


def test_every_phone_typed_in_a_form_is_checked(world):
    phone_fields = 0
    for cls in FORMS:
        kwargs = made(cls, world)
        if kwargs is None:
            continue
        for name in [n for n in cls(**kwargs).fields if "phone" in n]:
            bound = cls(data={name: "bonjour 12"}, **kwargs)
            bound.is_valid()
            assert "ne semble pas juste" in " ".join(bound.errors.get(name, [])), f"{cls.__qualname__}.{name}"
            phone_fields += 1
    assert phone_fields >= 3  # the public sign-up, the cancel code, the farm


# --- GET forms never carry the CSRF token -------------------------------------------------------------------------

TEMPLATES = Path(conserverie.__file__).parent
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
METHOD = re.compile(r"""\bmethod\s*=\s*["']?(\w+)""", re.IGNORECASE)


def get_forms_with_a_csrf_token(source: str) -> list[str]:
    found = []
    for attributes, body in FORM.findall(source):
        method = (METHOD.search(attributes) or ["", "get"])[1].lower()
        if "csrf_token" in body and (method == "get" or re.search(r"formmethod\s*=\s*[\"']?get", body, re.I)):
            found.append(f"<form{attributes}>")
    return found


def test_the_scan_finds_a_get_form_with_the_token():
    assert get_forms_with_a_csrf_token('<form method="get">{% csrf_token %}</form>')
    assert get_forms_with_a_csrf_token("<form>{% csrf_token %}</form>")  # GET is the default
    assert get_forms_with_a_csrf_token('<form method="post">{% csrf_token %}<button formmethod="get"></form>')
    assert not get_forms_with_a_csrf_token('<form method="post">{% csrf_token %}</form><form method="get"></form>')


def test_no_template_sends_the_csrf_token_in_a_get_url():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in templates
        if (found := get_forms_with_a_csrf_token(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_round_preview_is_a_post_that_writes_nothing(client, chain, coordinator):
    from conserverie.sourcing.models import CollectionRound

    client.force_login(coordinator)
    response = client.post("/t/romans/tournees/nouvelle/", {"preview": "1", "day": "2026-06-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="preview"' in page
    assert 'formmethod="get"' not in page
    assert not CollectionRound.objects.exists()
