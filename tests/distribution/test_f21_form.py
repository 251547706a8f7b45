"""The distribution form's lot lists are written once and shared by the three lines (docs/performance.md, f21): the
same HTML as Django's template-rendered select, in French and in English, with text to escape; and a refused form
keeps every value typed, a chosen lot with no jar left included."""

import re
from html import unescape

import pytest
from django import forms
from django.utils import translation

from conserverie.core.pages import FastSelect, SharedOptions
from conserverie.recipes.models import Recipe
from conserverie.stock.forms import lot_label, status_labels
from conserverie.stock.services import jars_discard
from conserverie.workshops.models import Workshop

from ..pages import add_lots, add_workshops, text
from .test_views import NEW, distribution_post


def _tags(html: str) -> str:
    """Django's option template ends with a line break: a blank line between options, which HTML ignores in a
    select; FastSelect writes none (the page is otherwise the same, byte for byte: docs/performance.md, f21)."""
    return re.sub(r">\s+<", "><", str(html))


ATTRS = {"class": "form-select is-invalid", "aria-describedby": 'id_x_error "quoted" <b>', "required": True}


def lot_choices():
    statuses = status_labels()
    return [
        ("", "---------"),
        (31, lot_label("L-2026-031", 'Coulis <tomate> & "basilic"', "released", statuses)),
        (7, lot_label("L-2017-007", "Pesto d'ail des ours", "blocked", statuses)),
        (3, lot_label("L&3", "<script>alert(1)</script>", "unknown-status", statuses)),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_shared_options_write_what_django_s_select_template_writes(language):
    with translation.override(language):
        choices = lot_choices()
        shared = SharedOptions(choices)
        for value in (None, "", 31, "7", "3", "999", "abc"):
            for name in ("lines-0-lot", "lines-2-lot"):
                fast = FastSelect(attrs=ATTRS)
                fast.choices = shared
                django = forms.Select(attrs=ATTRS, choices=choices)
                attrs = {"id": f"id_{name}"}
                assert _tags(fast.render(name, value, attrs=attrs)) == _tags(django.render(name, value, attrs=attrs))
        html = FastSelect(choices=shared).render("lot", 31)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Coulis &lt;tomate&gt; &amp; &quot;basilic&quot;" in html
    assert "Pesto d&#x27;ail" in html
    assert html.count(" selected>") == 1
    assert ("(Released)" if language == "en" else "(Libéré)") in html


def test_the_same_options_are_written_once_and_each_line_selects_its_own():
    shared = SharedOptions(lot_choices())
    first = FastSelect(choices=shared).render("lines-0-lot", "31")
    second = FastSelect(choices=shared).render("lines-1-lot", "7")
    assert '<option value="31" selected>' in first
    assert '<option value="7" selected>' not in first
    assert '<option value="7" selected>' in second
    assert '<option value="31" selected>' not in second
    with pytest.raises(ValueError, match="flat"):
        SharedOptions([("group", [(1, "un")])])


def _select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>.*?</select>', page, re.S).group(0)


def _selected(page: str, name: str) -> str:
    found = re.findall(r'<option value="([^"]*)" selected>', _select(page, name))
    assert len(found) == 1, name
    return found[0]


def _input(page: str, name: str) -> str:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_the_page_s_lot_lists_are_django_s_rendering_of_the_same_choices(client, chain, animator):
    Recipe.objects.filter(pk=chain.recipe.pk).update(name='Coulis <tomate> & "basilic"')
    add_lots(chain, 3, jars=5, release=True)
    client.force_login(animator)
    for language in ("fr", "en"):
        client.cookies["django_language"] = language
        response = client.get(NEW)
        assert response.status_code == 200
        page = response.content.decode()
        lists = [_select(page, f"lines-{i}-lot") for i in range(3)]
        options = re.findall(r"<option .*?</option>", lists[0])
        assert len(options) == 4  # the blank and the three lots in stock
        assert "&lt;tomate&gt; &amp; &quot;basilic&quot;" in lists[0]
        assert ("(Released)" if language == "en" else "(Libéré)") in lists[0]
        for i, html in enumerate(lists):
            assert html.replace(f"lines-{i}-lot", "lines-0-lot") == lists[0]
            choices = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', html)
            field = forms.Select(choices=[(v, unescape(label)) for v, label in choices])
            attrs = dict(re.findall(r'(\S+?)="([^"]*)"', html.split(">", 1)[0].removeprefix("<select")))
            attrs.pop("name")
            django = field.render(f"lines-{i}-lot", "", attrs={k: unescape(v) for k, v in attrs.items()})
            assert _tags(html) == _tags(django)


def test_a_refused_form_keeps_every_value_typed(client, chain, animator):
    first, second, emptied = add_lots(chain, 3, jars=5, release=True)
    add_workshops(chain, 2, registrations=0)
    workshop = Workshop.objects.filter(territory=chain.territory).order_by("starts_at").first()
    jars_discard(
        actor=chain.actor,
        lot=emptied,
        jar_format=chain.jar,
        location=chain.truck,
        quantity=5,
        broken=True,
        reason="tombés",
    )  # no jar left: no longer offered, yet kept on the line that had chosen it
    client.force_login(animator)
    data = distribution_post(
        chain,
        first,
        quantity="99",  # more than in stock: the service refuses
        kind="group_sale",
        note='Remarque <à garder> & "citée"',
        partner="",
        **{
            "lines-0-unit_price_eur": "3.50",
            "lines-1-lot": second.pk,
            "lines-1-quantity": "2",
            "lines-1-unit_price_eur": "4.25",
            "lines-2-lot": emptied.pk,
            "lines-2-quantity": "1",
            "lines-2-unit_price_eur": "0",
        },
    )
    data["workshop"] = workshop.pk
    response = client.post(NEW, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Rien n'est enregistré" in text(response)
    assert [_selected(page, f"lines-{i}-lot") for i in range(3)] == [str(first.pk), str(second.pk), str(emptied.pk)]
    assert [_selected(page, f"lines-{i}-jar_format") for i in range(3)] == [str(chain.jar.pk)] * 3
    assert [_input(page, f"lines-{i}-quantity") for i in range(3)] == ["99", "2", "1"]
    assert [_input(page, f"lines-{i}-unit_price_eur") for i in range(3)] == ["3.50", "4.25", "0"]
    assert _input(page, "note") == "Remarque &lt;à garder&gt; &amp; &quot;citée&quot;"
    assert _input(page, "day") == data["day"]
    assert _selected(page, "location") == str(chain.truck.pk)
    assert _selected(page, "payment_mode") == "cash"
    assert re.search(r'<input[^>]*value="group_sale"[^>]*checked', page)
    assert _selected(page, "workshop") == str(workshop.pk)
    # The emptied lot is offered on every line (the list is shared) but selected on the third only.
    for i in range(3):
        assert f'<option value="{emptied.pk}"' in _select(page, f"lines-{i}-lot")
