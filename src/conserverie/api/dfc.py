"""The territory's catalogue in the Data Food Consortium (DFC) format, JSON-LD (docs/api-en.md, "DFC").

An Open Food Network hub (or any DFC platform) reads the cannery as a `dfc-b:Enterprise` that supplies
`dfc-b:SuppliedProduct`s (one per recipe and jar format), each referenced by a `dfc-b:CatalogItem` whose
`dfc-b:stockLimitation` is the jars of released lots in stock that no purchasing-group round holds, and whose
`dfc-b:Offer` has a `dfc-b:Price` in euros (the price list, deposit not included: the description says the
deposit). The farms are `dfc-b:Enterprise`s too, supplying the raw produce of their calendar, without a price (the
cannery does not sell it).

Terms are those of the DFC context 1.16.0 (vendored in api/data/, from github.com/datafoodconsortium/ontology):
every property and class is a `dfc-b:` term of the business ontology, units are `dfc-m:` terms of the measures
taxonomy. tests/api/test_dfc.py expands the export against the vendored context and checks every term.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from conserverie.distribution.selectors import price_for, price_map
from conserverie.producers.models import Producer, ProducerProduct
from conserverie.production.models import LotStatus
from conserverie.recipes.models import RecipeFormat
from conserverie.stock.models import StockMovement
from conserverie.stock.set_aside import set_aside_by_location_lot_format

DFC_CONTEXT_URL = "https://www.datafoodconsortium.org/wp-content/plugins/wordpress-context-jsonld/context.jsonld"


def _base(territory) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/dfc/{territory.slug}"


def _jars(territory) -> dict:
    """{(recipe code, jar format id): (recipe name, format name, deposit, jars)} of released lots in stock, less the
    jars a purchasing-group round holds for its members (stock/set_aside.py): a hub must not sell those (two
    queries, one per set-aside source more)."""
    rows = (
        StockMovement.objects.filter(territory=territory, lot__isnull=False, lot__status=LotStatus.RELEASED)
        .values(
            "lot_id",
            "lot__recipe__code",
            "lot__recipe__name",
            "jar_format_id",
            "jar_format__name",
            "jar_format__deposit_eur",
        )
        .annotate(jars=Sum("quantity"))
        .order_by("lot__recipe__code", "jar_format_id", "lot_id")
    )
    held = defaultdict(int)
    for (_location, lot_id, jar_format_id), jars in set_aside_by_location_lot_format(territory).items():
        held[(lot_id, jar_format_id)] += jars
    found = defaultdict(lambda: ["", "", Decimal("0"), 0])
    for row in rows:
        key = (row["lot__recipe__code"], row["jar_format_id"])
        found[key][0] = row["lot__recipe__name"]
        found[key][1] = row["jar_format__name"]
        found[key][2] = row["jar_format__deposit_eur"]
        found[key][3] += max(0, (row["jars"] or 0) - held[(row["lot_id"], row["jar_format_id"])])
    return found


def _net_weights(territory, codes) -> dict:
    """{(recipe code, jar format id): net weight in grams} of each recipe's latest version (one query)."""
    weights = {}
    rows = RecipeFormat.objects.filter(recipe__territory=territory, recipe__code__in=codes).order_by("recipe__version")
    for code, jar_format_id, grams in rows.values_list("recipe__code", "jar_format_id", "net_weight_g"):
        weights[(code, jar_format_id)] = grams
    return weights


def catalogue(territory) -> dict:
    """The DFC JSON-LD document of `territory`'s catalogue (call inside the territory's scope)."""
    base = _base(territory)
    cannery_id = f"{base}/enterprise"
    prices = price_map(territory)
    jars = _jars(territory)
    weights = _net_weights(territory, {code for code, _fmt in jars})
    graph, supplied, managed = [], [], []
    for (code, jar_format_id), (name, format_name, deposit, count) in jars.items():
        entry = price_for(prices, code, jar_format_id)
        if entry is None or count <= 0:
            continue  # not for sale: no price, or none left
        key = f"{code}-{jar_format_id}"
        product_id, item_id, offer_id = f"{base}/products/{key}", f"{base}/catalog-items/{key}", f"{base}/offers/{key}"
        french_deposit = f"{deposit:.2f}".replace(".", ",")
        supplied.append(product_id)
        managed.append(item_id)
        product = {
            "@id": product_id,
            "@type": "dfc-b:SuppliedProduct",
            "dfc-b:name": f"{name} — {format_name}",
            "dfc-b:description": f"{name}, {format_name}. Consigne du bocal : {french_deposit} €.",
            "dfc-b:referencedBy": item_id,
        }
        grams = weights.get((code, jar_format_id))
        if grams:
            product["dfc-b:hasQuantity"] = {
                "@type": "dfc-b:QuantitativeValue",
                "dfc-b:hasUnit": "dfc-m:Gram",
                "dfc-b:value": grams,
            }
        graph.append(product)
        graph.append(
            {
                "@id": item_id,
                "@type": "dfc-b:CatalogItem",
                "dfc-b:sku": key,
                "dfc-b:stockLimitation": count,
                "dfc-b:references": product_id,
                "dfc-b:offeredThrough": offer_id,
                "dfc-b:managedBy": cannery_id,
            }
        )
        graph.append(
            {
                "@id": offer_id,
                "@type": "dfc-b:Offer",
                "dfc-b:offers": item_id,
                "dfc-b:stockLimitation": count,
                "dfc-b:hasPrice": {
                    "@type": "dfc-b:Price",
                    "dfc-b:value": f"{entry.price_eur:.2f}",
                    "dfc-b:hasUnit": "dfc-m:Euro",
                },
            }
        )
    farms = list(Producer.objects.filter(territory=territory, is_active=True).order_by("pk"))
    calendar = defaultdict(list)
    for row in ProducerProduct.objects.filter(producer__in=farms).select_related("product").order_by("product__name"):
        calendar[row.producer_id].append(row.product)
    for farm in farms:
        farm_id = f"{base}/farms/{farm.pk}"
        products = []
        for product in calendar[farm.pk]:
            produce_id = f"{base}/farms/{farm.pk}/products/{product.pk}"
            products.append(produce_id)
            graph.append(
                {
                    "@id": produce_id,
                    "@type": "dfc-b:SuppliedProduct",
                    "dfc-b:name": product.name,
                    "dfc-b:description": product.get_category_display(),
                }
            )
        graph.append(
            {
                "@id": farm_id,
                "@type": "dfc-b:Enterprise",
                "dfc-b:name": farm.name,
                "dfc-b:hasAddress": {
                    "@type": "dfc-b:Address",
                    "dfc-b:city": farm.commune,
                    "dfc-b:latitude": str(farm.lat),
                    "dfc-b:longitude": str(farm.lon),
                },
                "dfc-b:supplies": products,
            }
        )
    graph.insert(
        0,
        {
            "@id": cannery_id,
            "@type": "dfc-b:Enterprise",
            "dfc-b:name": territory.organisation or territory.name,
            "dfc-b:description": territory.name,
            "dfc-b:hasAddress": (
                {"@type": "dfc-b:Address", "dfc-b:street": territory.address} if territory.address else None
            ),
            "dfc-b:supplies": supplied,
            "dfc-b:manages": managed,
        },
    )
    if graph[0]["dfc-b:hasAddress"] is None:
        del graph[0]["dfc-b:hasAddress"]
    return {"@context": DFC_CONTEXT_URL, "@graph": graph}
