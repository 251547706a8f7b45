from decimal import Decimal

import pytest

from conserverie.producers.models import SurplusOffer
from conserverie.sourcing.models import RawLot, RawLotMovement

from ..conftest import DAY
from ..pages import add_lots, add_offers, assert_flat_queries, row_counts, text

URL = "/t/romans/collectes/"
NEW = "/t/romans/collectes/nouvelle/"


def collection_post(chain, **extra):
    data = {
        "producer": chain.farm.pk,
        "product": chain.tomato.pk,
        "kg": "23.5",
        "collected_on": DAY.isoformat(),
        "grade": "surplus",
        "offer": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_raw_lots_page_shows_the_balance(staff_client, chain):
    add_lots(chain, 1)
    response = staff_client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert chain.raw.code in page
    assert "Ferme des Tests ROM" in page
    assert "19" in page  # 30 − 10 used − 1 lost


def test_recording_a_collection_writes_a_raw_lot_and_closes_the_offer(staff_client, chain, animator):
    add_offers(chain, 1)
    offer = SurplusOffer.objects.get()
    response = staff_client.post(NEW, collection_post(chain, offer=offer.pk))
    assert response.status_code == 302
    raw = RawLot.objects.latest("id")
    assert raw.kg == Decimal("23.5")
    assert raw.recorded_by == animator
    assert raw.offer == offer
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.COLLECTED


def test_zero_kg_is_refused_and_nothing_written(staff_client, chain):
    before = row_counts()
    response = staff_client.post(NEW, collection_post(chain, kg="0"))
    assert response.status_code == 422
    assert "Le poids pesé doit être supérieur à zéro." in text(response)
    assert row_counts() == before


def test_an_offer_of_another_territory_is_not_a_choice(staff_client, chain, other_chain):
    add_offers(other_chain, 1)
    before = row_counts()
    response = staff_client.post(NEW, collection_post(chain, offer=SurplusOffer.objects.get().pk))
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in text(response)
    assert row_counts() == before


def test_losing_more_than_left_is_refused_at_the_field(staff_client, chain):
    url = f"{URL}{chain.raw.code}/"
    before = row_counts()
    response = staff_client.post(url, {"kind": "lost", "kg": "41", "reason": "pourri", "day": DAY.isoformat()})
    assert response.status_code == 422
    assert f"Le lot {chain.raw.code} ne contient plus que 40" in text(response)
    assert row_counts() == before


def test_a_loss_needs_a_reason_then_is_recorded(staff_client, chain):
    url = f"{URL}{chain.raw.code}/"
    response = staff_client.post(url, {"kind": "lost", "kg": "2", "reason": "", "day": DAY.isoformat()})
    assert response.status_code == 422
    assert "Indiquez la raison de la perte." in text(response)
    response = staff_client.post(
        url, {"kind": "given", "kg": "2", "reason": "Épicerie solidaire", "day": DAY.isoformat()}
    )
    assert response.status_code == 302
    movement = RawLotMovement.objects.get()
    assert movement.kind == "given"
    assert movement.kg == Decimal("2")


def test_a_raw_lot_of_another_territory_is_404(staff_client, other_chain):
    assert staff_client.get(f"{URL}{other_chain.raw.code}/").status_code == 404
    response = staff_client.post(f"{URL}{other_chain.raw.code}/", {"kind": "lost", "kg": "1", "reason": "x"})
    assert response.status_code == 404
    assert not RawLotMovement.objects.exists()


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        for url in (URL, NEW, f"{URL}{chain.raw.code}/"):
            assert client.get(url).status_code == 404


def test_search_and_stock_filter(staff_client, chain):
    (lot,) = add_lots(chain, 1)
    raw = lot.raw_inputs.get().raw_lot
    RawLotMovement.objects.create(
        raw_lot=chain.raw, kind="lost", kg=Decimal("40"), day=DAY, reason="grêle", created_by=chain.actor
    )
    page = text(staff_client.get(URL, {"stock": "in_stock"}))
    assert raw.code in page
    assert chain.raw.code not in page
    page = text(staff_client.get(URL, {"stock": "empty"}))
    assert chain.raw.code in page
    assert raw.code not in page
    assert raw.code in text(staff_client.get(URL, {"q": raw.code}))


def test_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, URL, lambda n: add_lots(chain, n), django_assert_num_queries)


def test_collection_form_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, NEW, lambda n: add_offers(chain, n), django_assert_num_queries)


def test_raw_lot_detail_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            RawLotMovement.objects.create(
                raw_lot=chain.raw, kind="lost", kg=Decimal("1"), day=DAY, reason="abîmé", created_by=chain.actor
            )

    assert_flat_queries(staff_client, f"{URL}{chain.raw.code}/", grow, django_assert_num_queries)
