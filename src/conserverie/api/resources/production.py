"""Production lots with their label data and backward trace; the jars in stock by lot and format (docs/api-en.md)."""

from datetime import date, datetime

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from conserverie.api.core import SyncParams, changed_since, money, need, page_of, paginate, territory_of
from conserverie.production.labelling import lot_label
from conserverie.production.labels import lot_url
from conserverie.production.models import ProductionLot
from conserverie.production.trace import lot_backward
from conserverie.stock.models import OUTGOING_KINDS, StockMovement
from conserverie.stock.set_aside import set_aside_by_location_lot_format

router = Router()


class LotOut(Schema):
    id: int
    code: str
    recipe_code: str
    recipe_version: int
    name: str
    produced_on: date
    best_before: date
    batches: int
    status: str
    workshop_id: int | None
    created_at: datetime


def _lot(lot) -> dict:
    snapshot = lot.recipe_snapshot or {}
    return {
        "id": lot.pk,
        "code": lot.code,
        "recipe_code": snapshot.get("code", ""),
        "recipe_version": int(snapshot.get("version") or 0),
        "name": snapshot.get("name", ""),
        "produced_on": lot.produced_on,
        "best_before": lot.best_before,
        "batches": lot.batches,
        "status": lot.status,
        "workshop_id": lot.workshop_id,
        "created_at": lot.created_at,
    }


class LabelFormat(Schema):
    jar_format_id: int
    jar_format: str
    net_weight_g: int | None
    deposit_eur: str
    jars_filled: int


class Label(Schema):
    name: str
    ingredients: list[str]
    allergens: list[str]
    may_contain: list[str]
    storage_advice: str
    lot_code: str
    produced_on: date
    best_before: date
    public_url: str
    formats: list[LabelFormat]


class TraceRawLot(Schema):
    raw_lot_id: int
    raw_lot_code: str
    producer_id: int
    producer: str
    commune: str
    product: str
    collected_on: date
    kg_used: str


class TracePantry(Schema):
    pantry_lot_id: int
    item: str
    kg_used: str


class TraceOut(Schema):
    raw_lots: list[TraceRawLot]
    pantry_lots: list[TracePantry]
    jars_out: dict[str, int]


class LotDetail(LotOut):
    label: Label
    trace: TraceOut


def _lots(request):
    need(request, "territory.work")
    return ProductionLot.objects.filter(territory=territory_of(request))


@router.get("/lots", response=page_of(LotOut), tags=["production"])
def lots_list(request, params: Query[SyncParams], status: str | None = None):
    rows = changed_since(_lots(request), params.modified_since)
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_lot(x) for x in r])


@router.get("/lots/{lot_id}", response=LotDetail, tags=["production"])
def lot_detail(request, lot_id: int):
    """The lot, what its label says (from the recipe frozen at production time) and where it comes from."""
    lot = get_object_or_404(_lots(request).select_related("territory"), pk=lot_id)
    # The one label model (docs/architecture.md, invariant 4.11): the same text as the printed labels.
    made = lot_label(lot)
    data = made.as_json()
    formats = [
        {
            "jar_format_id": f.jar_format_id,
            "jar_format": f.name,
            "net_weight_g": f.net_g,
            "deposit_eur": money(f.deposit_eur),
            "jars_filled": f.jars,
        }
        for f in made.formats
    ]
    label = {
        "name": made.name,
        "ingredients": [i["name"] for i in data["ingredients"]],
        "allergens": data["allergens"],
        "may_contain": data["may_contain"],
        "storage_advice": made.storage,
        "lot_code": lot.code,
        "produced_on": lot.produced_on,
        "best_before": made.ddm,
        "public_url": lot_url(lot),
        "formats": formats,
    }
    backward = lot_backward(lot)
    out = (
        StockMovement.objects.filter(lot=lot, kind__in=OUTGOING_KINDS)
        .values_list("kind")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    trace = {
        "raw_lots": [
            {
                "raw_lot_id": m.raw_lot_id,
                "raw_lot_code": m.raw_lot.code,
                "producer_id": m.raw_lot.producer_id,
                "producer": m.raw_lot.producer.name,
                "commune": m.raw_lot.producer.commune,
                "product": m.raw_lot.product.name,
                "collected_on": m.raw_lot.collected_on,
                "kg_used": f"{m.kg:.2f}",
            }
            for m in backward.raw_inputs
        ],
        "pantry_lots": [
            {"pantry_lot_id": u.pantry_lot_id, "item": u.pantry_lot.item.name, "kg_used": f"{u.kg:.3f}"}
            for u in backward.pantry_inputs
        ],
        "jars_out": {kind: -n for kind, n in out},
    }
    return {**_lot(lot), "label": label, "trace": trace}


class StockRow(Schema):
    location_id: int
    location: str
    lot_id: int
    lot_code: str
    lot_status: str
    jar_format_id: int
    jar_format: str
    jars: int
    # Of `jars`, those a purchasing-group round holds for its members (stock/set_aside.py): not for anyone else.
    jars_held: int
    jars_free: int


@router.get("/stock", response=list[StockRow], tags=["stock"])
def stock(request, lot_id: int | None = None, jar_format_id: int | None = None):
    """Full jars on hand, one row per location, lot and format (the ledger's balance, docs/architecture.md §4.2),
    with those a purchasing-group round holds for its members and those free for anyone else."""
    need(request, "territory.work")
    rows = StockMovement.objects.filter(territory=territory_of(request))
    if lot_id is not None:
        rows = rows.filter(lot_id=lot_id)
    if jar_format_id is not None:
        rows = rows.filter(jar_format_id=jar_format_id)
    held = set_aside_by_location_lot_format(territory_of(request))
    return [
        {
            "location_id": r["location_id"],
            "location": r["location__name"],
            "lot_id": r["lot_id"],
            "lot_code": r["lot__code"],
            "lot_status": r["lot__status"],
            "jar_format_id": r["jar_format_id"],
            "jar_format": r["jar_format__name"],
            "jars": r["jars"],
            "jars_held": (h := min(r["jars"], held.get((r["location_id"], r["lot_id"], r["jar_format_id"]), 0))),
            "jars_free": r["jars"] - h,
        }
        for r in rows.stock_by_location_and_lot()
    ]
