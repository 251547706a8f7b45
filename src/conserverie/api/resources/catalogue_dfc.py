"""GET /api/v1/dfc/catalog: the territory's catalogue in the DFC format (api/dfc.py), as application/ld+json."""

import json

from django.http import HttpResponse
from ninja import Router

from conserverie.api.core import territory_of
from conserverie.api.dfc import catalogue

router = Router()

LD_JSON = "application/ld+json"


@router.get(
    "/dfc/catalog",
    tags=["dfc"],
    openapi_extra={
        "responses": {
            200: {
                "description": "Data Food Consortium catalogue (JSON-LD, DFC context 1.16.0)",
                "content": {LD_JSON: {"schema": {"type": "object", "required": ["@context", "@graph"]}}},
            }
        }
    },
)
def dfc_catalog(request):
    """The producers, their produce and the jars for sale (price, stock) for an Open Food Network hub."""
    body = json.dumps(catalogue(territory_of(request)), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type=LD_JSON)
