"""The purchasing group in the API: rounds with their catalogue, members, orders placed, changed and cancelled for a
member through the group's services (docs/api-en.md, "The purchasing group")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conserverie.people.models import AccessLog
from conserverie.purchasing.models import Order, RoundItem
from conserverie.purchasing.services import order_set, round_close
from tests.api.conftest import new_token
from tests.helpers import released_lot
from tests.purchasing.world import add_member, group, open_round

ROUNDS = "/api/v1/purchasing/rounds"
ORDERS = "/api/v1/purchasing/orders"
MEMBERS = "/api/v1/purchasing/members"


@pytest.fixture
def g(chain):
    return group(chain)  # Amina (tier 50 %) and Bruno, a round of 6 jars at 4.00 € (deposit 1.00 €)


@pytest.fixture
def token(chain):
    return new_token(chain.actor, chain.territory, scope="write")


def place(api, token, g, member, quantity):
    return api.post(
        f"{ROUNDS}/{g.round.pk}/orders",
        token,
        {"member_id": member.pk, "lines": [{"item_id": g.item.pk, "quantity": quantity}]},
    )


def test_a_round_shows_its_catalogue_with_each_tier_price_and_the_jars_left(api, chain, g, token):
    order_set(actor=chain.actor, the_round=g.round, member=g.bruno, quantities={g.item.pk: 2})
    body = api.get(f"{ROUNDS}/{g.round.pk}", token).json()
    assert body["title"] == "Commande de juin"
    assert body["status"] == "open"
    assert body["accepts_orders"] is True
    assert (body["pickup_start"], body["pickup_end"]) == ("16:00", "18:00")
    assert body["pickup_day"] == g.round.pickup_day.isoformat()
    [item] = body["items"]
    assert item["id"] == g.item.pk
    assert item["lot_code"] == g.lot.code
    assert item["recipe"] == "Coulis de tomate"
    assert item["volume_ml"] == 375
    assert (item["offered"], item["reserved"], item["left"]) == (6, 2, 4)
    assert (item["unit_price_eur"], item["deposit_eur"]) == ("4.00", "1.00")  # deposit apart, strings
    assert item["tier_prices"] == [
        {"price_tier_id": g.tier.pk, "name": "Solidaire", "percent": "50.00", "unit_price_eur": "2.00"}
    ]
    listed = api.get(ROUNDS, token).json()
    assert [r["id"] for r in listed["items"]] == [g.round.pk]
    assert listed["next_cursor"] is None
    assert api.get(f"{ROUNDS}?status=done", token).json()["items"] == []
    etag = api.get(f"{ROUNDS}/{g.round.pk}", token)["ETag"]
    assert api.get(f"{ROUNDS}/{g.round.pk}", token, HTTP_IF_NONE_MATCH=etag).status_code == 304
    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})  # one jar less left
    assert api.get(f"{ROUNDS}/{g.round.pk}", token, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_lists_cost_the_same_queries_for_one_row_or_three(api, chain, g, token):
    def counts():
        out = []
        for url in (ROUNDS, ORDERS, MEMBERS):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url, token).status_code == 200
            out.append(len(queries))
        return out

    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    counts()  # the token's first use of the minute writes its `last_used_at`
    one = counts()
    for n in range(2):
        the_round = open_round(chain, released_lot(chain, jars=4), offered=2, title=f"Tournée {n}")
        member = add_member(chain, f"Membre {n}", f"06 20 00 00 0{n}", tier=g.tier)
        order_set(actor=chain.actor, the_round=the_round, member=member, quantities={the_round.items.get().pk: 1})
    assert api.get(ORDERS, token).json()["items"][2]["lines"]
    assert counts() == one


def test_cursor_pagination_and_modified_since_find_a_round_whose_jars_left_changed(api, chain, g, token, time_machine):
    second = open_round(chain, released_lot(chain, jars=4), offered=2, title="Commande de juillet")
    first_page = api.get(f"{ROUNDS}?limit=1", token).json()
    assert [r["id"] for r in first_page["items"]] == [g.round.pk]
    rest = api.get(f"{ROUNDS}?limit=1&cursor={first_page['next_cursor']}", token).json()
    assert [r["id"] for r in rest["items"]] == [second.pk]
    assert rest["next_cursor"] is None

    since = timezone.now() + timedelta(seconds=1)
    assert api.get(ROUNDS, token, data={"modified_since": since.isoformat()}).json()["items"] == []
    item = RoundItem.objects.get(pk=g.item.pk)
    time_machine.move_to(since + timedelta(minutes=5), tick=False)
    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={item.pk: 1})
    found = api.get(ROUNDS, token, data={"modified_since": since.isoformat()}).json()["items"]
    assert [r["id"] for r in found] == [g.round.pk]  # the round itself did not change, its jars left did


def test_an_order_is_placed_changed_and_cancelled_through_the_group_services(api, chain, g, token):
    placed = place(api, token, g, g.amina, 2)
    assert placed.status_code == 201, placed.content
    body = placed.json()
    order = Order.objects.get(pk=body["id"])
    assert (body["status"], body["member_id"], body["round_id"]) == ("open", g.amina.pk, g.round.pk)
    assert body["price_tier_id"] == g.tier.pk
    [line] = body["lines"]
    # Amina's tier: half of 4.00 €; the deposit stays whole and apart.
    assert (line["quantity"], line["unit_price_eur"], line["total_eur"], line["deposit_eur"]) == (
        2,
        "2.00",
        "4.00",
        "2.00",
    )
    assert (body["jars"], body["total_eur"], body["deposit_eur"]) == (2, "4.00", "2.00")
    g.item.refresh_from_db()
    assert g.item.reserved == 2
    assert order.history.latest().history_user == chain.actor  # the audit trail names the token's person

    again = place(api, token, g, g.amina, 1)
    assert again.status_code == 409
    assert set(again.json()["errors"]) == {"member_id"}

    changed = api.put(f"{ORDERS}/{order.pk}", token, {"lines": [{"item_id": g.item.pk, "quantity": 5}]})
    assert changed.status_code == 200
    assert changed.json()["jars"] == 5
    g.item.refresh_from_db()
    assert g.item.reserved == 5

    # More than is left (Bruno wants 2, 1 is left): 409 at the field, nothing reserved.
    refused = place(api, token, g, g.bruno, 2)
    assert refused.status_code == 409, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert "il reste 1 bocal" in refused.json()["errors"]["lines"][0]
    g.item.refresh_from_db()
    assert g.item.reserved == 5
    assert not Order.objects.filter(member=g.bruno).exclude(status=Order.Status.CANCELLED).exists()

    cancelled = api.post(f"{ORDERS}/{order.pk}/cancel", token)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    g.item.refresh_from_db()
    assert g.item.reserved == 0
    assert place(api, token, g, g.bruno, 2).status_code == 201  # the jars are free again


def test_wrong_fields_are_422_naming_the_field_and_write_nothing(api, chain, g, token, other_chain):
    foreign = group(other_chain)
    cases = [
        ({"member_id": foreign.amina.pk, "lines": [{"item_id": g.item.pk, "quantity": 1}]}, "member_id"),
        ({"member_id": g.amina.pk, "lines": [{"item_id": foreign.item.pk, "quantity": 1}]}, "lines"),
        ({"member_id": g.amina.pk, "lines": [{"item_id": g.item.pk, "quantity": -1}]}, "lines.0.quantity"),
        ({"member_id": g.amina.pk, "lines": [{"item_id": g.item.pk, "quantity": 0}]}, "lines"),
        ({"member_id": g.amina.pk, "lines": [{"item_id": g.item.pk, "quantity": 1}] * 2}, "lines"),
        ({"lines": [{"item_id": g.item.pk, "quantity": 1}]}, "member_id"),
    ]
    for payload, field in cases:
        response = api.post(f"{ROUNDS}/{g.round.pk}/orders", token, payload)
        assert response.status_code == 422, (payload, response.content)
        assert field in response.json()["errors"], (payload, response.json())
    assert not Order.objects.filter(round=g.round).exists()
    foreign.item.refresh_from_db()
    assert foreign.item.reserved == 0


def test_after_the_closing_time_orders_are_refused_with_409(api, chain, g, token, time_machine):
    order = Order.objects.get(pk=place(api, token, g, g.amina, 1).json()["id"])
    time_machine.move_to(g.round.closes_at + timedelta(minutes=1), tick=False)
    late = api.put(f"{ORDERS}/{order.pk}", token, {"lines": [{"item_id": g.item.pk, "quantity": 2}]})
    assert late.status_code == 409
    assert "lines" in late.json()["errors"]
    assert api.post(f"{ORDERS}/{order.pk}/cancel", token).status_code == 409
    assert api.get(f"{ROUNDS}/{g.round.pk}", token).json()["accepts_orders"] is False
    round_close(actor=chain.actor, the_round=g.round)
    assert api.post(f"{ORDERS}/{order.pk}/cancel", token).status_code == 409
    order.refresh_from_db()
    assert order.status == Order.Status.READY


def test_names_and_contacts_go_to_write_tokens_only_and_each_reading_is_logged(api, chain, g, token, viewer):
    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    AccessLog.objects.all().delete()
    staff = api.get(ORDERS, token).json()["items"][0]
    assert staff["person"]["first_name"] == "Amina"
    assert staff["person"]["phone"] == "+33610000001"
    member = api.get(f"{MEMBERS}/{g.amina.pk}", token).json()
    assert member["person"]["phone"] == "+33610000001"
    assert member["price_tier_id"] == g.tier.pk
    logged = AccessLog.objects.filter(participant=g.amina.participant, user=chain.actor).order_by("pk")
    assert [row.fields for row in logged] == ["first_name,phone,email"] * 2

    read_only = new_token(chain.actor, chain.territory, scope="read")
    for url in (ORDERS, MEMBERS, f"{ORDERS}/{g.amina.orders.get().pk}", f"{MEMBERS}/{g.amina.pk}"):
        response = api.get(url, read_only)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Amina" not in text, url
        assert "610000001" not in text, url
    assert (
        api.post(f"{ROUNDS}/{g.round.pk}/orders", read_only, {"member_id": g.bruno.pk, "lines": []}).status_code == 403
    )

    # A viewer (funders, board) does not see the group's pages: nor its API.
    viewing = new_token(viewer, chain.territory, scope="read")
    for url in (ROUNDS, ORDERS, MEMBERS):
        assert api.get(url, viewing).status_code == 403, url


def test_a_token_of_one_territory_never_sees_another_territorys_group(api, chain, g, token, other_chain):
    foreign = group(other_chain)
    order_set(actor=other_chain.actor, the_round=foreign.round, member=foreign.amina, quantities={foreign.item.pk: 1})
    their_order = foreign.round.orders.get()
    assert [r["id"] for r in api.get(ROUNDS, token).json()["items"]] == [g.round.pk]
    assert foreign.lot.code not in api.get(ROUNDS, token).content.decode()
    assert [m["id"] for m in api.get(MEMBERS, token).json()["items"]] == [g.amina.pk, g.bruno.pk]
    assert api.get(ORDERS, token).json()["items"] == []
    for url in (f"{ROUNDS}/{foreign.round.pk}", f"{ORDERS}/{their_order.pk}", f"{MEMBERS}/{foreign.amina.pk}"):
        assert api.get(url, token).status_code == 404, url
    assert place(api, token, foreign, foreign.bruno, 1).status_code == 404
    assert api.put(f"{ORDERS}/{their_order.pk}", token, {"lines": []}).status_code == 404
    assert api.post(f"{ORDERS}/{their_order.pk}/cancel", token).status_code == 404
    foreign.item.refresh_from_db()
    assert foreign.item.reserved == 1
