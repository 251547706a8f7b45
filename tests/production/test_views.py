from decimal import Decimal

import pytest

from conserverie.production.models import LotStatus, ProductionLot
from conserverie.sourcing.models import RawLotMovement
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import seal_checked
from ..pages import add_lots, add_raw_lots, assert_flat_queries, row_counts, text

URL = "/t/romans/lots/"
NEW = "/t/romans/lots/nouveau/"


def lot_post(chain, raw=None, kg="12", jars="15", **extra):
    data = {
        "recipe": chain.recipe.pk,
        "produced_on": DAY.isoformat(),
        "location": chain.truck.pk,
        "batches": "1",
        "raw-TOTAL_FORMS": "3",
        "raw-INITIAL_FORMS": "0",
        "raw-0-raw_lot": (raw or chain.raw).pk,
        "raw-0-kg": kg,
        "pantry-TOTAL_FORMS": "2",
        "pantry-INITIAL_FORMS": "0",
        f"jars_{chain.jar.pk}": jars,
    }
    data.update(extra)
    return data


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_lot_form_renders_for_an_animator(staff_client, chain):
    response = staff_client.get(f"{NEW}?produced_on={DAY.isoformat()}")
    page = text(response)
    assert response.status_code == 200
    assert "Enregistrer un lot de production" in page
    assert chain.raw.code in page
    assert "Coulis de tomate" in page


def test_recording_a_lot_writes_through_the_service_and_shows_its_page(staff_client, chain, animator):
    response = staff_client.post(NEW, lot_post(chain))
    lot = ProductionLot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/romans/lots/{lot.code}/"
    assert lot.created_by == animator
    assert lot.status == LotStatus.OPEN
    assert RawLotMovement.objects.get(production_lot=lot).kg == Decimal("12")
    assert StockMovement.objects.get(lot=lot).quantity == 15
    page = text(staff_client.get(response["Location"]))
    assert lot.code in page
    assert chain.farm.name in page
    assert "Peyrins" in page
    assert f"/l/{lot.code}/" in page
    assert "Camion Romans" in page
    # Only a coordinator releases a lot: the animator sees no button.
    assert "Libérer</button>" not in page


def test_treatment_below_schedule_makes_the_lot_non_conforming(staff_client, chain):
    data = lot_post(chain, **{f"temp_{chain.jar.pk}": "95", f"minutes_{chain.jar.pk}": "45"})
    assert staff_client.post(NEW, data).status_code == 302
    lot = ProductionLot.objects.get()
    assert lot.status == LotStatus.NON_CONFORMING
    assert lot.treatments.get().within_limits is False


def test_more_kg_than_the_raw_lot_holds_is_refused_at_the_row_and_writes_nothing(staff_client, chain):
    before = row_counts()
    response = staff_client.post(NEW, lot_post(chain, kg="55"))
    page = text(response)
    assert response.status_code == 422
    assert f"Le lot {chain.raw.code} ne contient plus que 40" in page
    assert 'value="55"' in page  # what was typed is kept
    assert row_counts() == before


def test_zero_jars_is_refused(staff_client, chain):
    before = row_counts()
    response = staff_client.post(NEW, lot_post(chain, jars="0"))
    assert response.status_code == 422
    assert "Indiquez le nombre de bocaux remplis, supérieur à zéro." in text(response)
    assert row_counts() == before


def test_the_treatment_reading_records_its_equipment(staff_client, chain):
    data = lot_post(chain, equipment="autoclave", **{f"temp_{chain.jar.pk}": "112", f"minutes_{chain.jar.pk}": "50"})
    assert staff_client.post(NEW, data).status_code == 302
    reading = ProductionLot.objects.get().treatments.get()
    assert (reading.equipment, reading.within_limits) == ("autoclave", True)


def test_half_a_treatment_reading_is_refused_by_the_form(staff_client, chain):
    response = staff_client.post(NEW, lot_post(chain, **{f"temp_{chain.jar.pk}": "110"}))
    assert response.status_code == 422
    assert "Indiquez la température et la durée" in text(response)
    assert not ProductionLot.objects.exists()


def test_a_raw_lot_of_another_territory_is_not_a_choice(staff_client, chain, other_chain):
    before = row_counts()
    response = staff_client.post(NEW, lot_post(chain, raw=other_chain.raw))
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in text(response)
    assert row_counts() == before


def test_other_territory_and_viewer_get_404(client, chain, viewer, other_coordinator):
    (lot,) = add_lots(chain, 1)
    for user in (viewer, other_coordinator):
        client.force_login(user)
        for url in (URL, NEW, f"{URL}{lot.code}/"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"{URL}{lot.code}/bloquer/", {"reason": "x"}).status_code == 404
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def test_a_lot_of_another_territory_is_404_under_romans(staff_client, other_chain):
    (lot,) = add_lots(other_chain, 1)
    assert staff_client.get(f"{URL}{lot.code}/").status_code == 404


def test_coordinator_releases_and_a_non_conforming_lot_needs_a_reason(client, chain, coordinator):
    (lot,) = add_lots(chain, 1)
    seal_checked(chain, lot)
    ProductionLot.objects.filter(pk=lot.pk).update(status=LotStatus.NON_CONFORMING)
    client.force_login(coordinator)
    response = client.post(f"{URL}{lot.code}/liberer/", {"reason": ""})
    assert response.status_code == 422
    assert "Décrivez l'action corrective avant de libérer ce lot." in text(response)
    lot.refresh_from_db()
    assert lot.status == LotStatus.NON_CONFORMING
    response = client.post(f"{URL}{lot.code}/liberer/", {"reason": "Relevé refait : 112 °C, 50 min."})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.status == LotStatus.RELEASED
    assert lot.status_reason.startswith("Relevé refait")


def test_an_animator_cannot_release(staff_client, chain):
    (lot,) = add_lots(chain, 1)
    assert staff_client.post(f"{URL}{lot.code}/liberer/", {"reason": "ok"}).status_code == 403
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def test_block_needs_a_reason_then_blocks(staff_client, chain):
    (lot,) = add_lots(chain, 1)
    response = staff_client.post(f"{URL}{lot.code}/bloquer/", {"reason": " "})
    assert response.status_code == 422
    assert "Indiquez pourquoi le lot est bloqué." in text(response)
    assert staff_client.post(f"{URL}{lot.code}/bloquer/", {"reason": "Couvercles bombés"}).status_code == 302
    lot.refresh_from_db()
    assert lot.status == LotStatus.BLOCKED


def test_list_filters_by_status_and_searches_by_code(staff_client, chain):
    first, second = add_lots(chain, 2)
    ProductionLot.objects.filter(pk=first.pk).update(status=LotStatus.BLOCKED)
    page = text(staff_client.get(URL, {"status": "blocked"}))
    assert first.code in page
    assert second.code not in page
    page = text(staff_client.get(URL, {"q": second.code}))
    assert second.code in page
    assert first.code not in page


def test_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, URL, lambda n: add_lots(chain, n), django_assert_num_queries)


def test_lot_detail_query_count_does_not_grow_with_inputs(staff_client, chain, django_assert_num_queries):
    (lot,) = add_lots(chain, 1)
    url = f"{URL}{lot.code}/"

    def grow(n):
        for _ in range(n):
            StockMovement.objects.create(
                territory=chain.territory,
                kind="moved",
                location=chain.shop,
                lot=lot,
                jar_format=chain.jar,
                quantity=1,
                day=DAY,
                created_by=chain.actor,
            )

    assert_flat_queries(staff_client, url, grow, django_assert_num_queries)


def test_lot_form_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    url = f"{NEW}?produced_on={DAY.isoformat()}"  # the day the raw lots are usable
    assert_flat_queries(staff_client, url, lambda n: add_raw_lots(chain, n), django_assert_num_queries)


def test_a_producer_member_is_not_staff(client, chain):
    user = make_user("ferme", chain.territory, Role.PRODUCER, producer=chain.farm)
    client.force_login(user)
    assert client.get(URL).status_code == 404
