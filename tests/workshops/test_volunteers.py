"""Volunteer hours: recorded through the service, refused when impossible, totalled per person and season."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conserverie.workshops.models import VolunteerHours
from conserverie.workshops.volunteers import hours_by_person_and_season, season_totals, volunteer_hours_record

from ..conftest import DAY
from ..helpers import history_user, refused
from ..pages import add_participant, assert_flat_queries, row_counts, text

URL = "/t/romans/participants/benevoles/"


def record(chain, actor=None, **kwargs):
    values = {"date": DAY, "hours": Decimal("3"), "activity": "Épluchage", **kwargs}
    return volunteer_hours_record(actor=actor or chain.actor, territory=chain.territory, **values)


def test_hours_are_recorded_with_their_author(chain):
    row = record(chain, participant=add_participant(chain))
    assert row.hours == Decimal("3")
    assert history_user(row) == chain.actor


@pytest.mark.parametrize(
    ("hours", "field"), [(Decimal("-1"), "hours"), (Decimal("0"), "hours"), (Decimal("24.5"), "hours")]
)
def test_negative_zero_or_more_than_a_day_is_refused(chain, hours, field):
    participant = add_participant(chain)
    with refused(field=field):
        record(chain, participant=participant, hours=hours)


def test_one_person_exactly_an_activity_and_no_future_date(chain, animator):
    participant = add_participant(chain)
    with refused(field="participant"):
        record(chain)
    with refused(field="participant"):
        record(chain, participant=participant, user=animator)
    with refused(field="activity"):
        record(chain, participant=participant, activity="  ")
    with refused(field="date"):
        record(chain, participant=participant, date=timezone.localdate() + timedelta(days=2))


def test_another_territory_is_refused(chain, other, other_coordinator):
    participant = add_participant(chain)
    with refused(exc=PermissionDenied):
        record(chain, actor=other_coordinator, participant=participant)


def test_totals_per_person_and_season_valued_at_the_smic(chain, animator):
    """Each day at the SMIC in force that day (the dated table): 12.02 € in 2026, 11.88 € in June 2025."""
    amina = add_participant(chain, "Amina")
    record(chain, participant=amina, hours=Decimal("2.5"))
    record(chain, participant=amina, hours=Decimal("1.5"), date=DAY + timedelta(days=1))
    record(chain, user=animator, hours=Decimal("3"))
    record(chain, participant=amina, hours=Decimal("2"), date=DAY.replace(year=2025))
    rows = hours_by_person_and_season(chain.territory)
    first = next(r for r in rows if r["season"] == 2026 and r["participant_id"] == amina.pk)
    assert first["hours"] == Decimal("4")
    assert first["value_eur"] == Decimal("48.08")  # 4 h × 12.02
    totals = {t["season"]: t for t in season_totals(rows)}
    assert totals[2026]["hours"] == Decimal("7")
    assert totals[2026]["value_eur"] == Decimal("84.14")  # 7 h × 12.02
    assert totals[2025]["people"] == 1
    assert totals[2025]["value_eur"] == Decimal("23.76")  # 2 h × 11.88


def test_the_page_lists_and_records_hours(client, chain, animator):
    client.force_login(animator)
    amina = add_participant(chain, "Amina")
    response = client.post(
        URL, {"participant": amina.pk, "date": DAY.isoformat(), "hours": "2", "activity": "Vaisselle"}
    )
    assert response.status_code == 302
    page = text(client.get(URL))
    assert "Amina #" in page
    assert "Saison 2026" in page
    assert "24,04" in page  # 2 h × 12.02 € (the SMIC in force on 10 June 2026)
    before = row_counts()
    bad = client.post(URL, {"participant": amina.pk, "date": DAY.isoformat(), "hours": "30", "activity": "Nuit"})
    assert bad.status_code == 422
    assert "24 heures" in text(bad)
    assert row_counts() == before
    assert VolunteerHours.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("participant", "9" * 30),
        ("participant", "abc"),
        ("user", "-1"),
        ("workshop", "9" * 30),
        ("hours", "1e30"),
        ("hours", "NaN"),
        ("hours", "-2"),
        ("date", "99999-01-01"),
        ("activity", "x" * 500),
    ],
)
def test_hostile_values_are_refused_in_french_and_write_nothing(client, chain, animator, field, value):
    client.force_login(animator)
    amina = add_participant(chain, "Amina")
    data = {"participant": amina.pk, "date": DAY.isoformat(), "hours": "2", "activity": "Vaisselle", field: value}
    before = row_counts()
    response = client.post(URL, data)
    assert response.status_code == 422, response.status_code
    assert row_counts() == before
    assert "This field" not in text(response)
    assert "Select a valid" not in text(response)


def test_the_page_costs_the_same_queries_whatever_the_hours(client, chain, animator, django_assert_num_queries):
    client.force_login(animator)

    def grow(n):
        for i in range(n):
            record(chain, participant=add_participant(chain, f"B{i}"), date=DAY - timedelta(days=400 * (i % 2)))

    n = assert_flat_queries(client, URL, grow, django_assert_num_queries)
    assert n <= 12
