"""Distributions: gifts to participants, sales to the purchasing group, internal use, gifts to partners.

The purchasing group's orders (issue 18) do not exist yet; they will join here. Read-only tokens never see who
took the jars (docs/api-en.md, "Personal data").
"""

from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from conserverie.api.core import Money, SyncParams, changed_since, money, need, page_of, paginate, territory_of
from conserverie.distribution.models import Distribution, DistributionLine, PaymentMode, PriceTier
from conserverie.distribution.services import LineSpec, distribution_record, distribution_reverse
from conserverie.people.models import Participant
from conserverie.production.models import ProductionLot
from conserverie.territories.models import JarFormat, Location, Structure
from conserverie.workshops.models import Workshop

router = Router()


class LineOut(Schema):
    id: int
    lot_id: int
    lot_code: str
    jar_format_id: int
    quantity: int
    unit_price_eur: Money
    deposit_eur: Money
    credit_eur: Money
    paid_eur: Money


class ParticipantRef(Schema):
    id: int
    first_name: str


class DistributionOut(Schema):
    id: int
    kind: str
    date: Date
    location_id: int
    workshop_id: int | None
    structure_id: int | None
    partner: str
    payment_mode: str
    price_tier_id: int | None
    note: str
    participant: ParticipantRef | None = Field(
        None, description="who took the jars: only for a write token of the territory's staff"
    )
    total_eur: Money
    lines: list[LineOut]
    created_at: datetime


def _shows_people(request) -> bool:
    return request.auth.may_write


def _distribution(d, people: bool) -> dict:
    lines = list(d.lines.all())
    participant = None
    if people and d.participant_id:
        participant = {"id": d.participant_id, "first_name": d.participant.first_name}
    return {
        "id": d.pk,
        "kind": d.kind,
        "date": d.date,
        "location_id": d.location_id,
        "workshop_id": d.workshop_id,
        "structure_id": d.structure_id,
        "partner": d.partner,
        "payment_mode": d.payment_mode,
        "price_tier_id": d.price_tier_id,
        "note": d.note,
        "participant": participant,
        "total_eur": money(sum((line.paid_eur for line in lines), Decimal("0"))),
        "lines": [
            {
                "id": line.pk,
                "lot_id": line.lot_id,
                "lot_code": line.lot.code,
                "jar_format_id": line.jar_format_id,
                "quantity": line.quantity,
                "unit_price_eur": money(line.unit_price_eur),
                "deposit_eur": money(line.deposit_eur),
                "credit_eur": money(line.credit_eur),
                "paid_eur": money(line.paid_eur),
            }
            for line in lines
        ],
        "created_at": d.created_at,
    }


def _distributions(request):
    need(request, "territory.work")
    return (
        Distribution.objects.filter(territory=territory_of(request))
        .select_related("participant")
        .prefetch_related(Prefetch("lines", DistributionLine.objects.select_related("lot").order_by("id")))
    )


@router.get("/distributions", response=page_of(DistributionOut), tags=["distribution"])
def distributions_list(request, params: Query[SyncParams], kind: Distribution.Kind | None = None):
    rows = changed_since(_distributions(request), params.modified_since)
    if kind:
        rows = rows.filter(kind=kind)
    people = _shows_people(request)
    render = lambda r: [_distribution(d, people) for d in r]  # noqa: E731
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=render)


@router.get("/distributions/{distribution_id}", response=DistributionOut, tags=["distribution"])
def distribution_detail(request, distribution_id: int):
    return _distribution(get_object_or_404(_distributions(request), pk=distribution_id), _shows_people(request))


class LineIn(Schema):
    lot_id: int
    jar_format_id: int
    quantity: int = Field(..., ge=1, le=10000)
    unit_price_eur: Decimal = Field(Decimal("0"), ge=0, max_digits=6, decimal_places=2)
    deposit_eur: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=2)


class DistributionIn(Schema):
    kind: Distribution.Kind
    date: Date
    location_id: int
    lines: list[LineIn] = Field(..., min_length=1, max_length=50)
    participant_id: int | None = None
    structure_id: int | None = None
    workshop_id: int | None = None
    partner: str = Field("", max_length=120)
    payment_mode: PaymentMode = PaymentMode.CASH
    note: str = Field("", max_length=250)
    use_credit: bool = False
    price_tier_id: int | None = None


class ReverseIn(Schema):
    reason: str = Field(..., max_length=250)


def _one(model, pk, field, territory):
    """The row of `pk` in the territory, or a 422 naming `field` (another territory's id is unknown here)."""
    if pk is None:
        return None
    row = model.objects.filter(territory=territory, pk=pk).first()
    if row is None:
        raise ValidationError({field: _("Introuvable sur ce territoire : %(id)s.") % {"id": pk}})
    return row


@router.post("/distributions", response={201: DistributionOut}, tags=["distribution"])
def distribution_create(request, payload: DistributionIn):
    """Record a gift, a sale or an internal use: `distribution.services.distribution_record` (locks the stock)."""
    t = territory_of(request)
    lots = {line.lot_id: _one(ProductionLot, line.lot_id, "lot_id", t) for line in payload.lines}
    formats = {line.jar_format_id: _one(JarFormat, line.jar_format_id, "jar_format_id", t) for line in payload.lines}
    distribution = distribution_record(
        actor=request.auth.user,
        territory=t,
        kind=payload.kind,
        location=_one(Location, payload.location_id, "location_id", t),
        day=payload.date,
        lines=[
            LineSpec(
                lot=lots[line.lot_id],
                jar_format=formats[line.jar_format_id],
                quantity=line.quantity,
                unit_price_eur=line.unit_price_eur,
                deposit_eur=line.deposit_eur,
            )
            for line in payload.lines
        ],
        participant=_one(Participant, payload.participant_id, "participant_id", t),
        structure=_one(Structure, payload.structure_id, "structure_id", t),
        workshop=_one(Workshop, payload.workshop_id, "workshop_id", t),
        partner=payload.partner,
        payment_mode=payload.payment_mode,
        note=payload.note,
        use_credit=payload.use_credit,
        price_tier=_one(PriceTier, payload.price_tier_id, "price_tier_id", t),
    )
    return Status(201, _distribution(_distributions(request).get(pk=distribution.pk), True))


@router.post("/distributions/{distribution_id}/reverse", response=DistributionOut, tags=["distribution"])
def distribution_cancel(request, distribution_id: int, payload: ReverseIn):
    """Cancel a distribution typed by mistake (coordinators): `distribution.services.distribution_reverse`."""
    distribution = get_object_or_404(_distributions(request), pk=distribution_id)
    distribution_reverse(actor=request.auth.user, distribution=distribution, reason=payload.reason)
    return _distribution(_distributions(request).get(pk=distribution_id), True)
