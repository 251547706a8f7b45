"""Empty jars on hand per location and format, and the stock page's alert when the truck lacks empties."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conserverie.stock.selectors import empties_by_location_and_format, empty_jar_alert
from conserverie.stock.services import deposit_return, movement_reverse
from conserverie.territories.models import JarFormat
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import workshop_open

from ..pages import text

URL = "/t/romans/stock/"


def back(chain, location, quantity, jar_format=None):
    return deposit_return(actor=chain.actor, location=location, jar_format=jar_format or chain.jar, quantity=quantity)


def workshop_in(chain, days, capacity=6):
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(14)))
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title=f"Atelier J+{days}",
        site=chain.site,
        structure=chain.structure,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        animators=[chain.actor],
        planned_recipes=[chain.recipe],
    )


def test_empties_per_location_and_format_net_of_corrections(chain, coordinator):
    small = JarFormat.objects.create(
        territory=chain.territory, name="Bocal 250 ml", volume_ml=250, deposit_eur=Decimal("0.50")
    )
    back(chain, chain.truck, 5)
    back(chain, chain.truck, 2, small)
    wrong = back(chain, chain.shop, 3)
    movement_reverse(actor=coordinator, movement=wrong, reason="Compté deux fois")
    rows = [
        (r["location__name"], r["jar_format__name"], r["jars"]) for r in empties_by_location_and_format(chain.territory)
    ]
    assert rows == [("Camion Romans", "Bocal 250 ml", 2), ("Camion Romans", "Bocal 375 ml", 5)]


def test_alert_counts_two_jars_per_place_of_the_coming_week(chain):
    workshop_in(chain, 1, capacity=6)
    workshop_in(chain, 7, capacity=4)
    workshop_in(chain, 9, capacity=30)  # after the week: not counted
    cancelled = workshop_in(chain, 2, capacity=30)
    Workshop.objects.filter(pk=cancelled.pk).update(status=Workshop.Status.CANCELLED)
    back(chain, chain.shop, 50)  # empties at the shop do not fill the truck
    back(chain, chain.truck, 12)
    alert = empty_jar_alert(chain.territory)
    assert (alert.workshops, alert.needed, alert.in_truck, alert.short, alert.missing) == (2, 20, 12, True, 8)
    back(chain, chain.truck, 8)
    assert not empty_jar_alert(chain.territory).short


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_stock_page_shows_the_alert_only_when_short(staff_client, chain):
    workshop_in(chain, 3, capacity=5)
    back(chain, chain.truck, 4)
    page = text(staff_client.get(URL))
    assert "Le camion n'a que 4 bocaux vides" in page
    assert "Il en manque 6." in page
    back(chain, chain.truck, 6)
    assert "Le camion n'a que" not in text(staff_client.get(URL))


def test_inventory_count_page_writes_the_difference(client, chain, coordinator, animator):
    from conserverie.stock.models import MovementKind, StockMovement

    from ..helpers import released_lot

    lot = released_lot(chain, jars=10)
    url = "/t/romans/stock/inventaire/"
    data = {"lot": lot.pk, "jar_format": chain.jar.pk, "location": chain.truck.pk, "counted": "8", "day": "2026-06-11"}
    client.force_login(animator)
    assert client.get(url).status_code == 404  # counting is the coordination's
    client.force_login(coordinator)
    assert "Compter" in text(client.get(URL))
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "dit toujours pourquoi" in text(refused)
    assert client.post(url, data | {"reason": "Comptage de fin de mois"}).status_code == 302
    adjustment = StockMovement.objects.get(kind=MovementKind.ADJUSTED, lot=lot)
    assert (adjustment.quantity, adjustment.created_by, adjustment.reason) == (
        -2,
        coordinator,
        "Comptage de fin de mois",
    )
