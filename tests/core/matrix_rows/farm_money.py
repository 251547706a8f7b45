"""What farms receive and their donation receipts (issue 16, items 2 and 3): the farm's money page and purchase
note for staff; the legal entity, receipts and their register for coordinators; the farmer's own documents."""

from ..matrix_base import COORD, Row, coordinators, pk, staff
from .network import PRODUCER_ONLY


def farm(w):
    return {"pk": w.farm.pk}


# The world has no receipt: a coordinator is let in and finds none (404); tests/sourcing/test_receipts.py
# downloads and corrects real ones.
NO_RECEIPT = {**coordinators(), COORD: 404}

ROWS = {
    "sourcing:farm_received": Row(staff(), farm),
    "sourcing:purchase_note": Row(staff(), farm),
    "sourcing:legal_entity": Row(coordinators()),
    "sourcing:receipt_register": Row(coordinators(), lambda w: {"ext": "csv"}),
    "sourcing:receipt_pdf": Row(NO_RECEIPT, lambda w: {"number": "ROM-RD2025-0001"}),
    "sourcing:receipt_correct": Row(NO_RECEIPT, lambda w: {"number": "ROM-RD2025-0001"}, method="post"),
    "stock:farm_jars_return": Row(staff(), lambda w: {"code": w.raw.code}),
    "producers:offer_terms": Row(coordinators(), pk("offer")),
    "producer_purchase_note": Row(PRODUCER_ONLY, lambda w: {"year": 2026}),
}
