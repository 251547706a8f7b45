"""The volunteer's own space at /benevole/: the hours this person gave, per season, with the total."""

from datetime import date
from decimal import Decimal

import pytest

from conserverie.territories.models import Role
from conserverie.workshops.models import VolunteerHours

from ..conftest import make_user
from ..pages import assert_flat_queries, text

URL = "/benevole/"


@pytest.fixture
def volunteer(romans):
    return make_user("benevole", romans.territory, Role.VOLUNTEER)


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer)
    return client


def give(user, day, hours, activity="Épluchage", actor=None):
    return VolunteerHours.objects.create(
        territory=user.memberships.first().territory,
        user=user,
        date=day,
        hours=Decimal(hours),
        activity=activity,
        created_by=actor or user,
    )


def test_hours_are_listed_per_season_with_their_total(volunteer_client, volunteer):
    give(volunteer, date(2025, 9, 3), "2.5", "Tri des tomates")
    give(volunteer, date(2026, 6, 10), "3")
    give(volunteer, date(2026, 7, 1), "1.5", "Étiquetage")
    response = volunteer_client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "Saison 2026" in page
    assert "Saison 2025" in page
    assert page.index("Saison 2026") < page.index("Saison 2025")
    assert [(s["season"], s["total"]) for s in response.context["seasons"]] == [
        (2026, Decimal("4.5")),
        (2025, Decimal("2.5")),
    ]
    assert "Tri des tomates" in page
    assert "Étiquetage" in page


def test_an_empty_space_says_so(volunteer_client):
    assert "Aucune heure notée pour l'instant." in text(volunteer_client.get(URL))


def test_another_person_hours_are_invisible(volunteer_client, romans, coordinator):
    other = make_user("autre-benevole", romans.territory, Role.VOLUNTEER)
    give(other, date(2026, 6, 10), "7", "Activité secrète")
    page = text(volunteer_client.get(URL))
    assert "Activité secrète" not in page


@pytest.mark.parametrize("who", ["coordinator", "animator", "viewer"])
def test_a_person_without_a_volunteer_membership_gets_404(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, romans):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_workspace_sends_a_volunteer_to_the_volunteer_space(volunteer_client):
    response = volunteer_client.get("/espace/")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_workspace_still_sends_staff_to_their_dashboard(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/espace/")["Location"] == "/t/romans/"


def test_query_count_does_not_grow(volunteer_client, volunteer, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            give(volunteer, date(2024 + i % 3, 5, 1 + i), "1")

    assert assert_flat_queries(volunteer_client, URL, grow, django_assert_num_queries) == 4
