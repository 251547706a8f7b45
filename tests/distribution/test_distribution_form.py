"""The gift/sale form: a participant searched by name or number (this territory only), the chosen kind's fields,
the jars in stock beside the lot (docs/architecture.md §2: first name, number and neighbourhood only)."""

import re

import pytest

from conserverie.distribution.models import Distribution
from conserverie.distribution.views.staff import SEARCH_LIMIT
from conserverie.people.models import Participant
from conserverie.stock.services import jars_move

from ..pages import add_lots, add_participant, assert_flat_queries, queries_on, row_counts, text
from .test_views import NEW, distribution_post

SEARCH = "/t/romans/cessions/participants/chercher/"


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def released(chain):
    return add_lots(chain, 1, jars=10, release=True)[0]


def values(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["value"] for row in response.json()["results"]]


def test_search_finds_participants_by_first_name_letters(staff_client, chain):
    aicha = add_participant(chain, "Aïcha")
    add_participant(chain, "Bernard")
    assert values(staff_client.get(SEARCH, {"q": "ïch"})) == [f"Aïcha #{aicha.pk} — La Monnaie"]
    assert values(staff_client.get(SEARCH, {"q": "CHA"})) == [f"Aïcha #{aicha.pk} — La Monnaie"]
    assert values(staff_client.get(SEARCH, {"q": "zzz"})) == []
    assert values(staff_client.get(SEARCH, {"q": ""})) == []
    assert values(staff_client.get(SEARCH)) == []


def test_search_finds_a_participant_by_number(staff_client, chain):
    add_participant(chain, "Aïcha")
    bernard = add_participant(chain, "Bernard")
    assert values(staff_client.get(SEARCH, {"q": str(bernard.pk)})) == [f"Bernard #{bernard.pk} — La Monnaie"]
    assert values(staff_client.get(SEARCH, {"q": f"#{bernard.pk}"})) == [f"Bernard #{bernard.pk} — La Monnaie"]


def test_search_never_returns_another_territorys_participants(staff_client, chain, other_chain):
    ours = add_participant(chain, "Zoé")
    theirs = add_participant(other_chain, "Zoé")
    found = values(staff_client.get(SEARCH, {"q": "Zo"}))
    assert found == [f"Zoé #{ours.pk} — La Monnaie"]
    assert values(staff_client.get(SEARCH, {"q": str(theirs.pk)})) == []


def test_search_skips_erased_and_merged_participants(staff_client, chain):
    kept = add_participant(chain, "Inès")
    erased = add_participant(chain, "Inès")
    merged = add_participant(chain, "Inès")
    Participant.objects.filter(pk=erased.pk).update(erased_at="2026-01-01T00:00Z")
    Participant.objects.filter(pk=merged.pk).update(merged_into=kept)
    assert values(staff_client.get(SEARCH, {"q": "Inè"})) == [f"Inès #{kept.pk} — La Monnaie"]


def test_search_is_limited_to_twenty_and_costs_the_same_queries(staff_client, chain, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            add_participant(chain, f"Sami{i:03d}")

    url = f"{SEARCH}?q=sami"
    count = assert_flat_queries(staff_client, url, grow, django_assert_num_queries, n=10)
    assert len(values(staff_client.get(url))) == SEARCH_LIMIT == 20
    assert count == queries_on(staff_client, url)
    assert staff_client.get(url)["Cache-Control"] == "private, no-store"


def test_search_is_for_staff_of_the_territory_only(client, chain, viewer, other_coordinator):
    add_participant(chain, "Aïcha")
    assert client.get(SEARCH, {"q": "Aï"}).status_code == 302  # to the login page
    for user in (viewer, other_coordinator):
        client.force_login(user)
        assert client.get(SEARCH, {"q": "Aï"}).status_code == 404


@pytest.mark.parametrize("typed", ["{pk}", "#{pk}", " {pk} ", "Aïcha #{pk} — La Monnaie"])
def test_the_form_takes_the_number_typed_by_hand_or_a_picked_suggestion(staff_client, chain, released, typed):
    participant = add_participant(chain, "Aïcha")
    data = distribution_post(chain, released, kind="participant", participant=typed.format(pk=participant.pk))
    assert staff_client.post(NEW, data).status_code == 302
    assert Distribution.objects.get().participant == participant


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Aïcha", "Tapez quelques lettres du prénom et choisissez dans la liste, ou tapez le numéro."),
        ("999999", "Aucun participant n°999999 ici"),
    ],
)
def test_a_participant_not_found_is_said_at_the_field_and_in_the_summary(staff_client, chain, released, typed, message):
    add_participant(chain, "Aïcha")
    before = row_counts()
    response = staff_client.post(NEW, distribution_post(chain, released, kind="participant", participant=typed))
    assert response.status_code == 422
    page = text(response)
    assert "Rien n'est enregistré" in page
    assert page.count(message) == 2  # in the summary of errors at the top, and at the field
    assert re.search(r'name="participant"[^>]*value="' + re.escape(typed) + '"', page)  # nothing typed is lost
    assert re.search(r'name="participant"[^>]*is-invalid|is-invalid[^>]*name="participant"', page)
    assert row_counts() == before


def test_the_form_is_a_text_box_with_suggestions_not_a_list_of_every_resident(staff_client, chain):
    add_participant(chain, "Aïcha")
    page = text(staff_client.get(NEW))
    assert re.search(r'<input type="text" name="participant"[^>]*list="participant-options"', page)
    assert 'data-search-url="/t/romans/cessions/participants/chercher/"' in page
    assert "Aïcha" not in page


def test_each_kinds_fields_are_marked_for_the_script_and_all_shown_without_it(staff_client, chain):
    page = text(staff_client.get(NEW))
    for kinds, name in (
        ("participant group_sale", "participant"),
        ("internal", "structure"),
        ("partner", "partner"),
        ("participant", "use_credit"),
        ("group_sale", "social_price"),
    ):
        pattern = r'<div class="col-[^"]*" data-kinds="([^"]*)">(?:(?!data-kinds).)*?name="' + name + '"'
        block = re.search(pattern, page, re.S)
        assert block is not None, name
        assert block.group(1) == kinds, name
    # Without the script, every field is there.
    assert " hidden" not in page
    assert "disabled" not in page


def test_stock_per_lot_and_format_beside_the_lot_choice(staff_client, chain, released, other_chain):
    jars_move(
        actor=chain.actor, lot=released, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=4
    )
    add_lots(other_chain, 1, jars=7, release=True)
    response = staff_client.get(NEW)
    data = response.context["stock_data"]["stock"]
    assert data == {
        f"{chain.truck.pk}|{released.pk}|{chain.jar.pk}": 6,
        f"{chain.shop.pk}|{released.pk}|{chain.jar.pk}": 4,
    }
    page = text(response)
    assert 'data-stock-for="0"' in page
    table = page[page.index('data-testid="stock-table"') :]
    shop_row = rf"{chain.shop.name}</td><td>{released.code} — [^<]+</td><td>{chain.jar.name}</td><td[^>]*>4<"
    assert re.search(shop_row, table)
    assert "7</td>" not in table  # another territory's jars are not counted


def test_form_query_count_does_not_grow_with_stock_and_participants(staff_client, chain, django_assert_num_queries):
    def grow(n):
        add_lots(chain, n, jars=5, release=True)
        for i in range(n):
            add_participant(chain, f"P{i}")

    assert_flat_queries(staff_client, NEW, grow, django_assert_num_queries)
