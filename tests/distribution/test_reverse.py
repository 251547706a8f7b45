"""A distribution typed by mistake is cancelled by reversing rows; its receipt and the list say so."""

from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record, distribution_reverse
from conserverie.stock.models import StockMovement
from conserverie.stock.services import jars_at

from ..conftest import DAY
from ..helpers import forbidden, refused, released_lot
from ..pages import text


@pytest.fixture
def sale(chain):
    lot = released_lot(chain, jars=10)
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 3, Decimal("4"))],
    )


def test_reversing_a_sale_puts_the_jars_back_and_keeps_the_rows(chain, sale):
    lot = sale.lines.get().lot
    rows = distribution_reverse(actor=chain.actor, distribution=sale, reason="Saisie en double")
    assert [(r.quantity, r.amount_eur, r.reason) for r in rows] == [(3, Decimal("-15.00"), "Saisie en double")]
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 10
    assert StockMovement.objects.filter(distribution_line__distribution=sale).count() == 2
    with refused("reason", "déjà annulée"):
        distribution_reverse(actor=chain.actor, distribution=sale, reason="encore")


def test_reversal_needs_a_reason_and_a_coordinator(chain, sale, animator):
    with refused("reason"):
        distribution_reverse(actor=chain.actor, distribution=sale, reason="  ")
    with forbidden():
        distribution_reverse(actor=animator, distribution=sale, reason="erreur")


def test_receipt_and_list_mark_a_reversed_sale(client, chain, sale, animator):
    client.force_login(chain.actor)
    url = f"/t/romans/cessions/{sale.pk}/"
    assert "ANNULÉE" not in text(client.get(url))
    bad = client.post(f"{url}annuler/", {"reason": ""})
    assert bad.status_code == 422
    assert "Une annulation dit toujours pourquoi" in text(bad)
    response = client.post(f"{url}annuler/", {"reason": "Vente saisie deux fois"})
    assert response.status_code == 302
    page = text(client.get(url))
    assert "ANNULÉE" in page
    assert "Vente saisie deux fois" in page
    assert "3 bocal(aux) sur 3" in page
    assert "annulée" in text(client.get("/t/romans/cessions/"))
    client.force_login(animator)
    assert client.post(f"{url}annuler/", {"reason": "x"}).status_code == 403
