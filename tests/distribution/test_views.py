from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.stock.models import StockMovement

from ..conftest import DAY
from ..pages import add_distributions, add_lots, add_participant, assert_flat_queries, row_counts, text

URL = "/t/romans/cessions/"
NEW = "/t/romans/cessions/nouvelle/"


def distribution_post(chain, lot, quantity="3", **extra):
    data = {
        "kind": "group_sale",
        "location": chain.truck.pk,
        "day": DAY.isoformat(),
        "payment_mode": "cash",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-lot": lot.pk,
        "lines-0-jar_format": chain.jar.pk,
        "lines-0-quantity": quantity,
        "lines-0-unit_price_eur": "3.50",
        # What a browser sends for the empty rows: the territory's only format is preselected, the price is 0.
        "lines-1-jar_format": chain.jar.pk,
        "lines-1-unit_price_eur": "0",
        "lines-2-jar_format": chain.jar.pk,
        "lines-2-unit_price_eur": "0",
    }
    data.update(extra)
    return data


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def released(chain):
    return add_lots(chain, 1, jars=10, release=True)[0]


def test_list_renders_with_totals(staff_client, chain):
    add_distributions(chain, 3)  # 3 distributions × 3 jars
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert "Total : 9 bocaux" in text(response)
    assert "Total : 3 bocaux" in text(staff_client.get(URL, {"kind": "internal"}))


def test_a_sale_writes_the_distribution_its_line_and_the_ledger(staff_client, chain, released, animator):
    response = staff_client.post(NEW, distribution_post(chain, released))
    assert response.status_code == 302
    distribution = Distribution.objects.get()
    line = distribution.lines.get()
    assert distribution.created_by == animator
    assert distribution.kind == "group_sale"
    assert (line.quantity, line.unit_price_eur, line.deposit_eur) == (3, Decimal("3.50"), Decimal("1.00"))
    assert StockMovement.objects.get(distribution_line=line).quantity == -3


def test_a_gift_to_a_participant_needs_the_participant(staff_client, chain, released):
    before = row_counts()
    response = staff_client.post(NEW, distribution_post(chain, released, kind="participant"))
    assert response.status_code == 422
    assert "Choisissez le participant qui emporte les bocaux." in text(response)
    assert row_counts() == before
    participant = add_participant(chain)
    data = distribution_post(chain, released, kind="participant", participant=participant.pk, payment_mode="free")
    assert staff_client.post(NEW, data).status_code == 302
    assert Distribution.objects.get().participant == participant


def test_a_blocked_lot_cannot_be_sold_and_nothing_is_written(staff_client, chain, released):
    ProductionLot.objects.filter(pk=released.pk).update(status=LotStatus.BLOCKED)
    before = row_counts()
    response = staff_client.post(NEW, distribution_post(chain, released))
    assert response.status_code == 422
    assert f"Le lot {released.code} est « Bloqué » : il ne peut être ni cédé, ni vendu, ni utilisé." in text(response)
    assert 'value="3.50"' in text(response)
    assert row_counts() == before


def test_an_open_lot_cannot_be_given(staff_client, chain):
    (lot,) = add_lots(chain, 1)
    response = staff_client.post(NEW, distribution_post(chain, lot))
    assert response.status_code == 422
    assert "« En cours »" in text(response)
    assert not Distribution.objects.exists()


def test_more_jars_than_in_stock_is_refused(staff_client, chain, released):
    before = row_counts()
    response = staff_client.post(NEW, distribution_post(chain, released, quantity="11"))
    assert response.status_code == 422
    assert "Stock insuffisant : 10 bocal(aux)" in text(response)
    assert row_counts() == before


def test_no_line_is_refused(staff_client, chain, released):
    data = distribution_post(chain, released)
    for key in ("lines-0-lot", "lines-0-jar_format", "lines-0-quantity"):
        data.pop(key)
    data["lines-0-unit_price_eur"] = "0"
    response = staff_client.post(NEW, data)
    assert response.status_code == 422
    assert "Ajoutez au moins une ligne." in text(response)
    assert not DistributionLine.objects.exists()


def test_a_lot_or_participant_of_another_territory_is_not_a_choice(staff_client, chain, released, other_chain):
    (foreign,) = add_lots(other_chain, 1, release=True)
    stranger = add_participant(other_chain, "Zoé")
    before = row_counts()
    for data, message in (
        (distribution_post(chain, foreign), "Sélectionnez un choix valide"),
        (
            distribution_post(chain, released, kind="participant", participant=stranger.pk),
            f"Aucun participant n°{stranger.pk} ici",
        ),
        (distribution_post(chain, released, location=other_chain.truck.pk), "Sélectionnez un choix valide"),
    ):
        response = staff_client.post(NEW, data)
        assert response.status_code == 422
        assert message in text(response)
    assert row_counts() == before


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(NEW).status_code == 404


def test_search_by_lot_code_keeps_whole_totals(staff_client, chain):
    add_distributions(chain, 1)
    code = ProductionLot.objects.get().code
    page = text(staff_client.get(URL, {"q": code}))
    assert "Total : 3 bocaux" in page
    assert "Aucune cession" in text(staff_client.get(URL, {"q": "introuvable"}))


def test_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, URL, lambda n: add_distributions(chain, n), django_assert_num_queries)


def test_form_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, NEW, lambda n: add_distributions(chain, n), django_assert_num_queries)


def _lot_options(page: str, row: int = 0) -> str:
    import re

    return re.search(rf'<select name="lines-{row}-lot".*?</select>', page, re.S).group(0)


def test_the_form_lists_the_lots_in_stock_and_keeps_a_refused_choice(staff_client, chain, released):
    """Issue 20: the lists offer the lots with jars on hand, not every lot of every season; a lot chosen on a
    refused form stays chosen, even one with no jar left."""
    emptied = add_lots(chain, 1, jars=10, release=True)[0]
    assert staff_client.post(NEW, distribution_post(chain, emptied, quantity="10")).status_code == 302
    options = _lot_options(staff_client.get(NEW).content.decode())
    assert f'value="{released.pk}"' in options
    assert released.code in options
    assert f'value="{emptied.pk}"' not in options
    response = staff_client.post(NEW, distribution_post(chain, emptied, quantity="1"))
    assert response.status_code == 422
    assert f'<option value="{emptied.pk}" selected>' in _lot_options(response.content.decode())
    assert f'value="{released.pk}"' in _lot_options(response.content.decode(), row=1)
