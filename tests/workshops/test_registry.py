"""The participants' registry: search, paging, one page per person, logged readings, isolation."""

from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.people.models import AccessLog, Household, Participant
from conserverie.territories.models import PriorityArea, Role, Site
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import participant_create, registration_checkin, registration_create

from ..conftest import DAY, make_user
from ..pages import add_lots, add_participant, add_workshops, assert_flat_queries, text

URL = "/t/romans/participants/"


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def detail_url(participant):
    return f"{URL}{participant.pk}/"


def give_jars(chain, participant, n=1):
    (lot,) = add_lots(chain, 1, jars=10 * n, release=True)
    for _ in range(n):
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.PARTICIPANT,
            location=chain.truck,
            day=DAY,
            participant=participant,
            lines=[LineSpec(lot, chain.jar, 2, Decimal("2.00"))],
        )


def grow(chain):
    def add(n):
        add_workshops(chain, n, registrations=2)
        for registration in Registration.objects.filter(workshop__territory=chain.territory, attended=False)[:n]:
            registration_checkin(actor=chain.actor, registration=registration)
        give_jars(chain, Participant.objects.filter(territory=chain.territory).last())

    return add


def test_list_searches_by_first_name_neighbourhood_and_contact(staff_client, chain):
    participant_create(territory=chain.territory, first_name="Yasmine", neighbourhood="Les Ors", consent=True)
    participant_create(territory=chain.territory, first_name="Bernard", phone="06 00 00 00 42", consent=True)
    participant_create(territory=chain.territory, first_name="Odile", email="odile@example.org", consent=True)
    for q, found, hidden in [
        ("yasm", "Yasmine", "Bernard"),
        ("ors", "Yasmine", "Odile"),
        ("00 42", "Bernard", "Yasmine"),
        ("odile@", "Odile", "Bernard"),
    ]:
        page = text(staff_client.get(URL, {"q": q}))
        assert found in page, q
        assert hidden not in page, q


def test_list_pages_and_costs_the_same_queries_whatever_the_data(staff_client, chain, django_assert_num_queries):
    n = assert_flat_queries(staff_client, URL, grow(chain), django_assert_num_queries)
    assert n <= 12
    assert staff_client.get(URL, {"page": "2"}).status_code == 200


def test_detail_costs_the_same_queries_whatever_the_history(staff_client, chain, django_assert_num_queries):
    person = add_participant(chain, "Rania")
    workshop_open_for = grow(chain)

    def add(n):
        workshop_open_for(n)
        for workshop in Workshop.objects.filter(territory=chain.territory).exclude(registrations__participant=person):
            registration_create(workshop=workshop, participant=person, walk_in=True)
        give_jars(chain, person)

    n = assert_flat_queries(staff_client, detail_url(person), add, django_assert_num_queries)
    assert n <= 16


def test_detail_shows_history_jars_balance_and_priority_source(staff_client, chain):
    person = participant_create(territory=chain.territory, first_name="Rania", household_size=4, consent=True)
    add_workshops(chain, 1, registrations=0)
    workshop = Workshop.objects.get(territory=chain.territory)
    registration_create(workshop=workshop, participant=person, walk_in=True)
    give_jars(chain, person)
    page = text(staff_client.get(detail_url(person)))
    assert workshop.title in page
    assert "2 bocaux emportés avec consigne" in page
    # Present at a workshop in a priority site does not make a household live in one (only its own address does).
    Site.objects.filter(pk=chain.site.pk).update(priority_area=True)
    page = text(staff_client.get(detail_url(person)))
    assert "d'après le lieu" not in page
    assert "(QPV)" not in page
    # The neighbourhood it declared is one of the territory's QPVs: the source says so.
    PriorityArea.objects.create(territory=chain.territory, name="La Monnaie", city="Romans-sur-Isère")
    Participant.objects.filter(pk=person.pk).update(neighbourhood="la monnaie")
    assert "quartier déclaré : la monnaie (QPV)" in text(staff_client.get(detail_url(person)))
    Household.objects.filter(pk=person.household_id).update(priority_area=True)
    assert "déclaré" in text(staff_client.get(detail_url(person)))


def test_every_display_of_the_social_fields_is_logged(staff_client, chain, animator):
    people = [add_participant(chain, f"P{i}") for i in range(3)]
    staff_client.get(URL)
    logged = AccessLog.objects.filter(user=animator, territory=chain.territory)
    assert set(logged.values_list("participant_id", flat=True)) == {p.pk for p in people}
    assert all("household_size" in row.fields and "priority_area" in row.fields for row in logged)
    staff_client.get(detail_url(people[0]))
    assert logged.filter(participant=people[0]).count() == 2


@pytest.mark.parametrize("who", ["producer", "viewer", "other"])
def test_producers_viewers_and_other_territories_never_read_a_participant(client, chain, other, viewer, who):
    person = add_participant(chain, "Rania")
    if who == "producer":
        user = make_user("farm", chain.territory, Role.PRODUCER, producer=chain.farm)
    elif who == "viewer":
        user = viewer
    else:
        user = make_user("coord-v", other.territory, Role.COORDINATOR)
    client.force_login(user)
    for url in (URL, detail_url(person), f"{URL}benevoles/"):
        assert client.get(url).status_code == 404, url
    assert not AccessLog.objects.exists()


def test_a_participant_of_another_territory_is_not_found_by_its_number(staff_client, chain, other):
    stranger = participant_create(territory=other.territory, first_name="Étrangère", consent=True)
    assert staff_client.get(detail_url(stranger)).status_code == 404
    assert "Étrangère" not in text(staff_client.get(URL, {"q": str(stranger.pk)}))


def test_the_staff_menu_has_the_registry(staff_client, chain):
    assert 'href="/t/romans/participants/"' in staff_client.get("/t/romans/ateliers/").content.decode()
