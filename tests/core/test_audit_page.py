"""The coordinators' audit page: who did what and when, one territory only, filters, paging, flat query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conserverie.people.audit import SOCIAL_FIELDS, log_participant_read
from conserverie.people.models import AccessLog, Participant
from conserverie.reporting.audit_trail import HISTORY_SOURCES, audit_page

from ..conftest import build_chain, make_user
from ..pages import add_distributions, add_lots, add_participant, add_stock_activity, add_workshops, text

URL = "/t/romans/audit/"


@pytest.fixture
def busy(chain, coordinator):
    add_stock_activity(chain, 1)
    add_distributions(chain, 2)
    add_workshops(chain, 1, registrations=1)
    people = list(Participant.objects.filter(territory=chain.territory))
    log_participant_read(
        actor=coordinator,
        territory=chain.territory,
        participants=people,
        fields=list(SOCIAL_FIELDS),
        purpose="registre",
    )
    return chain


def test_coordinator_reads_every_kind_of_record(client, busy, coordinator):
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "Journal d'audit" in page
    for label in ("Lot de production", "Lot brut", "Recette", "Cession ou vente", "Atelier", "Inscription"):
        assert label in page, label
    assert "Mouvement de stock" in page
    assert "Lecture de données sociales" in page
    assert "household_size,priority_area · registre" in page
    assert "coord" in page


def test_other_territory_rows_never_show(client, busy, other, other_coordinator, tomato):
    other_chain = build_chain(other, other_coordinator, tomato)
    add_lots(other_chain, 1)
    add_participant(other_chain, "Zélie")
    page = audit_page(busy.territory, per_page=1000)
    assert page.entries
    assert all(e.username != other_coordinator.username for e in page.entries)
    other_page = audit_page(other.territory, per_page=1000)
    assert other_page.entries
    assert all(e.username == "coord-vercors" or not e.username for e in other_page.entries)


def test_animators_and_viewers_are_refused_and_the_menu_is_for_coordinators(client, chain, coordinator, animator):
    client.force_login(animator)
    assert client.get(URL).status_code == 404
    assert URL not in client.get("/t/romans/").content.decode()
    client.force_login(coordinator)
    assert URL in client.get("/t/romans/").content.decode()


def test_filters_by_person_kind_and_dates(client, busy, coordinator, romans):
    other_person = make_user("anim2", romans.territory, "animator")
    log_participant_read(
        actor=other_person,
        territory=romans.territory,
        participants=Participant.objects.filter(territory=romans.territory)[:1],
        fields=["household_size"],
        purpose="fiche",
    )
    by_person = audit_page(romans.territory, user_id=other_person.pk, per_page=1000)
    assert [e.detail for e in by_person.entries] == ["household_size · fiche"]
    stock_only = audit_page(romans.territory, kind="stock", per_page=1000).entries
    assert stock_only
    assert {e.kind for e in stock_only} == {"stock"}
    today = timezone.localdate()
    assert audit_page(romans.territory, since=today, until=today, per_page=1000).entries
    assert not audit_page(romans.territory, since=today + timedelta(days=1), per_page=1000).entries
    assert not audit_page(romans.territory, until=today - timedelta(days=1), per_page=1000).entries

    client.force_login(coordinator)
    page = text(client.get(URL, {"person": other_person.pk}))
    assert "· fiche" in page
    assert "· registre" not in page


def test_bad_filters_give_a_french_message_not_an_error(client, busy, coordinator, other_coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"since": "2026-06-10", "until": "2026-06-01"})
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in text(response)
    for junk in ({"kind": "nope"}, {"since": "hier"}, {"person": other_coordinator.pk}, {"page": "x"}, {"page": "99"}):
        response = client.get(URL, junk)
        assert response.status_code == 200, junk


def test_paging_is_newest_first_and_complete(busy):
    territory = busy.territory
    everything = audit_page(territory, per_page=10_000).entries
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)
    pages, number = [], 1
    while True:
        page = audit_page(territory, page=number, per_page=7)
        pages += page.entries
        if not page.has_next:
            break
        number += 1
    assert len(pages) == len(everything)
    assert audit_page(territory, page=10_000).too_deep


def test_query_count_is_one_per_source_and_does_not_grow(client, chain, coordinator):
    client.force_login(coordinator)
    client.get(URL)  # warm the session and the role cache

    def grow(n):
        add_stock_activity(chain, n)
        add_distributions(chain, n)
        log_participant_read(
            actor=coordinator,
            territory=chain.territory,
            participants=Participant.objects.filter(territory=chain.territory),
            fields=["household_size"],
            purpose="registre",
        )

    counts = []
    for n in (1, 3):
        grow(n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    sources = len(HISTORY_SOURCES) + 3  # the stock ledger, the access log, the sign-in security events
    assert counts[0] <= sources + 6, counts  # session, user, territory, roles, people of the filter
    assert AccessLog.objects.exists()


def test_the_calendar_s_first_and_last_days_bound_nothing():
    """Their local midnights have no UTC value: a filter from 1 January of year 1 or to 31 December 9999 was a 500."""
    from datetime import date

    from conserverie.reporting.audit_trail import _bounds

    assert _bounds(date.min, date.max) == (None, None)
    start, end = _bounds(date(2026, 6, 10), date(2026, 6, 10))
    assert (end - start).total_seconds() == 24 * 3600
