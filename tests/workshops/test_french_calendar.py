"""The French calendar: public holidays and the school holidays of the territory's zone in the planning calendar, a
series that skips holidays unless told otherwise, a first season in the produce months."""

from datetime import date, time

import pytest

from conserverie.economics.calendar import first_season, produce_months
from conserverie.producers.models import ProducerProduct
from conserverie.territories.calendar import holidays_between, public_holidays, school_holidays
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import series_create

from ..pages import assert_flat_queries, text
from .public_data import future_workshop


def test_public_holidays_of_metropolitan_france():
    days = public_holidays(date(2026, 12, 1), date(2027, 1, 31))
    assert days == {date(2026, 12, 25): "Noël", date(2027, 1, 1): "Jour de l'an"}
    may = public_holidays(date(2027, 5, 1), date(2027, 5, 31))
    assert set(may) == {date(2027, 5, 1), date(2027, 5, 6), date(2027, 5, 8), date(2027, 5, 17)}


def test_school_holidays_of_zone_a_and_none_without_a_zone():
    christmas = school_holidays("A", date(2026, 12, 1), date(2027, 1, 10))
    assert date(2026, 12, 18) not in christmas  # the last school day
    assert christmas[date(2026, 12, 21)] == "Vacances de Noël"
    assert date(2027, 1, 4) not in christmas  # back to school on Monday 4 January
    assert school_holidays("", date(2026, 12, 1), date(2027, 1, 10)) == {}
    # Winter holidays differ by zone: zone A and zone C are not off the same weeks in February 2027.
    assert set(school_holidays("A", date(2027, 2, 1), date(2027, 3, 15))) != set(
        school_holidays("C", date(2027, 2, 1), date(2027, 3, 15))
    )


def test_holidays_between_names_the_zone(romans):
    romans.territory.school_zone = "A"
    days = holidays_between(romans.territory, date(2026, 12, 24), date(2026, 12, 26))
    assert days[date(2026, 12, 25)] == ["Noël", "Vacances de Noël (zone A)"]
    assert days[date(2026, 12, 24)] == ["Vacances de Noël (zone A)"]


def fridays_series(chain, **options):
    return series_create(
        actor=chain.actor,
        territory=chain.territory,
        title="Vendredis au marché",
        site=chain.site,
        structure=chain.structure,
        weekday=4,
        start_time=time(14),
        end_time=time(17),
        first_date=date(2026, 12, 18),
        last_date=date(2027, 1, 8),
        **options,
    )


def days_of(series):
    return sorted(w.starts_at.date() for w in Workshop.objects.filter(series=series))


def test_a_series_skips_public_holidays_unless_told(chain):
    series = fridays_series(chain)
    assert days_of(series) == [date(2026, 12, 18), date(2027, 1, 8)]  # not Christmas, not New Year's Day
    assert series.skipped == [(date(2026, 12, 25), "Noël"), (date(2027, 1, 1), "Jour de l'an")]
    Workshop.objects.filter(series=series).delete()
    kept = fridays_series(chain, skip_public_holidays=False)
    assert len(days_of(kept)) == 4


def test_a_series_may_skip_the_school_holidays_of_the_zone(chain):
    chain.territory.school_zone = "A"
    chain.territory.save()
    series = fridays_series(chain, skip_school_holidays=True)
    assert days_of(series) == [date(2026, 12, 18), date(2027, 1, 8)]
    assert [day for day, _name in series.skipped] == [date(2026, 12, 25), date(2027, 1, 1)]


def test_a_series_of_holidays_only_is_refused(chain):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        series_create(
            actor=chain.actor,
            territory=chain.territory,
            title="Noël",
            site=chain.site,
            structure=chain.structure,
            weekday=4,
            start_time=time(14),
            end_time=time(17),
            first_date=date(2026, 12, 25),
            last_date=date(2026, 12, 25),
        )
    assert refused.value.message_dict["first_date"] == [
        "Toutes ces dates tombent un jour férié ou pendant les vacances."
    ]
    assert not Workshop.objects.exists()


def test_the_series_form_says_which_dates_were_skipped(client, chain, coordinator):
    client.force_login(coordinator)
    data = {
        "title": "Vendredis",
        "site": chain.site.pk,
        "structure": chain.structure.pk,
        "weekday": "4",
        "start_time": "14:00",
        "end_time": "17:00",
        "capacity": "10",
        "first_date": "2026-12-18",
        "last_date": "2027-01-08",
    }
    response = client.post("/t/romans/ateliers/serie/", data, follow=True)
    page = text(response)
    assert "Série créée : 2 ateliers" in page
    assert "Dates sautées : 25 décembre (Noël), 1 janvier (Jour de l'an)." in page
    Workshop.objects.all().delete()
    response = client.post("/t/romans/ateliers/serie/", {**data, "keep_public_holidays": "on"}, follow=True)
    assert "Série créée : 4 ateliers" in text(response)


def test_the_planning_calendar_shows_holidays_without_a_query_more(
    client, chain, coordinator, django_assert_num_queries
):
    chain.territory.school_zone = "A"
    chain.territory.save()
    client.force_login(coordinator)
    url = "/t/romans/ateliers/calendrier/?mois=2026-12"
    page = text(client.get(url))
    assert "Noël" in page
    # The grid runs from Monday 30 November to Sunday 3 January: Christmas and New Year's Day, and the 16 days of
    # the zone A Christmas holidays it shows (Saturday 19 December to Sunday 3 January).
    assert page.count('data-testid="holiday"') == 2 + 16
    week = text(client.get("/t/romans/ateliers/calendrier/?semaine=2027-W17"))
    assert "Fête du Travail" in week  # Saturday 1 May 2027

    def grow(n):
        for _i in range(n):
            future_workshop(chain, days=Workshop.objects.count() + 1)

    assert_flat_queries(client, url, grow, django_assert_num_queries)


@pytest.fixture
def farm_months(chain):
    ProducerProduct.objects.create(producer=chain.farm, product=chain.tomato, months="6,7,8,9,10")
    return chain


def test_a_first_season_starts_in_the_produce_months_not_in_winter(farm_months):
    territory = farm_months.territory
    assert produce_months(territory) == [6, 7, 8, 9, 10]
    season = first_season(territory, today=date(2026, 12, 7), weeks=40)
    assert season.first_date == date(2027, 6, 7)  # the first Monday of June, not 14 December
    assert season.weeks == 21  # up to the end of October, not 40 weeks through the winter
    summer = first_season(territory, today=date(2026, 7, 15), weeks=40)
    assert (summer.first_date, summer.weeks) == (date(2026, 7, 20), 14)
    short = first_season(territory, today=date(2026, 7, 15), weeks=6)
    assert short.weeks == 6


def test_a_first_season_from_the_recipes_before_any_farm_is_imported(chain):
    chain.tomato.months = "7,8,9"
    chain.tomato.save()
    assert produce_months(chain.territory) == [7, 8, 9]
    assert first_season(chain.territory, today=date(2026, 12, 7), weeks=30).first_date == date(2027, 7, 5)


def test_a_season_across_the_new_year(chain):
    ProducerProduct.objects.create(producer=chain.farm, product=chain.tomato, months="11,12,1,2")
    season = first_season(chain.territory, today=date(2026, 10, 1), weeks=52)
    assert season.first_date == date(2026, 11, 2)
    assert season.weeks == ((date(2027, 2, 28) - date(2026, 11, 2)).days + 1) // 7
