"""The DFC export (api/dfc.py): valid JSON-LD whose every term expands to a term of the Data Food Consortium
ontology 1.16.0 through the vendored context (no network), with the jars for sale, their price and their stock."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyld import jsonld

from conserverie.api.dfc import DFC_CONTEXT_URL, catalogue
from conserverie.distribution.services import price_set
from conserverie.producers.services import producer_calendar_set
from tests.api.conftest import new_token

CONTEXT = Path(__file__).resolve().parents[2] / "src/conserverie/api/data/dfc-context-1.16.0.json"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/dfc-catalog.jsonld"
DFC_B = "https://github.com/datafoodconsortium/ontology/releases/latest/download/DFC_BusinessOntology.owl#"
DFC_M = "https://github.com/datafoodconsortium/taxonomies/releases/latest/download/measures.rdf#"
# Declared in DFC_BusinessOntology.owl 1.16.0 (github.com/datafoodconsortium/ontology, commit 2ce781ef): the
# classes and properties the export may use.
CLASSES = {"Enterprise", "SuppliedProduct", "CatalogItem", "Offer", "Price", "QuantitativeValue", "Address"}
OBJECT_PROPERTIES = {
    "supplies", "manages", "managedBy", "references", "referencedBy", "offeredThrough", "offers", "hasPrice",
    "hasQuantity", "hasUnit", "hasAddress",
}  # fmt: skip
DATA_PROPERTIES = {
    "name", "description", "sku", "stockLimitation", "value", "city", "street", "latitude", "longitude",
}  # fmt: skip


def offline_loader(url, options=None):
    """Serves the DFC context from the vendored copy; any other URL is refused (the test never goes online)."""
    if url != DFC_CONTEXT_URL:
        raise jsonld.JsonLdError(f"offline: {url}", "jsonld.LoadDocumentError", code="loading document failed")
    document = json.loads(CONTEXT.read_text(encoding="utf-8"))
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


def check_terms(document) -> list:
    """Expand `document`; every property and type must be a declared DFC term, every unit a DFC measure."""
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    problems, nodes = [], list(expanded)
    while nodes:
        node = nodes.pop()
        for key, values in node.items():
            if key == "@type":
                problems += [t for t in values if t.removeprefix(DFC_B) not in CLASSES]
                continue
            if key.startswith("@"):
                continue
            name = key.removeprefix(DFC_B)
            if name not in OBJECT_PROPERTIES | DATA_PROPERTIES:
                problems.append(key)
            for value in values:
                if name in OBJECT_PROPERTIES and "@value" in value:
                    problems.append(f"{key} holds a literal")
                if name == "hasUnit" and not value.get("@id", "").startswith(DFC_M):
                    problems.append(f"unit {value}")
                if "@value" not in value and set(value) - {"@id"}:
                    nodes.append(value)  # a nested node, not a reference
    return problems


@pytest.fixture
def for_sale(world, coordinator):
    price_set(actor=coordinator, territory=world.territory, jar_format=world.jar, price_eur=Decimal("3.50"))
    producer_calendar_set(actor=coordinator, producer=world.farm, months={world.tomato: [7, 8, 9]})
    return world


def test_the_catalogue_lists_the_jars_for_sale_with_price_and_stock(for_sale, other_world):
    document = catalogue(for_sale.territory)
    assert document["@context"] == DFC_CONTEXT_URL
    by_type = {}
    for node in document["@graph"]:
        by_type.setdefault(node["@type"], []).append(node)
    (item,) = by_type["dfc-b:CatalogItem"]
    assert item["dfc-b:stockLimitation"] == 10  # 12 jars made, 2 given
    (offer,) = by_type["dfc-b:Offer"]
    assert offer["dfc-b:hasPrice"]["dfc-b:value"] == "3.50"
    names = {node["dfc-b:name"] for node in by_type["dfc-b:SuppliedProduct"]}
    assert names == {"Coulis de tomate — Bocal 375 ml", "Tomate"}
    enterprises = {node["dfc-b:name"] for node in by_type["dfc-b:Enterprise"]}
    assert for_sale.farm.name in enterprises
    assert other_world.farm.name not in json.dumps(document, ensure_ascii=False)


def test_jars_a_group_round_holds_are_not_offered_to_a_hub(for_sale):
    from tests.purchasing.world import open_round

    open_round(for_sale, for_sale.lot, offered=4)  # the group's members may still order all four
    (item,) = [n for n in catalogue(for_sale.territory)["@graph"] if n["@type"] == "dfc-b:CatalogItem"]
    assert item["dfc-b:stockLimitation"] == 6  # 10 on the shelf, 4 held for the group


def test_a_jar_without_a_price_or_out_of_stock_is_not_for_sale(world):
    document = catalogue(world.territory)  # no price list entry
    assert not [n for n in document["@graph"] if n["@type"] in ("dfc-b:CatalogItem", "dfc-b:Offer")]


def test_every_term_expands_to_the_dfc_ontology(for_sale):
    assert check_terms(catalogue(for_sale.territory)) == []
    wrong = {
        "@context": DFC_CONTEXT_URL,
        "@type": "dfc-b:Enterprise",
        "dfc-b:nom": "x",
        "dfc-b:hasUnit": "https://example.org/kg",
    }
    assert len(check_terms(wrong)) == 2  # the check itself catches a misspelt term and a unit outside DFC


def test_the_example_in_the_docs_is_valid(for_sale):
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert check_terms(example) == []
    assert {n["@type"] for n in example["@graph"]} == {n["@type"] for n in catalogue(for_sale.territory)["@graph"]}


def test_the_endpoint_and_the_command(api, for_sale, coordinator, other_world, tmp_path):
    from django.core.management import call_command

    from conserverie.core.scoping import no_territory

    response = api.get("/api/v1/dfc/catalog", new_token(coordinator, for_sale.territory, scope="read"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert check_terms(response.json()) == []
    assert other_world.farm.name not in response.content.decode()
    out = tmp_path / "catalogue.jsonld"
    with no_territory():
        call_command("dfc-export", "--territory", for_sale.territory.slug, "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == catalogue(for_sale.territory)
