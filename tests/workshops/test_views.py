from datetime import timedelta

import pytest
from django.utils import timezone

from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import registration_create

from ..conftest import DAY
from ..pages import add_participant, add_workshops, assert_flat_queries, row_counts, text

URL = "/t/romans/ateliers/"
NEW = "/t/romans/ateliers/nouveau/"


def workshop_post(chain, day=DAY, start="14:00", end="17:00", **extra):
    data = {
        "title": "Coulis de tomates au centre social",
        "site": chain.site.pk,
        "structure": chain.structure.pk,
        "day": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "capacity": "10",
        "animators": [chain.actor.pk],
        "planned_recipes": [chain.recipe.pk],
    }
    data.update(extra)
    return data


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_list_shows_upcoming_by_default_and_past_on_demand(staff_client, chain):
    add_workshops(chain, 1)  # June 2026: past
    future = timezone.localdate() + timedelta(days=7)
    staff_client.post(NEW, workshop_post(chain, day=future, title="Confitures de la semaine prochaine"))
    page = text(staff_client.get(URL))
    assert "Confitures de la semaine prochaine" in page
    assert "Atelier coulis 0" not in page
    page = text(staff_client.get(URL, {"when": "past"}))
    assert "Atelier coulis 0" in page
    assert "Confitures" not in page
    assert "Atelier coulis 0" in text(staff_client.get(URL, {"when": "all", "q": "coulis"}))


def test_opening_a_workshop_writes_through_the_service(staff_client, chain, animator):
    response = staff_client.post(NEW, workshop_post(chain))
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{workshop.pk}/"
    assert timezone.localtime(workshop.starts_at).hour == 14
    assert list(workshop.animators.all()) == [chain.actor]
    assert list(workshop.planned_recipes.all()) == [chain.recipe]
    assert workshop.created_by == animator


def test_a_workshop_ending_before_it_starts_is_refused_at_the_end_time(staff_client, chain):
    before = row_counts()
    response = staff_client.post(NEW, workshop_post(chain, start="17:00", end="14:00"))
    assert response.status_code == 422
    assert "L'atelier doit finir après son début." in text(response)
    assert "Coulis de tomates au centre social" in text(response)
    assert row_counts() == before


def test_an_overlapping_workshop_is_refused(staff_client, chain):
    staff_client.post(NEW, workshop_post(chain))
    response = staff_client.post(NEW, workshop_post(chain, start="16:00", end="18:00"))
    assert response.status_code == 422
    assert "Le camion est déjà pris à cette heure-là" in text(response)
    assert Workshop.objects.count() == 1


def test_a_site_or_animator_of_another_territory_is_not_a_choice(staff_client, chain, other_chain):
    for forged in ({"site": other_chain.site.pk}, {"animators": [other_chain.actor.pk]}):
        response = staff_client.post(NEW, workshop_post(chain, **forged))
        assert response.status_code == 422
        assert "Sélectionnez un choix valide" in text(response)
    assert not Workshop.objects.exists()


def test_detail_and_checkin(staff_client, chain):
    add_workshops(chain, 1, registrations=2)
    workshop = Workshop.objects.get()
    registration = workshop.registrations.first()
    response = staff_client.get(f"{URL}{workshop.pk}/")
    assert response.status_code == 200
    assert registration.participant.first_name in text(response)
    url = f"{URL}{workshop.pk}/presence/{registration.pk}/"
    assert staff_client.post(url, {"attended": "on"}).status_code == 302
    registration.refresh_from_db()
    assert registration.attended is True
    staff_client.post(url, {"attended": ""})
    registration.refresh_from_db()
    assert registration.attended is False


def test_checkin_of_a_cancelled_registration_is_refused(staff_client, chain):
    add_workshops(chain, 1, registrations=1)
    registration = Registration.objects.get()
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    response = staff_client.post(f"{URL}{registration.workshop_id}/presence/{registration.pk}/", follow=True)
    assert "Cette inscription est annulée." in text(response)
    registration.refresh_from_db()
    assert registration.attended is False


def test_checkin_in_another_territory_is_404(staff_client, other_chain):
    add_workshops(other_chain, 1, registrations=1)
    registration = Registration.objects.get()
    url = f"{URL}{registration.workshop_id}/presence/{registration.pk}/"
    assert staff_client.post(url, {"attended": "on"}).status_code == 404
    assert staff_client.get(f"{URL}{registration.workshop_id}/").status_code == 404
    registration.refresh_from_db()
    assert registration.attended is False


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(NEW).status_code == 404


def test_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, f"{URL}?when=all", lambda n: add_workshops(chain, n), django_assert_num_queries)


def test_detail_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    add_workshops(chain, 1, registrations=0)
    workshop = Workshop.objects.get()

    def grow(n):
        for i in range(n):
            registration_create(
                workshop=workshop, participant=add_participant(chain, f"Q{workshop.registrations.count()}-{i}")
            )

    assert_flat_queries(staff_client, f"{URL}{workshop.pk}/", grow, django_assert_num_queries)
