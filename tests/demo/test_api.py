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
