"""Hostile input to the flower pages (issue 9, item 7, extended to issue 7's pages).

The dimension and indicator forms, the value entered by hand, and the period of every flower page (`?periode=` and
the picker's fields): never a 500, a French message, the script never echoed, nothing written. Hypothesis throws
arbitrary text at the period and at the value form. The `impact` command gets junk periods and territories
(tests/impact/test_impact_command.py has the rest).
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.impact.services import dimensions_create_defaults

from ..impact.flower_data import flower_with_indicators
from ..pages import text
from .test_robustness import BIG_INT, CHOICE_JUNK, DATE_JUNK, ENGLISH, HUGE, LONG, NUMBER_JUNK, SCRIPT
from .test_robustness import refusal_problems as strict
from .test_robustness_more import all_counts, hammer

URL = "/t/romans/impact/"
COLOUR_JUNK = ["red", "#12345", "#1234567", "#gggggg", SCRIPT, "", LONG]
# Keys a person might type or a link might carry, the edges of the accepted years among them: a period whose
# previous period falls outside 2000-2100 must still be shown (with its previous period, before 2000).
PERIOD_JUNK = [
    "2000",
    "2000-printemps",
    "2000-hiver",
    "2000-01-01..2000-12-31",
    "2000-01-01..2100-12-31",
    "2100",
    "2100-hiver",
    "1999",
    "2101",
    "0000",
    "9999-hiver",
    "2026-13",
    "2026-foo",
    "2026-02-30..2026-03-01",
    "2026-06-30..2026-06-01",
    "2026-01-01..9999-12-31",
    BIG_INT,
    HUGE,
    SCRIPT,
    LONG,
    "2026\x00",
    " ",
    "été",
]


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def flower(chain):
    return flower_with_indicators(chain)


def french(response, where) -> list[str]:
    page = text(response)
    problems = [f"{where}: English {english!r}" for english in ENGLISH if english in page]
    if SCRIPT in response.content.decode(errors="replace"):
        problems.append(f"{where}: script echoed unescaped")
    return problems


# --- Dimensions and indicators -------------------------------------------------------------------------------------


def test_dimension_new_and_edit(coord_client, flower):
    valid = {"name": "Convivialité", "description": "Manger ensemble", "colour": "#aa3300", "order": "7"}
    hostile = {
        "name": [LONG, "", "   "],
        "colour": COLOUR_JUNK,
        "order": [*NUMBER_JUNK, "100", "0.5"],
    }
    problems = hammer(coord_client, f"{URL}dimensions/nouvelle/", valid, hostile)
    edit = f"{URL}dimensions/{flower.dimensions[0].pk}/"
    problems += hammer(coord_client, edit, valid, hostile)
    assert not problems, "\n".join(problems)


def test_a_name_already_taken_is_refused_in_french_and_writes_nothing(coord_client, flower):
    taken = flower.dimensions[1].name
    coord_client.raise_request_exception = False
    before = all_counts()
    problems = []
    for name in (taken, f"  {taken}  "):
        data = {"name": name, "colour": "#aa3300", "order": "7"}
        for url in (f"{URL}dimensions/nouvelle/", f"{URL}dimensions/{flower.dimensions[0].pk}/"):
            problems += strict(coord_client.post(url, data), f"{url} {name!r}")
        data = {**indicator_data(flower), "name": f" {flower.manual.name} "}  # in the same petal
        problems += strict(coord_client.post(f"{URL}indicateurs/nouveau/", data), "indicator")
        problems += strict(coord_client.post(f"{URL}indicateurs/{flower.households.pk}/", data), "indicator edit")
    assert not problems, "\n".join(problems)
    assert all_counts() == before


def indicator_data(flower):
    return {
        "dimension": flower.dimensions[0].pk,
        "name": "Repas servis",
        "source": "manual",
        "computation": "",
        "unit": "repas",
        "target": "120",
        "weight": "1.5",
        "higher_is_better": "on",
        "manual_source": "Carnet de bord",
        "order": "3",
    }


def test_indicator_new_and_edit(coord_client, flower, other, other_coordinator):
    foreign = dimensions_create_defaults(other.territory)[0]
    hostile = {
        "dimension": [*CHOICE_JUNK, str(foreign.pk), ""],
        "source": [*CHOICE_JUNK, ""],
        "computation": CHOICE_JUNK,
        "target": NUMBER_JUNK,
        "weight": [HUGE, "-5", "abc", "NaN", "1000"],
        "order": [BIG_INT, "-5", "abc", "100"],
        "name": [LONG, "", "   "],
        "unit": [LONG],
        "manual_source": [LONG],
    }
    problems = hammer(coord_client, f"{URL}indicateurs/nouveau/", indicator_data(flower), hostile)
    problems += hammer(coord_client, f"{URL}indicateurs/{flower.manual.pk}/", indicator_data(flower), hostile)
    # A computed indicator without its computation, and a manual one that names one.
    computed = {**indicator_data(flower), "source": "computed", "computation": ""}
    problems += hammer(coord_client, f"{URL}indicateurs/nouveau/", computed, {"computation": ["", SCRIPT]})
    assert not problems, "\n".join(problems)
    assert not foreign.indicators.exists()


def test_the_new_indicator_page_with_a_junk_dimension_in_the_query(coord_client, flower):
    coord_client.raise_request_exception = False
    for value in [*CHOICE_JUNK, BIG_INT, LONG]:
        response = coord_client.get(f"{URL}indicateurs/nouveau/", {"dimension": value})
        assert response.status_code == 200, value
        assert not french(response, value)


# --- Values entered by hand ----------------------------------------------------------------------------------------


def readable(key: str) -> bool:
    try:
        Period.parse(key)
    except ValueError:
        return False
    return len(key) <= 30  # the form's limit


def test_manual_value(coord_client, flower):
    url = f"{URL}indicateurs/{flower.manual.pk}/valeur/"
    valid = {"period": "2026", "value": "12", "source_note": "Carnet de bord"}
    hostile = {
        "period": [key for key in PERIOD_JUNK if not readable(key)] + ["", "2026 " * 3],
        "value": [HUGE, BIG_INT, "abc", "NaN", "Infinity", "1,2,3", SCRIPT, ""],
        "source_note": [LONG, "", "   "],
    }
    problems = hammer(coord_client, url, valid, hostile)
    assert not problems, "\n".join(problems)


def test_a_value_at_the_edge_of_the_accepted_years_is_recorded_and_shown(coord_client, flower):
    url = f"{URL}indicateurs/{flower.manual.pk}/valeur/"
    for key in ("2000", "2000-printemps", "2000-01-01..2000-12-31", "2100-hiver"):
        response = coord_client.post(url, {"period": key, "value": "3", "source_note": "Carnet"})
        assert response.status_code == 302, (key, response.status_code)
        assert coord_client.get(response["Location"]).status_code == 200, key
    assert IndicatorValue.objects.filter(indicator=flower.manual).count() == 4


def test_values_of_a_computed_or_foreign_indicator_are_not_found(coord_client, flower, other_chain):
    coord_client.raise_request_exception = False
    other_flower = flower_with_indicators(other_chain)
    before = all_counts()
    data = {"period": "2026", "value": "12", "source_note": "Carnet"}
    for pk in (flower.kg.pk, other_flower.manual.pk, "999999", BIG_INT):
        assert coord_client.post(f"{URL}indicateurs/{pk}/valeur/", data).status_code == 404, pk
    assert coord_client.post(f"{URL}dimensions/{other_flower.dimensions[0].pk}/", data).status_code == 404
    assert coord_client.post(f"{URL}indicateurs/{other_flower.manual.pk}/", data).status_code == 404
    assert all_counts() == before


# --- The period of every page --------------------------------------------------------------------------------------


def pages(flower):
    return [
        URL,
        f"{URL}petale/{flower.dimensions[0].pk}/",
        f"{URL}fleur.svg",
        f"{URL}indicateurs/{flower.manual.pk}/valeur/",
    ]


# The same reading of the period on every page: all the keys on the flower, the edges and a few on the others.
EDGES = ["2000", "2000-printemps", "2000-01-01..2100-12-31", "1999", "2026-foo", SCRIPT, LONG]


def test_junk_periods_never_fail(coord_client, flower):
    coord_client.raise_request_exception = False
    before = all_counts()
    problems = []
    for url in pages(flower):
        for key in PERIOD_JUNK if url == URL else EDGES:
            response = coord_client.get(url, {"periode": key})
            where = f"{url}?periode={key[:40]!r}"
            if response.status_code != 200:
                problems.append(f"{where}: answered {response.status_code}")
            else:
                problems += french(response, where)
    assert not problems, "\n".join(problems)
    assert all_counts() == before


def test_an_unreadable_period_is_said_in_french_and_the_current_year_shown(coord_client, flower):
    for key in ("2026-foo", "1999", "2026-06-30..2026-06-01", "2026-02-30..2026-03-01", SCRIPT):
        page = text(coord_client.get(URL, {"periode": key}))
        reasons = ("Période illisible", "hors limites", "avant son début", "Saison inconnue", "Date impossible")
        assert any(reason in page for reason in reasons), key
        assert Period.current_year().label in page


PICKER = {
    "year": [*NUMBER_JUNK, "1999", "2101", "0", BIG_INT],
    "season": [*CHOICE_JUNK, "été"],
    "start": [*DATE_JUNK, "1999-12-31", "9999-12-31"],
    "end": [*DATE_JUNK, "2000-01-01", "9999-12-31"],
}


@pytest.mark.parametrize("which", [0, 1], ids=["flower", "petal"])
def test_the_period_picker_never_fails(coord_client, flower, which):
    url = pages(flower)[which]
    coord_client.raise_request_exception = False
    valid = {"year": "2026", "season": "ete", "start": "", "end": ""}
    problems = []
    for field, values in PICKER.items():
        for value in values:
            response = coord_client.get(url, {**valid, field: value})
            where = f"{url}?{field}={value[:40]!r}"
            if response.status_code != 200:
                problems.append(f"{where}: answered {response.status_code}")
            else:
                problems += french(response, where)
    # Both dates: in the wrong order, at the edges, one missing.
    for start, end in [("2026-06-30", "2026-06-01"), ("2000-01-01", "2100-12-31"), ("2026-01-01", "")]:
        response = coord_client.get(url, {"start": start, "end": end})
        if response.status_code != 200:
            problems.append(f"{url} {start}..{end}: answered {response.status_code}")
        else:
            problems += french(response, f"{start}..{end}")
    assert not problems, "\n".join(problems)


def test_the_edges_of_the_accepted_years_have_a_previous_period():
    for key, previous in [("2000", "1999"), ("2000-printemps", "1999-hiver")]:
        assert Period.parse(key).previous().key == previous
    span = Period.parse("2000-01-01..2100-12-31")
    assert span.previous().end.isoformat() == "1999-12-31"


def test_names_with_markup_are_shown_escaped_on_every_page(coord_client, flower):
    """A petal, an indicator and its unit named with markup, at their longest: escaped in pages, the SVG, the CLI."""
    dimension = flower.dimensions[0]
    Dimension.objects.filter(pk=dimension.pk).update(name=(SCRIPT + "Pétale" * 30)[:120], colour="#ABCDEF")
    Indicator.objects.filter(pk=flower.manual.pk).update(
        name=(SCRIPT + "Repas" * 40)[:150], unit=SCRIPT[:30], manual_source=SCRIPT
    )
    problems = []
    for page in [*pages(flower), f"{URL}dimensions/", f"{URL}indicateurs/{flower.manual.pk}/", "/reseau/"]:
        response = coord_client.get(page, {"periode": "2026"})
        if response.status_code != 200:
            problems.append(f"{page}: answered {response.status_code}")
        problems += french(response, page)
    assert not problems, "\n".join(problems)
    out = StringIO()
    call_command("impact", "--territory", "romans", "--period", "2026", "--json", stdout=out)
    assert SCRIPT[:30] in json.loads(out.getvalue())["dimensions"][0]["indicators"][-1]["unit"]


def test_huge_numbers_in_urls_are_not_found(coord_client, flower):
    coord_client.raise_request_exception = False
    for url in (
        f"{URL}petale/{BIG_INT}/",
        f"{URL}dimensions/{BIG_INT}/",
        f"{URL}indicateurs/{BIG_INT}/",
        f"{URL}indicateurs/{BIG_INT}/valeur/",
    ):
        assert coord_client.get(url).status_code == 404, url


# --- Hypothesis ---------------------------------------------------------------------------------------------------

period_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9]{1,5}(-[a-zé]{0,10})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.dates().map(lambda d: f"{d.isoformat()}..{d.isoformat()}"),
)


@hyp_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=period_text)
def test_the_flower_never_fails_on_an_arbitrary_period(coord_client, flower, key):
    coord_client.raise_request_exception = False
    response = coord_client.get(URL, {"periode": key})
    assert response.status_code == 200, (key, response.status_code)
    assert not any(english in text(response) for english in ENGLISH)


@hyp_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=period_text, value=st.one_of(st.text(max_size=30), st.decimals(allow_nan=True).map(str)))
def test_the_value_form_never_fails_on_arbitrary_input(coord_client, flower, key, value):
    coord_client.raise_request_exception = False
    before = all_counts()
    url = f"{URL}indicateurs/{flower.manual.pk}/valeur/"
    response = coord_client.post(url, {"period": key, "value": value, "source_note": "Carnet"})
    assert response.status_code in (302, 422), (key, value, response.status_code)
    if response.status_code == 422:
        assert all_counts() == before
        assert not any(english in text(response) for english in ENGLISH)


# --- The impact command ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["2000", "2000-printemps", "2000-01-01..2100-12-31", "2100-hiver"])
def test_the_command_shows_the_edges_of_the_accepted_years(flower, key):
    out = StringIO()
    call_command("impact", "--territory", "romans", "--period", key, "--json", stdout=out)
    assert json.loads(out.getvalue())["period"] == key


@pytest.mark.parametrize(
    ("territory", "period"),
    [
        ("romans", "1999"),
        ("romans", LONG),
        ("romans", SCRIPT),
        ("romans", "2026\n2027"),
        ("romans", "2026\x00"),
        ("romans", "9999-hiver"),
        ("romans", BIG_INT),
        ("romans", ""),
        (LONG, "2026"),
        (SCRIPT, "2026"),
        ("romans\nvercors", "2026"),
        ("", "2026"),
    ],
)
def test_the_command_refuses_junk_in_one_french_line(flower, territory, period):
    before = all_counts()
    with pytest.raises(CommandError) as caught:
        call_command("impact", "--territory", territory, "--period", period, stdout=StringIO())
    message = str(caught.value)
    assert "\n" not in message
    assert "inconnu" in message or "illisible" in message or "hors limites" in message, message[:200]
    assert all_counts() == before
