"""The demo's API token reads the demo (docs/api-en.md), and writes nothing: it is a read token."""

from conserverie.demo.loader import DEMO_API_TOKEN
from tests.api.conftest import bearer


def test_the_demo_token_reads_the_demo(db, client):
    lots = client.get("/api/v1/lots", **bearer(DEMO_API_TOKEN))
    assert lots.status_code == 200
    assert lots.json()["items"]
    catalog = client.get("/api/v1/dfc/catalog", **bearer(DEMO_API_TOKEN)).json()
    assert any(node["@type"] == "dfc-b:Offer" for node in catalog["@graph"])  # the demo's jars are for sale
    refused = client.post("/api/v1/producers", {}, content_type="application/json", **bearer(DEMO_API_TOKEN))
    assert refused.status_code == 403


def test_the_demo_token_reads_the_purchasing_group_without_anyones_name(db, client):
    rounds = client.get("/api/v1/purchasing/rounds", **bearer(DEMO_API_TOKEN)).json()["items"]
    assert rounds
    assert any(item["left"] >= 0 and item["unit_price_eur"] for r in rounds for item in r["items"])
    orders = client.get("/api/v1/purchasing/orders", **bearer(DEMO_API_TOKEN)).json()["items"]
    assert orders
    assert all(order["person"] is None for order in orders)  # a read-only token: no names, no contacts
