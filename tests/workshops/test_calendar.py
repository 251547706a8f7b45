"""The staff calendar: a month and a week of the territory's workshops, in a fixed number of queries."""

import pytest

from conserverie.workshops.models import Workshop

from ..pages import add_workshops, assert_flat_queries, text

URL = "/t/romans/ateliers/calendrier/"


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_month_view_shows_each_workshop_with_what_the_team_needs(staff_client, chain):
    add_workshops(chain, 2, registrations=2)  # 10 and 11 June 2026
    page = text(staff_client.get(URL + "?mois=2026-06"))
    assert "Juin 2026" in page
    assert page.count("Atelier coulis") == 2
    assert "Place du marché Romans, Romans" in page
    assert "Maison de quartier Romans" in page
    assert "2 / 12 places" in page
    assert "Coulis de tomate" in page
    assert "coord" in page
    # What the round must bring: the raw produce of the planned recipes.
    assert "Produits attendus : Tomate" in page
    assert "?mois=2026-05" in page
    assert "?mois=2026-07" in page


def test_week_view_and_its_neighbours(staff_client, chain):
    add_workshops(chain, 1)
    page = text(staff_client.get(URL + "?semaine=2026-W24"))  # 8–14 June 2026
    assert "Semaine du 8 juin 2026" in page
    assert "Atelier coulis 0" in page
    assert "?semaine=2026-W23" in page
    assert "?semaine=2026-W25" in page
    assert "Atelier coulis" not in text(staff_client.get(URL + "?semaine=2026-W26"))


def test_a_junk_parameter_gives_this_month(staff_client, chain):
    assert staff_client.get(URL + "?mois=juin").status_code == 200
    assert staff_client.get(URL + "?semaine=W99").status_code == 200


def test_only_the_territory_workshops(staff_client, chain, other_chain):
    from ..pages import add_workshops as add

    add(other_chain, 1)
    assert "Atelier coulis" not in text(staff_client.get(URL + "?mois=2026-06"))


def test_cancelled_workshops_show_as_such(staff_client, chain):
    add_workshops(chain, 1)
    Workshop.objects.update(status=Workshop.Status.CANCELLED)
    assert "Annulé" in text(staff_client.get(URL + "?mois=2026-06"))


def test_month_and_week_cost_a_fixed_number_of_queries(staff_client, chain, django_assert_num_queries):
    def grow(n):
        add_workshops(chain, n, registrations=2)

    month = assert_flat_queries(staff_client, URL + "?mois=2026-06", grow, django_assert_num_queries)
    week = assert_flat_queries(staff_client, URL + "?semaine=2026-W24", lambda n: None, django_assert_num_queries)
    assert month <= 8, (month, week)
    assert week <= 8, (month, week)


def test_the_list_links_to_the_calendar(staff_client, chain):
    page = text(staff_client.get("/t/romans/ateliers/"))
    assert URL in page
    assert "/t/romans/ateliers/serie/" in page


def test_extreme_dates_never_fail(staff_client, chain):
    for query in ("?mois=9999-12", "?mois=0001-01", "?semaine=9999-W52", "?semaine=0001-W01", "?mois=2026-13"):
        assert staff_client.get(URL + query).status_code == 200, query
