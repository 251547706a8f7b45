"""Every form sent back with errors says what is wrong at the top, links each error to its field, keeps what was
typed (issue 19, item 4): the public sign-up, the farmer's offer and a staff form, through the one summary of
base.html."""

import re
from datetime import timedelta

import pytest
from django import forms

from conserverie.core.templatetags.form_errors import collect
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..pages import row_counts, text
from ..workshops.public_data import future_workshop
from ..workshops.test_public import signup


def summary_of(page: str) -> str:
    match = re.search(r'<div id="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_wrong_signup_shows_a_summary_linked_to_each_field_and_keeps_what_was_typed(client, chain):
    workshop = future_workshop(chain)
    before = row_counts()
    response = client.post(
        f"/ateliers/{workshop.pk}/", signup(phone="", email="", household_size="abc", first_name="Nadia Z")
    )
    assert response.status_code == 422
    page = text(response)
    summary = summary_of(page)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "à corriger" in summary
    assert 'href="#id_household_size"' in summary
    # Each link points to an input that exists on the page.
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in page
    # What the person typed is still there.
    assert 'value="Nadia Z"' in page
    assert 'value="La Monnaie"' in page
    assert row_counts() == before
    # The summary comes before the form: the first thing of <main>.
    assert page.index('id="error-summary"') < page.index('name="first_name"')
    assert "/static/js/forms.js" in page


def test_a_service_refusal_is_in_the_summary_too(client, chain):
    workshop = future_workshop(chain)
    response = client.post(f"/ateliers/{workshop.pk}/", signup(party_size="0"))
    assert response.status_code == 422
    assert "id_party_size" in summary_of(text(response))


def test_a_page_without_errors_has_no_summary(client, chain):
    workshop = future_workshop(chain)
    assert 'id="error-summary"' not in text(client.get(f"/ateliers/{workshop.pk}/"))


@pytest.fixture
def farmer_client(client, chain, clock):
    clock(DAY)
    client.force_login(make_user("fermiere", chain.territory, Role.PRODUCER, producer=chain.farm))
    return client


def test_the_farmers_offer_with_dates_in_the_wrong_order_gets_the_summary(farmer_client, chain):
    data = {
        "product": chain.tomato.pk,
        "kg_estimated": "45",
        "grade": "downgraded",
        "mode": "collect",
        "available_from": DAY.isoformat(),
        "available_until": (DAY - timedelta(days=1)).isoformat(),
        "note": "Tomates tachées",
    }
    response = farmer_client.post("/producteur/", data)
    assert response.status_code == 422
    summary = summary_of(text(response))
    assert 'href="#id_available_until"' in summary
    assert "La fin de disponibilité doit suivre le début." in summary
    assert "Tomates tachées" in text(response)


def test_a_staff_form_gets_the_summary(client, chain, coordinator):
    client.force_login(coordinator)
    url = f"/t/{chain.territory.slug}/ateliers/nouveau/"
    response = client.post(url, {"title": "", "capacity": "-3"})
    assert response.status_code in (200, 422)
    summary = summary_of(text(response))
    assert 'href="#id_title"' in summary


class Sample(forms.Form):
    name = forms.CharField(label="Nom")
    kind = forms.ChoiceField(label="Sorte", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    def clean(self):
        raise forms.ValidationError("Tout est faux.")


def test_collect_lists_non_field_errors_radios_formsets_and_skips_unchecked_forms():
    checked = Sample({})
    assert not checked.is_valid()
    unchecked = Sample({})  # bound, never validated by the view: not validated to be printed
    formset = forms.formset_factory(Sample, extra=0)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "x"}
    )
    assert not formset.is_valid()
    items = collect([checked, unchecked, formset, "text", None])
    messages = [item["message"] for item in items]
    assert messages.count("Tout est faux.") == 2
    assert {"label": "Sorte", "message": "Ce champ est obligatoire.", "target": "id_kind_0"} in items
    assert any(item["label"] == "Ligne 1 — Sorte" and item["target"] == "id_form-0-kind_0" for item in items)
    assert unchecked._errors is None
