import pytest

from conserverie.production.models import LotStatus
from conserverie.stock.models import MovementKind, StockMovement

from ..conftest import DAY
from ..pages import add_lots, add_stock_activity, assert_flat_queries, row_counts, text

URL = "/t/romans/stock/"


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def lot(chain):
    return add_lots(chain, 1, jars=12)[0]


def test_overview_shows_full_and_empty_jars_and_last_movements(staff_client, chain):
    add_stock_activity(chain, 1)
    response = staff_client.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert "Camion Romans" in page
    assert "Boutique Romans" in page
    assert "Bocaux vides" in page
    assert "Bocal vide rapporté" in page
    # Each lot code has its recipe beside it: two rows (truck and shop), two names.
    assert page.count('data-testid="lot-recipe">Coulis de tomate<') == 2


def test_moving_jars_writes_two_ledger_rows(staff_client, chain, lot, animator):
    data = {
        "lot": lot.pk,
        "jar_format": chain.jar.pk,
        "source": chain.truck.pk,
        "destination": chain.shop.pk,
        "quantity": "5",
        "day": DAY.isoformat(),
        "reason": "",
    }
    assert staff_client.post(f"{URL}transfert/", data).status_code == 302
    moved = StockMovement.objects.filter(kind=MovementKind.MOVED)
    assert sorted(moved.values_list("quantity", flat=True)) == [-5, 5]
    assert {m.created_by for m in moved} == {animator}


def test_moving_more_than_in_stock_is_refused_at_the_field(staff_client, chain, lot):
    before = row_counts()
    data = {
        "lot": lot.pk,
        "jar_format": chain.jar.pk,
        "source": chain.truck.pk,
        "destination": chain.shop.pk,
        "quantity": "13",
        "day": DAY.isoformat(),
    }
    response = staff_client.post(f"{URL}transfert/", data)
    assert response.status_code == 422
    assert "Stock insuffisant : 12 bocal(aux)" in text(response)
    assert 'value="13"' in text(response)
    assert row_counts() == before


def test_discard_needs_a_reason_then_writes_a_broken_row(staff_client, chain, lot):
    data = {"lot": lot.pk, "jar_format": chain.jar.pk, "location": chain.truck.pk, "quantity": "2", "day": DAY}
    response = staff_client.post(f"{URL}sortie/", {**data, "reason": ""})
    assert response.status_code == 422
    assert "Indiquez pourquoi ces bocaux sortent du stock." in text(response)
    assert staff_client.post(f"{URL}sortie/", {**data, "reason": "Tombés", "broken": "on"}).status_code == 302
    assert StockMovement.objects.get(kind=MovementKind.BROKEN).quantity == -2


def test_discarding_zero_jars_is_refused(staff_client, chain, lot):
    data = {"lot": lot.pk, "jar_format": chain.jar.pk, "location": chain.truck.pk, "quantity": "0", "reason": "x"}
    response = staff_client.post(f"{URL}sortie/", {**data, "day": DAY})
    assert response.status_code == 422
    assert "Indiquez un nombre de bocaux supérieur à zéro." in text(response)


def test_empty_jars_returned(staff_client, chain):
    data = {"location": chain.shop.pk, "jar_format": chain.jar.pk, "quantity": "4", "refunded_eur": "", "day": DAY}
    assert staff_client.post(f"{URL}consignes/", data).status_code == 302
    movement = StockMovement.objects.get()
    assert movement.kind == MovementKind.EMPTY_RETURNED
    assert movement.quantity == 4
    assert movement.amount_eur == 4


def test_forms_are_prefilled_from_the_overview_links(staff_client, chain, lot):
    response = staff_client.get(f"{URL}transfert/", {"lot": lot.pk, "source": chain.truck.pk})
    assert f'<option value="{lot.pk}" selected>' in text(response)


def test_records_of_another_territory_are_not_choices(staff_client, chain, lot, other_chain):
    (foreign,) = add_lots(other_chain, 1)
    before = row_counts()
    forged = [
        (f"{URL}transfert/", {"lot": foreign.pk, "jar_format": chain.jar.pk, "source": chain.truck.pk}),
        (f"{URL}transfert/", {"lot": lot.pk, "jar_format": chain.jar.pk, "source": other_chain.truck.pk}),
        (f"{URL}consignes/", {"location": other_chain.shop.pk, "jar_format": chain.jar.pk}),
        (f"{URL}sortie/", {"lot": lot.pk, "jar_format": other_chain.jar.pk, "location": chain.truck.pk}),
    ]
    for url, data in forged:
        data = {"destination": chain.shop.pk, "quantity": "1", "reason": "x", "day": DAY, **data}
        response = staff_client.post(url, data)
        assert response.status_code == 422, url
        assert "Sélectionnez un choix valide" in text(response)
    assert row_counts() == before


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        for path in ("", "mouvements/", "transfert/", "sortie/", "consignes/"):
            assert client.get(f"{URL}{path}").status_code == 404


def test_ledger_filters_by_kind(staff_client, chain):
    add_stock_activity(chain, 1)
    page = text(staff_client.get(f"{URL}mouvements/", {"kind": "empty_returned"}))
    assert "Bocal vide rapporté" in page
    assert "Transféré" not in page.split("<tbody>")[1]


def test_non_released_lot_is_flagged(staff_client, chain, lot):
    assert lot.status == LotStatus.OPEN
    assert "non libéré" in text(staff_client.get(URL))


def test_overview_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, URL, lambda n: add_stock_activity(chain, n), django_assert_num_queries)


def test_ledger_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(
        staff_client, f"{URL}mouvements/", lambda n: add_stock_activity(chain, n), django_assert_num_queries
    )


def test_move_form_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, f"{URL}transfert/", lambda n: add_lots(chain, n), django_assert_num_queries)
