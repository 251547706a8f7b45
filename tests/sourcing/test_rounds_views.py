"""Collection rounds, the pages: list, planning form, round page with its map, sheet PDF, driver page."""

import io
import json
import re
from datetime import time, timedelta
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from conserverie.producers.models import SurplusOffer
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.sourcing.rounds.services import round_confirm, round_from_collections, round_stop_record
from conserverie.sourcing.services import collection_record

from ..pages import assert_flat_queries, row_counts, text
from .rounds_world import FARMS, accepted_offer, accepted_offers, add_stops, add_vehicle, planned_round, round_day

LIST = "/t/romans/tournees/"
NEW = "/t/romans/tournees/nouvelle/"


def detail(collection_round, tail=""):
    return f"/t/romans/tournees/{collection_round.pk}/{tail}"


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def anim_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def truck(romans):
    return add_vehicle(romans.territory)


@pytest.fixture(autouse=True)
def quick_solver(monkeypatch):
    monkeypatch.setattr("conserverie.sourcing.rounds.services.SOLVER_SECONDS", 0.3)


def plan_post(truck, **extra):
    data = {"day": round_day().isoformat(), "vehicle": truck.pk, "departure": "08:00", "back_by": "17:00"}
    data.update(extra)
    return data


def test_the_form_lists_the_days_offers_with_their_urgency(coord_client, romans, coordinator, tomato, truck):
    accepted_offers(coordinator, romans.territory, tomato, 3)
    response = coord_client.get(NEW, {"day": round_day().isoformat(), "vehicle": truck.pk})
    assert response.status_code == 200
    page = text(response)
    assert "Ferme des Chênes" in page
    assert "Jardin de Mours" in page
    assert page.count('name="required"') == 3


def test_planning_from_the_form_shows_the_round(coord_client, romans, coordinator, tomato, truck):
    offers = accepted_offers(coordinator, romans.territory, tomato, 3)
    response = coord_client.post(NEW, plan_post(truck, required=[offers[0].pk]))
    assert response.status_code == 302
    collection_round = CollectionRound.objects.get()
    assert response["Location"] == detail(collection_round)
    assert collection_round.stops.get(offer=offers[0]).required

    page = coord_client.get(detail(collection_round))
    body = text(page)
    assert "Confirmer la tournée" in body
    assert "km économisés" in body
    assert "CO2 estimé" in body
    data = json.loads(re.search(r'id="round-map-data"[^>]*>(.*?)</script>', body, re.S).group(1))
    assert [s["n"] for s in data["stops"]] == [1, 2, 3]
    assert data["depot"]["lat"] == pytest.approx(45.0431)

    assert coord_client.post(detail(collection_round, "confirmer/")).status_code == 302
    collection_round.refresh_from_db()
    assert collection_round.status == CollectionRound.Status.PLANNED
    assert "Page chauffeur" in text(coord_client.get(detail(collection_round)))


def test_an_impossible_round_says_why_at_the_form_and_writes_nothing(coord_client, romans, coordinator, tomato):
    offers = accepted_offers(coordinator, romans.territory, tomato, 2, kg="50")
    small = add_vehicle(romans.territory, capacity_kg=60)
    before = row_counts()
    response = coord_client.post(NEW, plan_post(small, required=[o.pk for o in offers]))
    assert response.status_code == 422
    assert "ne tiennent pas toutes dans cette tournée" in text(response)
    assert row_counts() == before


def test_a_day_without_offers_says_so(coord_client, truck):
    response = coord_client.post(NEW, plan_post(truck))
    assert response.status_code == 422
    assert "Aucune offre acceptée à collecter par le camion" in text(response)


def test_animators_see_rounds_but_do_not_plan_them(anim_client, romans, coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    assert anim_client.get(NEW).status_code == 404
    assert anim_client.post(detail(collection_round, "confirmer/")).status_code == 404
    page = text(anim_client.get(detail(collection_round)))
    assert "Confirmer la tournée" not in page
    assert "Préparer une tournée" not in text(anim_client.get(LIST))


def test_the_driver_records_kg_on_the_phone_page(anim_client, romans, coordinator, animator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    round_confirm(actor=coordinator, collection_round=collection_round)
    first, second = collection_round.stops.all()
    url = detail(collection_round, "chauffeur/")
    assert anim_client.get(url).status_code == 200

    before = row_counts()
    response = anim_client.post(url, {"stop": first.pk, f"s{first.pk}-kg": ""})
    assert response.status_code == 422
    assert "Indiquez le poids pesé" in text(response)
    assert row_counts() == before

    response = anim_client.post(url, {"stop": first.pk, f"s{first.pk}-kg": "47.5"})
    assert response.status_code == 302
    assert response["Location"].endswith("#arret-1")
    raw = RawLot.objects.get()
    assert raw.kg == Decimal("47.5")
    assert raw.collection_round == collection_round
    assert raw.recorded_by == animator
    anim_client.post(url, {"stop": second.pk, f"s{second.pk}-nothing": "on"})
    assert SurplusOffer.objects.get(pk=second.offer_id).status == SurplusOffer.Status.EXPIRED

    page = text(anim_client.get(url))
    assert "Terminer la tournée" in page
    assert raw.code in page
    response = anim_client.post(detail(collection_round, "terminer/"), {"km": "31.5"})
    assert response.status_code == 302
    collection_round.refresh_from_db()
    assert (collection_round.status, collection_round.km) == (CollectionRound.Status.DONE, Decimal("31.5"))


def test_the_round_sheet_lists_the_stops_in_order(coord_client, romans, coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=3)
    round_confirm(actor=coordinator, collection_round=collection_round)
    round_stop_record(actor=coordinator, stop=collection_round.stops.first(), kg=Decimal("12.25"))
    response = coord_client.get(detail(collection_round, "feuille.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=1)  # A4 portrait
    content = " ".join(page.extract_text() for page in reader.pages)
    assert "Feuille de tournée du" in content
    assert "Camion-conserverie" in content
    assert "kg pesés" in content
    assert "12.25" in content
    assert "Tomate" in content
    stops = list(collection_round.stops.select_related("offer__producer"))
    positions = [content.index(stop.offer.producer.name) for stop in stops]
    assert positions == sorted(positions)
    first = stops[0]
    assert first.planned_arrival.strftime("%H:%M") in content


def test_the_list_searches_and_filters(coord_client, romans, coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    page = text(coord_client.get(LIST))
    assert "Proposée" in page
    assert collection_round.date.strftime("%d/%m/%Y") in page
    assert collection_round.date.strftime("%d/%m/%Y") in text(coord_client.get(LIST, {"q": "Chênes"}))
    assert "Aucune tournée ne correspond." in text(coord_client.get(LIST, {"q": "Personne"}))
    assert "Aucune tournée ne correspond." in text(coord_client.get(LIST, {"status": "done"}))


def test_another_territory_never_sees_a_round(client, romans, other, coordinator, other_coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    client.force_login(other_coordinator)
    for tail in ("", "chauffeur/", "feuille.pdf"):
        assert client.get(detail(collection_round, tail)).status_code == 404
    assert client.post(detail(collection_round, "confirmer/")).status_code == 404
    # Under their own slug, the round's id is unknown.
    assert client.get(f"/t/vercors/tournees/{collection_round.pk}/").status_code == 404
    assert client.get(f"/t/vercors/tournees/{collection_round.pk}/feuille.pdf").status_code == 404
    assert "Chênes" not in text(client.get("/t/vercors/tournees/"))


def test_pages_cost_the_same_queries_with_more_rounds_and_stops(
    coord_client, romans, coordinator, tomato, truck, django_assert_num_queries
):
    def more_rounds(n):
        for _ in range(n):
            day = timezone.localdate() - timedelta(days=CollectionRound.objects.count() + 1)
            offer = accepted_offer(coordinator, romans.territory, tomato, FARMS[0], day=day)
            raw = collection_record(
                actor=coordinator,
                territory=romans.territory,
                producer=offer.producer,
                product=tomato,
                kg=Decimal("20"),
                collected_on=day,
                offer=offer,
            )
            round_from_collections(
                actor=coordinator, territory=romans.territory, vehicle=truck, day=day, raw_lots=[raw]
            )

    assert_flat_queries(coord_client, LIST, more_rounds, django_assert_num_queries)

    collection_round = planned_round(coordinator, romans.territory, tomato, vehicle=truck, n=1)
    round_confirm(actor=coordinator, collection_round=collection_round)

    def more_stops(n):
        add_stops(collection_round, coordinator, tomato, n)

    for tail in ("", "chauffeur/", "feuille.pdf"):
        assert_flat_queries(coord_client, detail(collection_round, tail), more_stops, django_assert_num_queries)


def test_the_new_round_page_costs_the_same_with_more_offers(
    coord_client, romans, coordinator, tomato, truck, django_assert_num_queries
):
    url = f"{NEW}?day={round_day().isoformat()}&vehicle={truck.pk}&departure=08:00&back_by=17:00"
    assert_flat_queries(
        coord_client,
        url,
        lambda n: accepted_offers(coordinator, romans.territory, tomato, n),
        django_assert_num_queries,
    )


def test_default_times_fill_the_form(coord_client, truck):
    page = text(coord_client.get(NEW))
    assert 'value="08:00"' in page
    assert 'value="17:00"' in page
    assert time(8).strftime("%H:%M") == "08:00"
