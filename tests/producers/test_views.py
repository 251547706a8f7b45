from datetime import timedelta

import pytest

from conserverie.producers.models import SurplusOffer

from ..conftest import DAY
from ..pages import add_offers, assert_flat_queries, row_counts, text

URL = "/t/romans/offres/"
NEW = "/t/romans/offres/nouvelle/"


def offer_post(chain, **extra):
    data = {
        "producer": chain.farm.pk,
        "product": chain.tomato.pk,
        "kg_estimated": "45",
        "grade": "downgraded",
        "mode": "collect",
        "available_from": DAY.isoformat(),
        "available_until": (DAY + timedelta(days=4)).isoformat(),
        "note": "Tomates tachées",
    }
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def day_of_tests(clock):
    """The inbox expires offers past their window: the tests' offers are around DAY."""
    clock(DAY)


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_offers_page_renders(staff_client, chain):
    add_offers(chain, 1)
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert "Offres de surplus" in text(response)
    assert chain.farm.name in text(response)


def test_declaring_an_offer_writes_through_the_service(staff_client, chain, animator):
    response = staff_client.post(NEW, offer_post(chain))
    assert response.status_code == 302
    offer = SurplusOffer.objects.get()
    assert offer.created_by == animator
    assert offer.grade == "downgraded"
    assert offer.history.first().history_user == animator


def test_an_offer_ending_before_it_starts_is_refused_with_what_was_typed(staff_client, chain):
    before = row_counts()
    response = staff_client.post(NEW, offer_post(chain, available_until=(DAY - timedelta(days=1)).isoformat()))
    assert response.status_code == 422
    assert "La fin de disponibilité doit suivre le début." in text(response)
    assert "Tomates tachées" in text(response)
    assert row_counts() == before


def test_zero_kg_is_refused(staff_client, chain):
    response = staff_client.post(NEW, offer_post(chain, kg_estimated="0"))
    assert response.status_code == 422
    assert "Indiquez un poids supérieur à zéro." in text(response)
    assert not SurplusOffer.objects.exists()


def test_a_farm_of_another_territory_is_not_a_choice(staff_client, chain, other_chain):
    response = staff_client.post(NEW, offer_post(chain, producer=other_chain.farm.pk))
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in text(response)
    assert not SurplusOffer.objects.exists()


def test_accept_then_decline(staff_client, chain):
    add_offers(chain, 1)
    offer = SurplusOffer.objects.get()
    assert staff_client.post(f"{URL}{offer.pk}/accepter/").status_code == 302
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.ACCEPTED
    # Accepting twice is refused by the service, said in French, nothing changes.
    response = staff_client.post(f"{URL}{offer.pk}/accepter/", follow=True)
    assert "action impossible" in text(response)
    assert staff_client.post(f"{URL}{offer.pk}/refuser/", {"message": "Camion plein"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.DECLINED
    assert offer.status_message == "Camion plein"


def test_accept_needs_post(staff_client, chain):
    add_offers(chain, 1)
    offer = SurplusOffer.objects.get()
    assert staff_client.get(f"{URL}{offer.pk}/accepter/").status_code == 405


def test_offer_of_another_territory_cannot_be_accepted_from_romans(staff_client, other_chain):
    add_offers(other_chain, 1)
    offer = SurplusOffer.objects.get()
    assert staff_client.post(f"{URL}{offer.pk}/accepter/").status_code == 404
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.PROPOSED


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(NEW).status_code == 404


def test_anonymous_is_sent_to_login(client, chain):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_filter_and_search(staff_client, chain):
    add_offers(chain, 2)
    first = SurplusOffer.objects.order_by("id").first()
    first.status = SurplusOffer.Status.DECLINED
    first.save()
    assert "Aucune offre" in text(staff_client.get(URL, {"status": "accepted"}))
    assert chain.farm.name in text(staff_client.get(URL, {"status": "declined", "q": "tests"}))
    assert "Aucune offre" in text(staff_client.get(URL, {"q": "introuvable"}))


def test_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, URL, lambda n: add_offers(chain, n), django_assert_num_queries)


def test_paging_keeps_the_search(staff_client, chain):
    add_offers(chain, 26)
    page = text(staff_client.get(URL, {"q": "tomate"}))
    assert "Page 1 sur 2" in page
    assert "?q=tomate&page=2" in page
    page = text(staff_client.get(URL, {"q": "tomate", "page": "2"}))
    assert "Page 2 sur 2" in page
    assert page.count("Accepter</button>") == 1
