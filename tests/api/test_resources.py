"""The resources of /api/v1/: territory scoping on every one, personal data, writes through the services with their
refusals as problem details, cursor pagination, ETags, `modified_since`, amounts as strings (docs/api-en.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conserverie.api.core import MAX_LIMIT
from conserverie.distribution.models import Distribution
from conserverie.producers.services import offer_accept, producer_create
from conserverie.stock.models import StockMovement
from conserverie.workshops.models import Registration
from conserverie.workshops.services import workshop_cancel
from tests.api.conftest import new_token
from tests.conftest import DAY
from tests.purchasing.world import open_round

LISTS = [
    "/api/v1/territories",
    "/api/v1/products",
    "/api/v1/producers",
    "/api/v1/offers",
    "/api/v1/raw-lots",
    "/api/v1/workshops",
    "/api/v1/outings",
    "/api/v1/lots",
    "/api/v1/distributions",
]


def details(w) -> dict:
    """Each detail route with the id of `w`'s row."""
    return {
        "/api/v1/territories/{}": w.territory.pk,
        "/api/v1/producers/{}": w.farm.pk,
        "/api/v1/producers/{}/products": w.farm.pk,
        "/api/v1/offers/{}": w.offer.pk,
        "/api/v1/raw-lots/{}": w.raw.pk,
        "/api/v1/workshops/{}": w.workshop.pk,
        "/api/v1/outings/{}": w.outing.pk,
        "/api/v1/lots/{}": w.lot.pk,
        "/api/v1/distributions/{}": w.gift.pk,
    }


def test_a_token_of_one_territory_never_reads_another(api, world, other_world, coordinator):
    token = new_token(coordinator, world.territory)
    foreign = [other_world.territory.slug, other_world.farm.name, other_world.lot.code, other_world.raw.code]
    foreign += [other_world.workshop.title, other_world.person.first_name, other_world.outing.meeting_point]
    for url in [*LISTS, "/api/v1/stock", "/api/v1/impact", "/api/v1/accounts"]:
        response = api.get(url, token)
        assert response.status_code == 200, (url, response.content)
        assert not [value for value in foreign if value in response.content.decode()], url
    for pattern, own in details(world).items():
        assert api.get(pattern.format(own), token).status_code == 200, pattern
    for pattern, theirs in details(other_world).items():
        response = api.get(pattern.format(theirs), token)
        assert response.status_code == 404, (pattern, response.content)
        assert response["Content-Type"] == "application/problem+json"
    assert api.get(f"/api/v1/stock?lot_id={other_world.lot.pk}", token).json() == []
    # Writes on another territory's rows are "not found" as well, and change nothing.
    assert api.post(f"/api/v1/offers/{other_world.offer.pk}/accept", token).status_code == 404
    assert api.patch(f"/api/v1/producers/{other_world.farm.pk}", token, {"name": "Pris"}).status_code == 404
    assert api.post(f"/api/v1/outings/{other_world.outing.pk}/signups", token, signup()).status_code == 404
    reversed_ = api.post(f"/api/v1/distributions/{other_world.gift.pk}/reverse", token, {"reason": "x"})
    assert reversed_.status_code == 404
    sale = gift(other_world)
    refused = api.post("/api/v1/distributions", token, sale)
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) >= {"lot_id"}
    other_world.farm.refresh_from_db()
    assert other_world.farm.name != "Pris"


def signup(**changes) -> dict:
    return {"first_name": "Nadia", "phone": "0611223344", "consent": True, "party_size": 2, **changes}


def gift(w, quantity=1) -> dict:
    return {
        "kind": "participant",
        "date": DAY.isoformat(),
        "location_id": w.truck.pk,
        "participant_id": w.person.pk,
        "lines": [{"lot_id": w.lot.pk, "jar_format_id": w.jar.pk, "quantity": quantity}],
    }


def test_read_only_tokens_never_see_who_took_the_jars(api, world, coordinator):
    reader = new_token(coordinator, world.territory, scope="read")
    writer = new_token(coordinator, world.territory, scope="write")
    for token, expected in ((reader, None), (writer, {"id": world.person.pk, "first_name": world.person.first_name})):
        assert api.get(f"/api/v1/distributions/{world.gift.pk}", token).json()["participant"] == expected
        assert api.get("/api/v1/distributions", token).json()["items"][0]["participant"] == expected
    for url in LISTS + [f"/api/v1/workshops/{world.workshop.pk}"]:
        body = api.get(url, reader).content.decode()
        leaked = [value for value in (world.person.first_name, "Inscrite", "0600000000") if value in body]
        assert not leaked, url


def test_a_gift_goes_through_the_distribution_service_and_its_refusals(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    created = api.post("/api/v1/distributions", token, gift(world, quantity=3))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["lines"][0]["deposit_eur"] == "1.00"
    assert body["total_eur"] == "3.00"
    row = Distribution.objects.get(pk=body["id"])
    assert row.history.get().history_user == coordinator
    movement = StockMovement.objects.get(distribution_line__distribution=row)
    assert movement.quantity == -3
    assert movement.kind == "given"
    # 12 made, 2 given by the world, 3 now: 7 left. Asking 8 is refused at the field, and nothing is written.
    before = Distribution.objects.count()
    refused = api.post("/api/v1/distributions", token, gift(world, quantity=8))
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "Stock insuffisant" in refused.json()["errors"]["quantity"][0]
    assert Distribution.objects.count() == before
    missing = api.post("/api/v1/distributions", token, {**gift(world), "participant_id": None})
    assert missing.status_code == 422
    assert "participant" in missing.json()["errors"]
    unreadable = api.post("/api/v1/distributions", token, {**gift(world), "date": "demain", "note": "x" * 251})
    assert unreadable.status_code == 422
    assert unreadable.json()["errors"]["date"] == ["Une date AAAA-MM-JJ est attendue."]
    assert unreadable.json()["errors"]["note"] == ["Au plus 250 caractères."]
    reversed_ = api.post(f"/api/v1/distributions/{body['id']}/reverse", token, {"reason": "Saisie en double"})
    assert reversed_.status_code == 200
    again = api.post(f"/api/v1/distributions/{body['id']}/reverse", token, {"reason": "Encore"})
    assert again.status_code == 422
    assert "déjà annulée" in again.json()["errors"]["reason"][0]


def test_producers_and_offers_are_written_through_their_services(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    farm = {"name": "Ferme du Pont", "commune": "Peyrins", "lat": "45.1", "lon": "5.05"}
    created = api.post("/api/v1/producers", token, farm)
    assert created.status_code == 201
    assert created.json()["distance_km"] != "0.0"
    duplicate = api.post("/api/v1/producers", token, {**farm, "name": "ferme du pont"})
    assert duplicate.status_code == 422
    assert "existe déjà" in duplicate.json()["errors"]["name"][0]
    pk = created.json()["id"]
    changed = api.patch(f"/api/v1/producers/{pk}", token, {"networks": "CIVAM", "is_active": False})
    assert changed.json()["networks"] == "CIVAM"
    assert changed.json()["is_active"] is False
    calendar = api.put(
        f"/api/v1/producers/{pk}/products", token, {"products": [{"product_id": world.tomato.pk, "months": [7, 8]}]}
    )
    assert calendar.json() == [{"product_id": world.tomato.pk, "product": "Tomate", "months": [7, 8]}]
    bad_month = api.put(
        f"/api/v1/producers/{pk}/products", token, {"products": [{"product_id": world.tomato.pk, "months": [13]}]}
    )
    assert bad_month.status_code == 422
    assert "months" in bad_month.json()["errors"]
    offer = {
        "producer_id": pk,
        "product_id": world.tomato.pk,
        "kg_estimated": "25",
        "grade": "surplus",
        "available_from": DAY.isoformat(),
        "available_until": (DAY - timedelta(days=1)).isoformat(),
    }
    backwards = api.post("/api/v1/offers", token, offer)
    assert backwards.status_code == 422
    assert "available_until" in backwards.json()["errors"]
    declared = api.post("/api/v1/offers", token, {**offer, "available_until": DAY.isoformat()})
    assert declared.status_code == 201
    assert declared.json()["kg_estimated"] == "25.0"
    offer_pk = declared.json()["id"]
    assert (
        api.post(f"/api/v1/offers/{offer_pk}/decline", token, {"message": "Trop tard"}).json()["status"] == "declined"
    )
    conflict = api.post(f"/api/v1/offers/{offer_pk}/accept", token)
    assert conflict.status_code == 409
    assert "Refusée" in conflict.json()["detail"]


def test_a_farmer_sees_and_declares_for_their_own_farm_only(api, world, romans):
    from tests.conftest import make_user

    neighbour = producer_create(
        actor=world.actor,
        territory=world.territory,
        name="Voisins",
        commune="Mours",
        lat=Decimal("45.06"),
        lon=Decimal("5.06"),
    )
    farmer = make_user("fermier", world.territory, "producer", producer=world.farm)
    token = new_token(farmer, world.territory)
    assert [p["id"] for p in api.get("/api/v1/producers", token).json()["items"]] == [world.farm.pk]
    assert api.get(f"/api/v1/producers/{neighbour.pk}", token).status_code == 404
    assert [o["id"] for o in api.get("/api/v1/offers", token).json()["items"]] == [world.offer.pk]
    offer = {
        "producer_id": neighbour.pk,
        "product_id": world.tomato.pk,
        "kg_estimated": "10",
        "grade": "surplus",
        "available_from": DAY.isoformat(),
        "available_until": DAY.isoformat(),
    }
    refused = api.post("/api/v1/offers", token, offer)
    assert refused.status_code == 422
    assert "propre ferme" in refused.json()["errors"]["producer"][0]
    assert api.post("/api/v1/offers", token, {**offer, "producer_id": world.farm.pk}).status_code == 201
    assert api.post(f"/api/v1/offers/{world.offer.pk}/accept", token).status_code == 403  # staff decide
    assert api.get("/api/v1/raw-lots", token).status_code == 403


def test_sign_up_goes_through_the_public_forms_service(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    url = f"/api/v1/workshops/{world.workshop.pk}/signups"
    refused = api.post(url, token, signup(consent=False))
    assert refused.status_code == 422
    assert "consent" in refused.json()["errors"]
    done = api.post(url, token, signup())
    assert done.status_code == 201
    assert done.json()["status"] == "confirmed"
    registration = Registration.objects.get(pk=done.json()["registration_id"])
    assert registration.participant.first_name == "Nadia"
    assert registration.party_size == 2
    assert api.get(f"/api/v1/workshops/{world.workshop.pk}", token).json()["places_left"] == 12 - 1 - 2
    workshop_cancel(actor=coordinator, workshop=world.workshop, reason="Panne du camion")
    closed = api.post(url, token, signup(first_name="Léa"))
    assert closed.status_code == 409
    assert "fermées" in closed.json()["detail"]
    outing = api.post(f"/api/v1/outings/{world.outing.pk}/signups", token, signup())
    assert outing.status_code == 201


def test_a_lot_says_its_label_and_where_it_comes_from(api, world, coordinator):
    token = new_token(coordinator, world.territory, scope="read")
    body = api.get(f"/api/v1/lots/{world.lot.pk}", token).json()
    assert body["code"] == world.lot.code
    assert body["status"] == "released"
    assert body["label"]["ingredients"] == ["Tomate"]
    assert body["label"]["public_url"].endswith(f"/l/{world.lot.code}/")
    assert body["label"]["formats"][0]["jars_filled"] == 12
    assert body["label"]["formats"][0]["deposit_eur"] == "1.00"
    assert body["trace"]["raw_lots"][0]["producer"] == world.farm.name
    assert body["trace"]["jars_out"] == {"given": 2}
    stock = api.get(f"/api/v1/stock?lot_id={world.lot.pk}", token).json()
    assert [(row["location_id"], row["jars"]) for row in stock] == [(world.truck.pk, 10)]
    open_round(world, world.lot, offered=4)  # a purchasing-group round holds four of them for its members
    (row,) = api.get(f"/api/v1/stock?lot_id={world.lot.pk}", token).json()
    assert (row["jars"], row["jars_held"], row["jars_free"]) == (10, 4, 6)


def test_cursor_pagination_walks_every_row_once(api, world, coordinator):
    for n in range(6):
        producer_create(
            actor=coordinator,
            territory=world.territory,
            name=f"Ferme {n}",
            commune="Romans",
            lat=Decimal("45"),
            lon=Decimal("5"),
        )
    token = new_token(coordinator, world.territory)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/producers?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, token).json()
        seen += [p["id"] for p in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 7
    assert api.get("/api/v1/producers?cursor=%%%", token).status_code in (400, 422)
    assert api.get("/api/v1/producers?cursor=LTE", token).status_code == 400  # "-1"
    assert api.get(f"/api/v1/producers?limit={MAX_LIMIT + 1}", token).status_code == 422


def test_etags_answer_304_until_the_data_changes(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    first = api.get("/api/v1/offers", token)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert first.status_code == 200
    same = api.get("/api/v1/offers", token, HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304
    assert same.content == b""
    detail = api.get(f"/api/v1/offers/{world.offer.pk}", token)
    assert api.get(f"/api/v1/offers/{world.offer.pk}", token, HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    offer_accept(actor=coordinator, offer=world.offer)
    changed = api.get("/api/v1/offers", token, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_modified_since_gives_the_rows_changed_since(api, world, coordinator, time_machine):
    token = new_token(coordinator, world.territory)
    later = timezone.now() + timedelta(hours=1)
    time_machine.move_to(later + timedelta(minutes=5))
    offer_accept(actor=coordinator, offer=world.offer)
    since = later.isoformat().replace("+00:00", "Z")
    changed = api.get(f"/api/v1/offers?modified_since={since}", token).json()["items"]
    assert [o["id"] for o in changed] == [world.offer.pk]
    assert api.get(f"/api/v1/lots?modified_since={since}", token).json()["items"] == []
    assert len(api.get("/api/v1/lots", token).json()["items"]) == 1


def test_modified_since_takes_any_offset_iso_8601_allows(api, world, coordinator):
    """PostgreSQL refuses an offset beyond ±15:59 ("+22:06") and Python cannot move year 1 east of UTC: both are
    read as the instant they name (found by Schemathesis on PostgreSQL)."""
    token = new_token(coordinator, world.territory)
    for since in ("0176-02-19T19:30:18.2%2B22:06", "0001-01-01T00:00:00%2B14:00", "2026-01-01T00:00:00-23:59"):
        response = api.get(f"/api/v1/offers?modified_since={since}", token)
        assert response.status_code == 200, (since, response.content)
        assert [o["id"] for o in response.json()["items"]] == [world.offer.pk]


def test_figures_for_a_period_and_a_bad_period_named(api, world, coordinator):
    token = new_token(coordinator, world.territory, scope="read")
    flower = api.get(f"/api/v1/impact?period={DAY.year}", token)
    assert flower.status_code == 200
    assert flower.json()["period"] == str(DAY.year)
    bad = api.get("/api/v1/impact?period=bientot", token)
    assert bad.status_code == 422
    assert "period" in bad.json()["errors"]
    accounts = api.get(f"/api/v1/accounts?date_from={DAY.year}-01-01&date_to={DAY.year}-12-31", token).json()
    for key in ("total_costs_eur", "total_revenues_eur", "net_result_eur"):
        whole, cents = accounts[key].lstrip("-").split(".")
        assert whole.isdigit()
        assert len(cents) == 2


@pytest.mark.parametrize("url", ["/api/v1/producers", "/api/v1/distributions", "/api/v1/offers", "/api/v1/lots"])
def test_a_list_reads_a_fixed_number_of_queries(api, world, coordinator, url):
    from tests.helpers import released_lot
    from tests.pages import add_distributions

    token = new_token(coordinator, world.territory)
    api.get(url, token)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url, token).status_code == 200
    for n in range(4):
        producer_create(
            actor=coordinator,
            territory=world.territory,
            name=f"Ferme {n}",
            commune="Romans",
            lat=Decimal("45"),
            lon=Decimal("5"),
        )
    released_lot(world, jars=20)
    add_distributions(world, 4)
    with CaptureQueriesContext(connection) as many:
        assert api.get(url, token).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
