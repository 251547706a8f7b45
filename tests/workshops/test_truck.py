"""The truck's tablet page: check-in in one tap, first-timers flagged, walk-ins in seconds, a live count."""

import pytest

from conserverie.people.models import Participant
from conserverie.territories.models import Role
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_cancel, registration_checkin, registration_create

from ..conftest import make_user
from ..pages import add_workshops, assert_flat_queries, queries_on, row_counts, text
from .public_data import future_workshop, person


def truck_url(workshop):
    return f"/t/romans/ateliers/{workshop.pk}/camion/"


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def workshop(chain):
    return future_workshop(chain, capacity=3)


def test_truck_page_lists_the_day_with_first_timers_and_the_count(staff_client, chain, workshop):
    # Bernard came to an earlier workshop; Amina never did; Chantal signed up before but did not come.
    add_workshops(chain, 1, registrations=0)
    (earlier,) = [w for w in chain.territory.workshops.all() if w.pk != workshop.pk]
    amina, bernard, chantal = person(chain, "Amina"), person(chain, "Bernard"), person(chain, "Chantal")
    registration_checkin(
        actor=chain.actor, registration=registration_create(workshop=earlier, participant=bernard), attended=True
    )
    registration_create(workshop=earlier, participant=chantal)
    registration_create(workshop=workshop, participant=amina, party_size=2)
    registration_create(workshop=workshop, participant=bernard)
    registration_create(workshop=workshop, participant=chantal)  # full: waits
    gone = registration_create(workshop=workshop, participant=person(chain, "Dylan"))
    registration_cancel(registration=gone)

    page = text(staff_client.get(truck_url(workshop)))
    assert "Amina" in page
    assert "Bernard" in page
    assert "Chantal" in page
    assert "Dylan" not in page
    assert page.count('data-testid="first-time"') == 2  # Amina and Chantal, not Bernard
    assert "Liste d'attente" in page
    assert 'data-testid="present-count">0<' in page


def test_check_in_counts_the_party_and_can_be_undone(staff_client, chain, workshop):
    registration = registration_create(workshop=workshop, participant=person(chain, "Amina"), party_size=2)
    url = f"{truck_url(workshop)}presence/{registration.pk}/"
    response = staff_client.post(url, {"attended": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{truck_url(workshop)}#r{registration.pk}"
    registration.refresh_from_db()
    assert registration.attended
    page = text(staff_client.get(truck_url(workshop)))
    assert 'data-testid="present-count">2<' in page
    assert "Amina est présent·e" in page
    staff_client.post(url, {"attended": ""})
    registration.refresh_from_db()
    assert not registration.attended


def test_a_walk_in_is_recorded_with_three_fields_and_is_present(staff_client, chain, workshop):
    for name in ("A", "B", "C"):
        registration_create(workshop=workshop, participant=person(chain, name))  # full
    response = staff_client.post(
        f"{truck_url(workshop)}sur-place/", {"first_name": "Karim", "household_size": "3", "neighbourhood": "Les Ors"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(participant__first_name="Karim")
    assert (registration.walk_in, registration.attended, registration.status) == (True, True, "confirmed")
    participant = registration.participant
    assert (participant.household_size, participant.neighbourhood, participant.phone, participant.email) == (
        3,
        "Les Ors",
        "",
        "",
    )
    page = text(staff_client.get(truck_url(workshop)))
    assert 'data-testid="present-count">1<' in page
    assert "Sans inscription" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first_name": "", "household_size": "1"}, "Ce champ est obligatoire."),
        ({"first_name": "Karim", "household_size": "0"}, "supérieure ou égale à 1"),
    ],
)
def test_a_bad_walk_in_is_refused_and_writes_nothing(staff_client, chain, workshop, data, message):
    before = row_counts()
    response = staff_client.post(f"{truck_url(workshop)}sur-place/", data)
    assert response.status_code == 422
    assert message in text(response)
    assert row_counts() == before


def test_truck_page_is_not_found_for_the_other_territory_and_for_a_viewer(client, chain, workshop, other, viewer):
    registration = registration_create(workshop=workshop, participant=person(chain))
    outsider = make_user("coord-vercors", other.territory, Role.COORDINATOR)
    for user in (outsider, viewer):
        client.force_login(user)
        assert client.get(truck_url(workshop)).status_code == 404
        assert client.get(f"/t/vercors/ateliers/{workshop.pk}/camion/").status_code == 404
        before = row_counts()
        assert client.post(f"{truck_url(workshop)}presence/{registration.pk}/", {"attended": "on"}).status_code == 404
        assert (
            client.post(f"{truck_url(workshop)}sur-place/", {"first_name": "X", "household_size": "1"}).status_code
            == 404
        )
        assert row_counts() == before
    client.logout()
    assert client.get(truck_url(workshop))["Location"].startswith("/connexion/")
    registration.refresh_from_db()
    assert not registration.attended
    assert Participant.objects.count() == 1


def test_truck_page_queries_do_not_grow(staff_client, chain, django_assert_num_queries):
    workshop = future_workshop(chain, capacity=100)
    earlier = add_workshops(chain, 1, registrations=0) or chain.territory.workshops.exclude(pk=workshop.pk).get()

    def grow(n):
        for i in range(n):
            someone = person(chain, f"R{i}")
            registration_checkin(
                actor=chain.actor,
                registration=registration_create(workshop=earlier, participant=someone),
                attended=True,
            )
            registration = registration_create(workshop=workshop, participant=someone)
            if i % 2:
                registration_checkin(actor=chain.actor, registration=registration, attended=True)
            registration_create(workshop=workshop, participant=person(chain, f"S{i}"), walk_in=True)

    count = assert_flat_queries(staff_client, truck_url(workshop), grow, django_assert_num_queries)
    # 6, and the jars panel: trucks, stock, jars set aside, formats, lots, acts sent
    assert count <= 13, count


def test_staff_workshop_page_links_to_the_truck_and_the_public_page(staff_client, workshop):
    page = text(staff_client.get(f"/t/romans/ateliers/{workshop.pk}/"))
    assert f'href="{truck_url(workshop)}"' in page
    assert f'href="/ateliers/{workshop.pk}/"' in page


def test_truck_page_queries_are_the_same_whether_the_truck_is_empty_or_holds_round_jars(staff_client, chain):
    """The jars panel reads what a purchasing-group round holds in the same number of queries, whatever the truck
    holds: nothing, free jars, or jars a round sets aside (issue 20)."""
    from ..helpers import released_lot
    from ..purchasing.world import group

    workshop = future_workshop(chain, capacity=10)
    url = truck_url(workshop)
    empty = queries_on(staff_client, url)
    released_lot(chain, jars=5)  # free jars on the truck
    free = queries_on(staff_client, url)
    g = group(chain, jars=10, offered=6)  # a round holds 6 of these 10
    held = queries_on(staff_client, url)
    assert empty == free == held, (empty, free, held)
    assert held <= 13, held
    page = text(staff_client.get(url))
    assert f'data-stock="{g.lot.pk}-{chain.jar.pk}" data-jars="4"' in page
    assert "et 6 réservés pour une commande groupée" in page
