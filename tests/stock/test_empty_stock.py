"""Empty jars as their own stock: bought, returned, washed, filled at production, broken, counted (who, why)."""

from decimal import Decimal

import pytest

from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.selectors import empty_flows, empty_jar_alert
from conserverie.stock.services import (
    deposit_return,
    empties_at,
    empties_break,
    empties_buy,
    empties_count,
    empties_move,
    movement_reverse,
)
from conserverie.territories.models import Location

from ..helpers import forbidden, make_lot, refused
from ..pages import assert_flat_queries, text
from .test_empties import workshop_in

URL = "/t/romans/stock/vides/"


@pytest.fixture
def washer(chain):
    return Location.objects.create(territory=chain.territory, name="Laverie ESAT", kind=Location.Kind.WASHING)


def test_a_season_of_empty_jars(chain, washer, animator, coordinator):
    empties_buy(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=30, amount_eur=Decimal("18"))
    deposit_return(actor=animator, location=chain.shop, jar_format=chain.jar, quantity=6)
    empties_move(actor=animator, jar_format=chain.jar, source=chain.shop, destination=washer, quantity=6)
    empties_move(actor=animator, jar_format=chain.jar, source=washer, destination=chain.truck, quantity=5, washed=True)
    make_lot(chain, jars=20)  # filling takes 20 empties from the truck
    empties_break(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=2, reason="Tombés du bac")
    assert empties_at(location=chain.truck, jar_format=chain.jar) == 30 + 5 - 20 - 2
    assert empties_at(location=washer, jar_format=chain.jar) == 1
    count = empties_count(actor=coordinator, location=chain.truck, jar_format=chain.jar, counted=12, reason="Caisse")
    assert (count.quantity, count.created_by, count.reason, count.lot) == (-1, coordinator, "Caisse", None)
    flows = dict((str(label), n) for label, n in empty_flows(chain.territory))
    assert flows == {
        "Bocaux vides achetés": 30,
        "Bocal vide rapporté": 6,
        "Bocaux vides lavés": 5,
        "Bocaux vides remplis": -20,
        "Cassé": -2,
        "Ajustement d'inventaire": -1,
    }


def test_filling_more_jars_than_recorded_adjusts_first_and_never_goes_negative(chain):
    empties_buy(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=4)
    lot = make_lot(chain, jars=10)
    rows = StockMovement.objects.filter(lot__isnull=True, kind__in=[MovementKind.ADJUSTED, MovementKind.EMPTY_FILLED])
    assert sorted((r.kind, r.quantity) for r in rows) == [("adjusted", 6), ("empty_filled", -10)]
    assert lot.code in rows.get(kind=MovementKind.ADJUSTED).reason
    assert empties_at(location=chain.truck, jar_format=chain.jar) == 0


def test_refusals_write_nothing(chain, washer, animator, other):
    empties_buy(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=3)
    with refused("quantity", "Pas assez de bocaux vides"):
        empties_break(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=4, reason="Casse")
    with refused("reason"):
        empties_break(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=1, reason=" ")
    with refused("quantity", "Pas assez de bocaux vides"):
        empties_move(actor=animator, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=4)
    with refused("source", "partenaire de lavage"):
        empties_move(
            actor=animator, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=1, washed=True
        )
    with refused("quantity"):
        empties_buy(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=0)
    with refused("amount_eur"):
        empties_buy(actor=animator, location=chain.truck, jar_format=chain.jar, quantity=1, amount_eur=Decimal("-1"))
    with forbidden():
        empties_count(actor=animator, location=chain.truck, jar_format=chain.jar, counted=1, reason="x")
    with refused("reason"):
        empties_count(actor=chain.actor, location=chain.truck, jar_format=chain.jar, counted=1, reason="")
    with forbidden():
        empties_buy(actor=chain.actor, location=other.truck, jar_format=other.jar, quantity=1)


def test_reversing_a_return_that_was_filled_since_is_refused(chain, washer):
    back = deposit_return(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=5)
    make_lot(chain, jars=5)
    with refused("quantity", "Pas assez de bocaux vides"):
        movement_reverse(actor=chain.actor, movement=back, reason="Erreur")
    empties_buy(actor=chain.actor, location=washer, jar_format=chain.jar, quantity=3)
    empties_move(
        actor=chain.actor, jar_format=chain.jar, source=washer, destination=chain.truck, quantity=3, washed=True
    )
    half = StockMovement.objects.filter(kind=MovementKind.EMPTY_WASHED).first()
    with refused(match="transfert inverse"):
        movement_reverse(actor=chain.actor, movement=half, reason="Erreur")


def test_the_alert_reads_the_empty_stock_and_names_the_washing_partner(chain, washer):
    workshop_in(chain, 2, capacity=10)  # 20 jars needed
    empties_buy(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=25)
    assert not empty_jar_alert(chain.territory).short
    make_lot(chain, jars=10)  # 15 left in the truck
    empties_buy(actor=chain.actor, location=washer, jar_format=chain.jar, quantity=8)
    alert = empty_jar_alert(chain.territory)
    assert (alert.short, alert.in_truck, alert.missing, alert.at_washing) == (True, 15, 5, 8)


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_empties_page_and_forms(staff_client, chain, washer, coordinator):
    workshop_in(chain, 2, capacity=10)
    page = text(staff_client.get(URL))
    assert "Bocaux vides" in page
    assert "Il en manque 20." in page
    data = {"location": chain.truck.pk, "jar_format": chain.jar.pk, "quantity": "12", "day": "2026-06-11"}
    assert staff_client.post(f"{URL}achat/", data).status_code == 302
    bad = staff_client.post(f"{URL}casse/", data | {"quantity": "50", "reason": "Tombés"})
    assert bad.status_code == 422
    assert "Pas assez de bocaux vides" in text(bad)
    assert staff_client.get(f"{URL}inventaire/").status_code == 403  # counting is the coordination's
    assert staff_client.get(f"{URL}nope/").status_code == 404
    staff_client.force_login(coordinator)
    count = {"location": chain.truck.pk, "jar_format": chain.jar.pk, "counted": "10", "day": "2026-06-11"}
    refused_count = staff_client.post(f"{URL}inventaire/", count)
    assert refused_count.status_code == 422
    assert "dit toujours pourquoi" in text(refused_count)
    assert staff_client.post(f"{URL}inventaire/", count | {"reason": "Comptage du lundi"}).status_code == 302
    page = text(staff_client.get(URL))
    assert "Comptage du lundi" in page
    assert "Il en manque 10." in page


def test_other_territory_gets_404(client, chain, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}achat/").status_code == 404


def test_empties_page_query_count_does_not_grow(staff_client, chain, washer, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            empties_buy(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=5 + i)
            deposit_return(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=2)
            empties_move(actor=chain.actor, jar_format=chain.jar, source=chain.shop, destination=washer, quantity=2)
            make_lot(chain, kg="2", jars=3)

    assert_flat_queries(staff_client, URL, grow, django_assert_num_queries)
