"""The volunteer hours page opens on the current season, with a season selector ("Toutes les saisons" among them), a
search by name and 25 volunteers a page (docs/performance.md, f21): its figures are recounted here from the hours
noted, and another territory's volunteers never appear."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.workshops.models import MinimumWage, VolunteerHours
from conserverie.workshops.volunteers import SMIC_SINCE_2020, volunteer_hours_record

from ..pages import add_participant, assert_flat_queries, text

URL = "/t/romans/participants/benevoles/"


def note(chain, day, hours, participant=None, user=None):
    volunteer_hours_record(
        actor=chain.actor,
        territory=chain.territory,
        participant=participant,
        user=user,
        date=day,
        hours=Decimal(hours),
        activity="Épluchage",
    )


def rate_on(day):
    rates = list(MinimumWage.objects.values_list("valid_from", "hourly_eur")) or SMIC_SINCE_2020
    return max((since, rate) for since, rate in rates if since <= day)[1]


def french(value: Decimal, decimals: int) -> str:
    """Django's floatformat in French: -2 drops a zero fraction."""
    if decimals < 0 and value == value.to_integral():
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


def recounted(territory, year) -> str:
    """The season's line, recounted from the hours noted: each hour at the rate of its day."""
    facts = VolunteerHours.objects.filter(territory=territory, date__year=year)
    hours = sum((row.hours for row in facts), Decimal("0"))
    people = len({(row.participant_id, row.user_id) for row in facts})
    value = sum((row.hours * rate_on(row.date) for row in facts), Decimal("0"))
    return f"{french(hours, -2)} h données par {people} personne(s), soit {french(value, 2)} € au SMIC."


def season_line(page: str, year: int) -> str | None:
    found = re.search(rf'data-testid="season-{year}">(.*?)</p>', page, re.S)
    return " ".join(found.group(1).split()) if found else None


def table_rows(page: str) -> list[str]:
    table = re.search(r'data-testid="hours">.*?<tbody>(.*?)</tbody>', page, re.S)
    return re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S) if table else []


def test_it_opens_on_this_season_its_figures_recounted_and_every_season_is_a_choice(
    client, chain, other_chain, animator
):
    today = timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    amina, bruno, odile = (add_participant(chain, name) for name in ("Amina", "Bruno", "Odile"))
    note(chain, today.replace(month=1, day=1), "2.5", participant=amina)
    note(chain, today, "1.5", participant=amina)
    note(chain, today, "3", participant=bruno)
    note(chain, today, "2", user=animator)
    note(chain, date(last_year, 6, 10), "2", participant=amina)
    note(chain, date(last_year, 12, 31), "4.5", participant=odile)
    zoe = add_participant(other_chain, "Zoé")
    note(other_chain, today, "5", participant=zoe)
    client.force_login(animator)

    page = text(client.get(URL))
    assert season_line(page, this_year) == recounted(chain.territory, this_year)
    assert recounted(chain.territory, this_year).startswith("9 h données par 3 personne(s)")
    assert season_line(page, last_year) is None
    shown = " ".join(table_rows(page))
    assert len(table_rows(page)) == 3
    assert f"Amina #{amina.pk}" in shown
    assert f"Bruno #{bruno.pk}" in shown
    assert animator.username in shown
    assert "Odile" not in shown
    assert '<option value="all">Toutes les saisons</option>' in page
    assert f'<option value="{this_year}" selected>Saison {this_year}</option>' in page
    assert f'<option value="{last_year}">Saison {last_year}</option>' in page

    page = text(client.get(URL, {"season": last_year}))
    assert season_line(page, last_year) == recounted(chain.territory, last_year)
    assert season_line(page, this_year) is None
    assert len(table_rows(page)) == 2

    page = text(client.get(URL, {"season": "all"}))
    for year in (this_year, last_year):
        assert season_line(page, year) == recounted(chain.territory, year)
    rows = table_rows(page)
    assert len(rows) == 5  # one row per person and season
    assert all(re.match(rf"<td>({this_year}|{last_year})</td>", row) for row in rows)
    assert '<option value="all" selected>' in page
    for query in ({}, {"season": "all"}, {"season": "all", "q": "Zo"}, {"season": this_year, "q": "Zoé"}):
        page = text(client.get(URL, query))
        assert f"Zoé #{zoe.pk}" not in page
        assert f"#{zoe.pk}<" not in page
        assert all("Zoé" not in row for row in table_rows(page))


def test_twenty_five_volunteers_a_page_and_a_search_by_name(client, chain, other_chain, animator):
    today = timezone.localdate()
    people = [add_participant(chain, f"Bénévole{i:02d}") for i in range(30)]
    for person in people:
        note(chain, today, "1", participant=person)
    other = add_participant(other_chain, "Bénévole00")
    note(other_chain, today, "1", participant=other)
    client.force_login(animator)
    first, second = text(client.get(URL)), text(client.get(URL, {"page": 2}))
    assert len(table_rows(first)) == 25
    assert len(table_rows(second)) == 5
    names = re.findall(r"(Bénévole\d\d) #", " ".join(table_rows(first) + table_rows(second)))
    assert names == [f"Bénévole{i:02d}" for i in range(30)]
    assert season_line(second, today.year) == recounted(chain.territory, today.year)  # the whole season, every page
    found = text(client.get(URL, {"q": "bénévole00"}))
    assert [re.search(r"#(\d+)", row).group(1) for row in table_rows(found)] == [str(people[0].pk)]
    assert "Aucun bénévole ne correspond." in text(client.get(URL, {"q": "personne"}))
    assert 'href="?season=all&amp;page=2"' in client.get(URL, {"season": "all"}).content.decode()  # kept on paging


def test_the_page_costs_the_same_queries_for_one_season_or_all(client, chain, animator, django_assert_num_queries):
    client.force_login(animator)
    today = timezone.localdate()

    def grow(n):
        for i in range(n):
            person = add_participant(chain, f"V{i}")
            note(chain, today, "1", participant=person)
            note(chain, today - timedelta(days=366 * (1 + i % 3)), "2", participant=person)

    assert assert_flat_queries(client, f"{URL}?season=all", grow, django_assert_num_queries) <= 12
    assert assert_flat_queries(client, URL, grow, django_assert_num_queries) <= 12


def test_a_junk_season_opens_the_current_one(client, chain, animator):
    client.force_login(animator)
    this_year = timezone.localdate().year
    for junk in ("0000", "12345", "abc", "-1", "2026-01", " "):
        response = client.get(URL, {"season": junk})
        assert response.status_code == 200, junk
        assert f'<option value="{this_year}" selected>' in response.content.decode(), junk
    page = text(client.get(URL, {"season": "2015"}))  # no hours that season: said, and the season shown chosen
    assert '<option value="2015" selected>Saison 2015</option>' in page
    assert "Aucune heure notée pour la saison 2015." in page
