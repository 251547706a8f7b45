"""Hostile input to the collection rounds' pages (issue 9, item 7, extended to the rounds).

Planning a round, confirming and cancelling it (also when it is no longer in the right state), the driver's
weighed kg for a stop, and finishing the round. Never a 500, a French message, the script never echoed, nothing
written. Hypothesis throws arbitrary text at the driver's kg.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from conserverie.sourcing.models import CollectionRound, RoundStop
from conserverie.sourcing.round_services import round_cancel, round_confirm, round_stop_record

from ..pages import text
from ..sourcing.rounds_world import accepted_offer, accepted_offers, add_stops, add_vehicle, planned_round, round_day
from .test_robustness import BIG_INT, CHOICE_JUNK, DATE_JUNK, ENGLISH, HUGE, LONG, NUMBER_JUNK, SCRIPT
from .test_robustness_more import PAGE_JUNK, TIME_JUNK, all_counts, hammer, problems_of

ROUNDS = "/t/romans/tournees/"
NEW = f"{ROUNDS}nouvelle/"


def url(collection_round, tail=""):
    return f"{ROUNDS}{collection_round.pk}/{tail}"


@pytest.fixture(autouse=True)
def quick_solver(monkeypatch):
    monkeypatch.setattr("conserverie.sourcing.round_services.SOLVER_SECONDS", 0.1)


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    client.raise_request_exception = False
    return client


@pytest.fixture
def truck(romans):
    return add_vehicle(romans.territory)


@pytest.fixture
def planned(romans, coordinator, tomato, truck):
    """A confirmed round of two stops, ready for the driver."""
    collection_round = planned_round(coordinator, romans.territory, tomato, vehicle=truck, n=2)
    return round_confirm(actor=coordinator, collection_round=collection_round)


def followed_problems(client, response, where) -> list[str]:
    """A refusal answered with a redirect: the page it leads to says why, in French."""
    if response.status_code != 302:
        return problems_of(response, where)
    page = client.get(response["Location"])
    problems = problems_of(page, where, strict=False)
    if "alert-danger" not in page.content.decode() and "text-danger" not in page.content.decode():
        problems.append(f"{where}: no message after the redirect")
    return problems


# --- Planning -------------------------------------------------------------------------------------------------------


def test_plan_form(coord_client, romans, other, coordinator, tomato, truck):
    offers = accepted_offers(coordinator, romans.territory, tomato, 2)
    foreign_truck = add_vehicle(other.territory, name="Camion du Vercors")
    valid = {"day": round_day().isoformat(), "vehicle": truck.pk, "departure": "08:00", "back_by": "17:00"}
    hostile = {
        "day": [*DATE_JUNK, "9999-12-31", "0001-01-01", (timezone.localdate() - timedelta(days=1)).isoformat()],
        "vehicle": [*CHOICE_JUNK, str(foreign_truck.pk), ""],
        "departure": [*TIME_JUNK, "17:00"],
        "back_by": [*TIME_JUNK, "08:00", "07:00"],
        "required": [*CHOICE_JUNK, str(offers[0].pk + 1000)],
    }
    problems = hammer(coord_client, NEW, valid, hostile)
    assert not problems, "\n".join(problems)
    assert not CollectionRound.objects.exists()


def test_a_required_offer_of_another_territory_is_refused(
    coord_client, romans, other, coordinator, other_coordinator, tomato, truck
):
    accepted_offers(coordinator, romans.territory, tomato, 2)
    foreign = accepted_offer(
        other_coordinator, other.territory, tomato, ("Ferme du Vercors", "Vassieux", "44.9", "5.3")
    )
    valid = {"day": round_day().isoformat(), "vehicle": truck.pk, "departure": "08:00", "back_by": "17:00"}
    problems = hammer(coord_client, NEW, valid, {"required": [str(foreign.pk)]})
    assert not problems, "\n".join(problems)


def test_the_plan_page_with_junk_in_the_query(coord_client, romans, coordinator, tomato, truck):
    accepted_offers(coordinator, romans.territory, tomato, 2)
    problems = []
    for value in [*DATE_JUNK, "9999-12-31", "0001-01-01", LONG, BIG_INT]:
        response = coord_client.get(NEW, {"day": value, "vehicle": SCRIPT, "required": SCRIPT})
        if response.status_code != 200:
            problems.append(f"day={value[:30]!r}: answered {response.status_code}")
        problems += problems_of(response, f"day={value[:30]!r}", strict=False)
    assert not problems, "\n".join(problems)


def test_the_list_filters(coord_client, planned):
    problems = []
    for name, values in {"status": CHOICE_JUNK, "q": [LONG, SCRIPT, "%", "\\"], "page": PAGE_JUNK}.items():
        for value in values:
            response = coord_client.get(ROUNDS, {name: value})
            if response.status_code != 200:
                problems.append(f"{name}={value[:30]!r}: answered {response.status_code}")
            problems += problems_of(response, f"{name}={value[:30]!r}", strict=False)
    assert not problems, "\n".join(problems)


# --- Confirming, cancelling: out of turn -----------------------------------------------------------------------------


def test_confirm_and_cancel_out_of_turn_say_why_and_write_nothing(coord_client, romans, coordinator, tomato, planned):
    problems = []
    before = all_counts()
    # Confirmed already: confirming again is refused.
    problems += followed_problems(coord_client, coord_client.post(url(planned, "confirmer/")), "confirm twice")
    assert all_counts() == before
    round_stop_record(actor=coordinator, stop=planned.stops.order_by("sequence").first(), kg=Decimal("10"))
    before = all_counts()
    # A stop is recorded: the round can no longer be cancelled.
    problems += followed_problems(coord_client, coord_client.post(url(planned, "annuler/")), "cancel once recorded")
    assert all_counts() == before
    # A cancelled round is neither confirmed nor cancelled again, nor driven, nor finished.
    other_round = planned_round(coordinator, romans.territory, tomato, n=1)
    round_cancel(actor=coordinator, collection_round=other_round)
    before = all_counts()
    for tail in ("confirmer/", "annuler/"):
        problems += followed_problems(coord_client, coord_client.post(url(other_round, tail)), f"cancelled {tail}")
    problems += followed_problems(coord_client, coord_client.post(url(other_round, "terminer/"), {"km": "12"}), "end")
    assert not problems, "\n".join(problems)
    assert all_counts() == before
    other_round.refresh_from_db()
    assert other_round.status == CollectionRound.Status.CANCELLED


def test_unknown_rounds_are_not_found(coord_client, planned):
    for tail in ("", "confirmer/", "annuler/", "feuille.pdf", "chauffeur/", "terminer/"):
        for pk in ("999999", BIG_INT):
            response = coord_client.post(f"{ROUNDS}{pk}/{tail}", {"km": "3"})
            assert response.status_code in (404, 405), (tail, pk, response.status_code)
    assert coord_client.get(f"{ROUNDS}%3Cscript%3E/").status_code == 404


# --- The driver's page ----------------------------------------------------------------------------------------------


def test_the_driver_form(coord_client, planned):
    first = planned.stops.order_by("sequence").first()
    driver = url(planned, "chauffeur/")
    valid = {"stop": first.pk, f"s{first.pk}-kg": "47.5"}
    hostile = {
        f"s{first.pk}-kg": [HUGE, BIG_INT, "-5", "abc", "NaN", "Infinity", "1,2,3", SCRIPT, "", "0", "1234567.891"],
    }
    problems = hammer(coord_client, driver, valid, hostile)
    # The stop named by the form: unknown, junk, of another round, or a stop the planner left out.
    before = all_counts()
    for value in [*CHOICE_JUNK, "", BIG_INT]:
        response = coord_client.post(driver, {**valid, "stop": value})
        problems += followed_problems(coord_client, response, f"stop={value[:30]!r}")
    assert all_counts() == before
    assert not problems, "\n".join(problems)


def test_the_driver_cannot_record_a_stop_twice_nor_on_a_round_not_confirmed(
    coord_client, romans, coordinator, tomato, planned
):
    first = planned.stops.order_by("sequence").first()
    driver = url(planned, "chauffeur/")
    assert coord_client.post(driver, {"stop": first.pk, f"s{first.pk}-kg": "12"}).status_code == 302
    before = all_counts()
    # Recorded already (a second phone, a double tap): the reason is said at the top of the page.
    response = coord_client.post(driver, {"stop": first.pk, f"s{first.pk}-kg": "13"})
    problems = followed_problems(coord_client, response, "twice")
    response = coord_client.post(driver, {"stop": first.pk, f"s{first.pk}-nothing": "on"})
    problems += followed_problems(coord_client, response, "nothing")
    draft = planned_round(coordinator, romans.territory, tomato, n=1)
    before = all_counts()
    stop = draft.stops.filter(sequence__isnull=False).first()
    response = coord_client.post(url(draft, "chauffeur/"), {"stop": stop.pk, f"s{stop.pk}-kg": "12"})
    problems += followed_problems(coord_client, response, "draft")
    # A stop of one round posted to another round's page.
    response = coord_client.post(driver, {"stop": stop.pk, f"s{stop.pk}-kg": "12"})
    problems += followed_problems(coord_client, response, "stop of another round")
    assert not problems, "\n".join(problems)
    assert all_counts() == before
    assert RoundStop.objects.get(pk=stop.pk).status == RoundStop.Status.PENDING


def test_finishing(coord_client, coordinator, planned):
    finish = url(planned, "terminer/")
    problems = []
    before = all_counts()
    # Not every stop recorded yet.
    problems += followed_problems(coord_client, coord_client.post(finish, {"km": "30"}), "too early")
    for stop in planned.stops.filter(sequence__isnull=False):
        round_stop_record(actor=coordinator, stop=stop, kg=Decimal("10"))
    before = all_counts()
    for value in [*NUMBER_JUNK, "0", "1234567.8", "12.345"]:
        response = coord_client.post(finish, {"km": value})
        problems += followed_problems(coord_client, response, f"km={value[:30]!r}")
        if all_counts() != before:
            problems.append(f"km={value[:30]!r}: something was written")
            before = all_counts()
    assert not problems, "\n".join(problems)
    planned.refresh_from_db()
    assert planned.status == CollectionRound.Status.PLANNED


# --- Hypothesis ---------------------------------------------------------------------------------------------------

kg_text = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,12}([.,][0-9]{0,5})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@hyp_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kg=kg_text)
def test_the_driver_kg_never_fails_on_arbitrary_input(coord_client, coordinator, tomato, planned, kg):
    stop = planned.stops.filter(sequence__isnull=False, status=RoundStop.Status.PENDING).first()
    if stop is None:  # every stop recorded by earlier examples: one more farm on the way
        add_stops(planned, coordinator, tomato, 1)
        stop = planned.stops.filter(sequence__isnull=False, status=RoundStop.Status.PENDING).get()
    before = all_counts()
    response = coord_client.post(url(planned, "chauffeur/"), {"stop": stop.pk, f"s{stop.pk}-kg": kg})
    assert response.status_code in (302, 422), (kg, response.status_code)
    if response.status_code == 422:
        assert all_counts() == before
        assert not any(english in text(response) for english in ENGLISH)
    else:
        stop.refresh_from_db()
        assert stop.raw_lot is not None and Decimal("0") < stop.raw_lot.kg < Decimal("1000000")
