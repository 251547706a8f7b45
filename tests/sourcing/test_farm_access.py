"""Farms carry their address, phone, access notes and pickup hours: the planner keeps to the hours, the round sheet
and the driver's page show them with each stop (a tap calls the farm)."""

import io
from datetime import time
from decimal import Decimal

import pypdf
import pytest

from conserverie.producers.models import Producer
from conserverie.producers.services import producer_update
from conserverie.sourcing.rounds.services import pickup_window, round_confirm

from ..pages import row_counts, text
from .rounds_world import FARMS, planned_round


def give_access(producer, actor, **changes):
    values = {
        "address": "120 chemin des Vergers",
        "phone": "04 65 71 00 01",
        "access_notes": "Hangar bleu après le lavoir, klaxonner",
        "pickup_from": time(9),
        "pickup_until": time(11, 30),
    }
    return producer_update(actor=actor, producer=producer, **{**values, **changes})


def test_the_driver_page_and_the_sheet_show_how_to_reach_each_farm(client, romans, coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    round_confirm(actor=coordinator, collection_round=collection_round)
    farm = Producer.objects.get(name=FARMS[0][0])
    give_access(farm, coordinator)
    client.force_login(coordinator)
    base = f"/t/romans/tournees/{collection_round.pk}/"
    page = text(client.get(base + "chauffeur/"))
    assert "120 chemin des Vergers, Peyrins" in page
    assert 'href="tel:0465710001"' in page
    assert "Appeler 04 65 71 00 01" in page
    assert "Collecte de 09h00 à 11h30" in page
    assert "Hangar bleu après le lavoir, klaxonner" in page
    assert page.count('data-testid="farm-call"') == 1  # the other farm gave no phone: no button
    sheet = client.get(base + "feuille.pdf")
    content = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(sheet.content)).pages).split())
    assert "Tél. 04 65 71 00 01" in content
    assert "Collecte de 09:00 à 11:30" in content
    assert "Accès : Hangar bleu après le lavoir, klaxonner" in content


def test_the_planner_keeps_to_the_pickup_hours(romans, coordinator, tomato):
    farm = Producer.objects.create(
        territory=romans.territory, name="F", commune="C", lat=Decimal("45"), lon=Decimal("5"), distance_km=1
    )
    assert pickup_window(farm) is None
    farm.pickup_from, farm.pickup_until = time(9), time(11, 30)
    assert pickup_window(farm) == (540, 690)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "appelez-moi"}, "phone", "Ce numéro de téléphone ne semble pas juste"),
        ({"pickup_from": time(12), "pickup_until": time(9)}, "pickup_until", "La fin du créneau de collecte"),
    ],
)
def test_bad_access_details_are_refused_at_the_field(client, romans, coordinator, tomato, changes, field, message):
    farm = Producer.objects.create(
        territory=romans.territory,
        name="Ferme X",
        commune="Peyrins",
        lat=Decimal("45"),
        lon=Decimal("5"),
        distance_km=1,
    )
    client.force_login(coordinator)
    data = {"name": "Ferme X", "commune": "Peyrins", "lat": "45", "lon": "5", "is_active": "on"}
    for key, value in changes.items():
        data[key] = value.strftime("%H:%M") if isinstance(value, time) else value
    before = row_counts()
    response = client.post(f"/t/romans/producteurs/{farm.pk}/modifier/", data)
    assert response.status_code == 422
    assert message in text(response)
    assert row_counts() == before
