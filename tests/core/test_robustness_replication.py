"""Hostile input to the replication kit and the network view (issue 9, item 7, extended to issue 8's pages).

The kit's three screens (a value the first screen lets through must be refused at the last one, with the screen to
go back to, and write nothing), forged formsets on the second screen, the launch page's calendar form (read from
the query string and posted), and the network view's `?periode=`. Never a 500, a French message, the script never
echoed, nothing written.
"""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from conserverie.replication.forms import SiteFormSet, StructureFormSet
from conserverie.territories.models import Territory

from ..economics.test_replication_pages import STEP1, STEP2, formset
from ..helpers import next_monday
from ..pages import text
from .test_robustness import BIG_INT, CHOICE_JUNK, DATE_JUNK, ENGLISH, HUGE, LONG, NUMBER_JUNK, SCRIPT
from .test_robustness import refusal_problems as strict
from .test_robustness_more import all_counts, hammer, problems_of

KIT = "/t/romans/transfert/"
LAUNCH = "/t/romans/transfert/demarrage/"
STEP3 = {"vehicle_name": "Camion", "vehicle_capacity_kg": "600", "copy": ["recipes", "prices"]}


@pytest.fixture
def coord_client(client, chain, coordinator):
    client.force_login(coordinator)
    client.raise_request_exception = False
    return client


def test_first_screen(coord_client):
    hostile = {
        "name": [LONG, ""],
        "slug": [SCRIPT, "Crest Ville", "é", LONG, ""],
        "code": [SCRIPT, "ABCD", ""],
        "hub_lat": [HUGE, BIG_INT, "abc", "NaN", "Infinity", "1,2,3", SCRIPT, ""],
        "hub_lon": [HUGE, BIG_INT, "abc", "NaN", SCRIPT, ""],
        "radius_km": [HUGE, "abc", "NaN", "1.5", SCRIPT, ""],
        "organisation": [LONG],
        "address": [LONG],
    }
    problems = hammer(coord_client, KIT, STEP1, hostile)
    assert not problems, "\n".join(problems)


# What the first screen lets through (a number is a number there) but the territory cannot be made of.
LATE = {
    "hub_lat": ["91", "-90.5"],
    "hub_lon": ["181", "-180.000001"],
    "radius_km": ["0", "-5", "101", BIG_INT],
    "slug": ["romans", "-crest", "crest-"],
    "code": ["ROM", "R0M", "ab", "12"],
}


def test_what_the_first_screen_lets_through_is_refused_at_the_last_one(coord_client):
    problems = []
    before = all_counts()
    for field, values in LATE.items():
        for value in values:
            where = f"{field}={value[:30]!r}"
            response = coord_client.post(KIT, {**STEP1, field: value})
            if response.status_code == 422:  # refused at once: fine too
                problems += strict(response, where)
                continue
            assert coord_client.post(f"{KIT}lieux/", STEP2).status_code == 302, where
            response = coord_client.post(f"{KIT}confirmer/", STEP3)
            problems += strict(response, where)
            if response.status_code == 422 and "Étape 1" not in text(response):
                problems.append(f"{where}: the screen to go back to is not named")
            if all_counts() != before:
                problems.append(f"{where}: something was written")
                before = all_counts()
    assert not problems, "\n".join(problems)
    assert not Territory.objects.exclude(slug__in=["romans"]).exists()


def test_second_screen(coord_client):
    assert coord_client.post(KIT, STEP1).status_code == 302
    hostile = {
        "structures-0-name": [LONG],
        "structures-0-kind": [*CHOICE_JUNK, ""],
        "structures-0-city": [LONG],
        "sites-0-kind": [*CHOICE_JUNK, ""],
        "sites-0-name": [LONG],
        "sites-0-structure": [LONG],
    }
    problems = hammer(coord_client, f"{KIT}lieux/", STEP2, hostile)
    for prefix in ("structures", "sites"):  # forged management forms: refused with a message, never a 500
        forged = {f"{prefix}-TOTAL_FORMS": ["abc", "-1", BIG_INT, "", SCRIPT, "1000"]}
        problems += hammer(coord_client, f"{KIT}lieux/", STEP2, forged)
    assert not problems, "\n".join(problems)


def test_the_kit_formsets_build_at_most_their_maximum_rows():
    """Django builds up to max_num + 1000 rows for a forged TOTAL_FORMS: capped at the maximum, as elsewhere."""
    for kit_formset in (StructureFormSet, SiteFormSet):
        assert kit_formset.absolute_max == kit_formset.max_num, kit_formset


def test_second_screen_names_refused_at_the_last_one(coord_client):
    """A site naming a structure that is not on the list, or two structures of one name: said at the last screen."""
    problems = []
    before = all_counts()
    structures = [{"name": "Centre social", "kind": "social_centre", "city": "Crest"}]
    cases = {
        "unknown structure": {
            **formset("structures", structures, 4),
            **formset("sites", [{"name": "Halle", "kind": "market", "city": "Crest", "structure": SCRIPT}], 6),
        },
        "same name twice": {
            **formset("structures", structures * 2, 4),
            **formset("sites", [], 6),
        },
        "site without a city": {
            **formset("structures", structures, 4),
            **formset("sites", [{"name": "Halle", "kind": "market", "city": "   "}], 6),
        },
    }
    for where, step2 in cases.items():
        assert coord_client.post(KIT, STEP1).status_code == 302
        response = coord_client.post(f"{KIT}lieux/", step2)
        if response.status_code == 422:
            problems += strict(response, where)
            continue
        response = coord_client.post(f"{KIT}confirmer/", STEP3)
        problems += strict(response, where)
        if all_counts() != before:
            problems.append(f"{where}: something was written")
            before = all_counts()
    assert not problems, "\n".join(problems)


def test_going_back_to_the_second_screen_and_on_keeps_every_row(coord_client):
    """A page the browser's Back button shows again (no initial rows in its management form) posted unchanged: its
    rows equal what the draft holds, and still count (they were once taken for untouched empty rows and dropped)."""
    assert coord_client.post(KIT, STEP1).status_code == 302
    assert coord_client.post(f"{KIT}lieux/", STEP2).status_code == 302
    assert 'value="Centre social de Crest"' in text(coord_client.get(f"{KIT}lieux/"))
    assert coord_client.post(f"{KIT}lieux/", STEP2).status_code == 302
    assert len(coord_client.session["replication"]["structures"]) == 1
    # As the page sends it (one initial row), too.
    assert coord_client.post(f"{KIT}lieux/", {**STEP2, "structures-INITIAL_FORMS": "1"}).status_code == 302
    assert len(coord_client.session["replication"]["structures"]) == 1
    structures = [
        {"name": "Centre social de Crest", "kind": "social_centre", "city": "Crest"},
        {"name": "Épicerie solidaire", "kind": "social_centre", "city": "Crest"},
    ]
    assert coord_client.post(f"{KIT}lieux/", {**STEP2, **formset("structures", structures, 4)}).status_code == 302
    names = [row["name"] for row in coord_client.session["replication"]["structures"]]
    assert names == ["Centre social de Crest", "Épicerie solidaire"]


def test_third_screen(coord_client):
    assert coord_client.post(KIT, STEP1).status_code == 302
    assert coord_client.post(f"{KIT}lieux/", STEP2).status_code == 302
    hostile = {
        "vehicle_name": [LONG, "", "   "],
        "vehicle_capacity_kg": [*NUMBER_JUNK, "0", "49", "5001"],
        "copy": CHOICE_JUNK,
    }
    problems = hammer(coord_client, f"{KIT}confirmer/", STEP3, hostile)
    assert not problems, "\n".join(problems)


def test_screens_out_of_order_send_back_without_writing(client, coordinator, chain):
    client.force_login(coordinator)
    before = all_counts()
    assert client.post(f"{KIT}confirmer/", STEP3).status_code == 302
    assert client.post(f"{KIT}lieux/", STEP2).status_code == 302
    assert all_counts() == before


# --- The launch page's calendar -------------------------------------------------------------------------------------

CALENDAR = {"first_date": next_monday().isoformat(), "workshops_per_week": "2", "weeks": "10"}
CALENDAR_HOSTILE = {
    "first_date": [*DATE_JUNK, "9999-12-31", "9999-12-01", "9000-01-01", "2000-01-03"],
    "workshops_per_week": [*NUMBER_JUNK, "0", "6"],
    "weeks": [*NUMBER_JUNK, "0", "53"],
}


def test_the_calendar_form_posted(coord_client):
    problems = hammer(coord_client, LAUNCH, CALENDAR, CALENDAR_HOSTILE)
    assert not problems, "\n".join(problems)


def test_the_calendar_form_in_the_query_string(coord_client):
    before = all_counts()
    problems = []
    for field, values in CALENDAR_HOSTILE.items():
        for value in values:
            response = coord_client.get(LAUNCH, {**CALENDAR, field: value})
            where = f"?{field}={value[:30]!r}"
            if response.status_code != 200:
                problems.append(f"{where}: answered {response.status_code}")
            else:
                problems += problems_of(response, where, strict=False)
    assert not problems, "\n".join(problems)
    assert all_counts() == before


# --- The network view ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["2000", "2000-printemps", "2000-01-01..2100-12-31", "1999", "2101", "2026-foo", SCRIPT, LONG, BIG_INT, " "],
)
def test_the_network_view_never_fails_on_a_junk_period(coord_client, key):
    response = coord_client.get("/reseau/", {"periode": key})
    assert response.status_code == 200, response.status_code
    assert not problems_of(response, key[:30], strict=False)


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.one_of(st.text(max_size=40), st.from_regex(r"[0-9]{4}(-[a-zé]{0,10})?", fullmatch=True)))
def test_the_network_view_never_fails_on_an_arbitrary_period(coord_client, key):
    response = coord_client.get("/reseau/", {"periode": key})
    assert response.status_code == 200, (key, response.status_code)
    assert not any(english in text(response) for english in ENGLISH)


@pytest.mark.parametrize(
    ("query", "number"),
    [(SCRIPT, "2"), (LONG, "0"), (BIG_INT, "-1"), (" ", BIG_INT), ("%", "abc"), ("_", ""), ("é" * 300, "1e9")],
)
def test_the_network_view_never_fails_on_a_junk_search_or_page(coord_client, query, number):
    response = coord_client.get("/reseau/", {"q": query, "page": number})
    assert response.status_code == 200, response.status_code
    assert not problems_of(response, query[:30], strict=False)
