"""The purchasing group (purchasing/): its rounds with their catalogue, its members and their orders (docs/api-en.md).

Reads need the staff's right on the group (`group.manage`, as the pages under /t/<slug>/groupement/). A member's
name and contact travel only to a write token (a read-only token gets ids and figures), and each such reading is
logged as the pages log it (`people.audit.log_participant_read`). Orders are placed, changed and cancelled for a
member through `purchasing.services.order_set` / `order_cancel`: the same checks, the same row locks on the
catalogue, the same history, the same closing time as the staff's round page. A refusal of the round's state (closed,
fewer jars left than ordered) is a 409 naming the field; a wrong field a 422.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from conserverie.api.core import MAX_ID, Money, SyncParams, changed_since, money, need, page_of, paginate, territory_of
from conserverie.distribution.models import PriceTier
from conserverie.distribution.services import tier_price
from conserverie.people.audit import log_participant_read
from conserverie.purchasing.models import GroupMember, Order, OrderLine, Round, RoundItem
from conserverie.purchasing.services import PERMISSION, item_name, order_cancel, order_set, unit_price_for

router = Router(tags=["purchasing"])

CONTACT_FIELDS = ["first_name", "phone", "email"]


def _shows_people(request) -> bool:
    """Names and contacts: a write token of the staff (who see them on the group's pages); never a read-only one."""
    return request.auth.may_write


def _log_read(request, members) -> None:
    log_participant_read(
        actor=request.auth.user,
        territory=territory_of(request),
        participants=sorted({m.participant_id for m in members}),
        fields=CONTACT_FIELDS,
        purpose="API: purchasing group",
    )


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


# Rounds and their catalogue ---------------------------------------------------------------------------------------


class TierPrice(Schema):
    price_tier_id: int
    name: str
    percent: str = Field(..., pattern=r"^\d+\.\d{2}$", description="the tier's share of the group's price, in %")
    unit_price_eur: Money


class ItemOut(Schema):
    id: int = Field(..., description="the catalogue line: the `item_id` of an order's line")
    lot_id: int
    lot_code: str
    recipe_id: int
    recipe: str
    jar_format_id: int
    jar_format: str
    volume_ml: int
    offered: int
    reserved: int
    left: int = Field(..., description="jars still free to order")
    unit_price_eur: Money = Field(..., description="the group's price of one jar, deposit apart")
    deposit_eur: Money = Field(..., description="the deposit of one jar, paid apart and refunded for the empty jar")
    tier_prices: list[TierPrice] = Field(..., description="the price of one jar at each social tier of the structure")


class RoundOut(Schema):
    id: int
    title: str
    structure_id: int
    structure: str
    location_id: int
    status: str
    accepts_orders: bool = Field(..., description="open and before its closing time: orders may be placed or changed")
    closes_at: datetime
    pickup_place: str
    pickup_day: date
    pickup_start: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="local time, HH:MM")
    pickup_end: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="local time, HH:MM")
    items: list[ItemOut]
    created_at: datetime


def _item(item: RoundItem, tiers) -> dict:
    return {
        "id": item.pk,
        "lot_id": item.lot_id,
        "lot_code": item.lot.code,
        "recipe_id": item.lot.recipe_id,
        "recipe": item_name(item),
        "jar_format_id": item.jar_format_id,
        "jar_format": item.jar_format.name,
        "volume_ml": item.jar_format.volume_ml,
        "offered": item.offered,
        "reserved": item.reserved,
        "left": item.left,
        "unit_price_eur": money(item.unit_price_eur),
        "deposit_eur": money(item.jar_format.deposit_eur),
        "tier_prices": [
            {
                "price_tier_id": tier.pk,
                "name": tier.name,
                "percent": f"{tier.percent:.2f}",
                "unit_price_eur": money(tier_price(item.unit_price_eur, tier)),
            }
            for tier in tiers
        ],
    }


def _render_rounds(request, rows) -> list[dict]:
    """The rounds with their catalogue and the active tiers of their structures: one query for the tiers."""
    structures = {r.structure_id for r in rows}
    tiers: dict[int, list] = {}
    for tier in PriceTier.objects.filter(
        territory=territory_of(request), structure_id__in=structures, is_active=True
    ).order_by("name", "pk"):
        tiers.setdefault(tier.structure_id, []).append(tier)
    now = timezone.now()
    return [
        {
            "id": r.pk,
            "title": r.title,
            "structure_id": r.structure_id,
            "structure": r.structure.name,
            "location_id": r.location_id,
            "status": r.status,
            "accepts_orders": r.is_open and r.closes_at > now,
            "closes_at": r.closes_at,
            "pickup_place": r.pickup_place,
            "pickup_day": r.pickup_day,
            "pickup_start": _hhmm(r.pickup_start),
            "pickup_end": _hhmm(r.pickup_end),
            "items": [_item(item, tiers.get(r.structure_id, [])) for item in r.items.all()],
            "created_at": r.created_at,
        }
        for r in rows
    ]


def _rounds(request):
    need(request, PERMISSION)
    items = RoundItem.objects.select_related("lot", "jar_format").order_by(
        "lot__recipe__name", "jar_format__volume_ml", "pk"
    )
    return (
        Round.objects.filter(territory=territory_of(request))
        .select_related("structure")
        .prefetch_related(Prefetch("items", items))
    )


class RoundFilters(SyncParams):
    status: Round.Status | None = None
    structure_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/purchasing/rounds", response=page_of(RoundOut))
def rounds_list(request, params: Query[RoundFilters]):
    """The group's rounds with their catalogue; `modified_since` also finds a round whose jars left changed."""
    status, structure_id = params.status, params.structure_id
    rows = _rounds(request)
    if params.modified_since is not None:
        items = changed_since(RoundItem.objects.filter(round__territory=territory_of(request)), params.modified_since)
        rounds = changed_since(Round.objects.filter(territory=territory_of(request)), params.modified_since)
        rows = rows.filter(Q(pk__in=rounds.values("pk")) | Q(pk__in=items.values("round_id")))
    if status:
        rows = rows.filter(status=status)
    if structure_id is not None:
        rows = rows.filter(structure_id=structure_id)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: _render_rounds(request, r))


@router.get("/purchasing/rounds/{round_id}", response=RoundOut)
def round_detail(request, round_id: int):
    return _render_rounds(request, [get_object_or_404(_rounds(request), pk=round_id)])[0]


# Members ----------------------------------------------------------------------------------------------------------


class PersonOut(Schema):
    participant_id: int
    first_name: str
    phone: str
    email: str


class MemberOut(Schema):
    id: int = Field(..., description="the `member_id` of an order")
    structure_id: int
    status: str
    price_tier_id: int | None
    notify_email: bool
    notify_sms: bool
    person: PersonOut | None = Field(None, description="name and contact: only for a write token of the staff")
    joined_at: datetime


def _person(member: GroupMember, people: bool) -> dict | None:
    if not people:
        return None
    p = member.participant
    return {"participant_id": p.pk, "first_name": p.first_name, "phone": p.phone, "email": p.email}


def _member(m: GroupMember, people: bool) -> dict:
    return {
        "id": m.pk,
        "structure_id": m.structure_id,
        "status": m.status,
        "price_tier_id": m.price_tier_id,
        "notify_email": m.notify_email,
        "notify_sms": m.notify_sms,
        "person": _person(m, people),
        "joined_at": m.joined_at,
    }


def _render_members(request, rows) -> list[dict]:
    people = _shows_people(request)
    if people:
        _log_read(request, rows)
    return [_member(m, people) for m in rows]


def _members(request):
    need(request, PERMISSION)
    return GroupMember.objects.filter(territory=territory_of(request)).select_related("participant")


class MemberFilters(SyncParams):
    status: GroupMember.Status | None = None
    structure_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/purchasing/members", response=page_of(MemberOut))
def members_list(request, params: Query[MemberFilters]):
    status, structure_id = params.status, params.structure_id
    rows = changed_since(_members(request), params.modified_since)
    if status:
        rows = rows.filter(status=status)
    if structure_id is not None:
        rows = rows.filter(structure_id=structure_id)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: _render_members(request, r))


@router.get("/purchasing/members/{member_id}", response=MemberOut)
def member_detail(request, member_id: int):
    return _render_members(request, [get_object_or_404(_members(request), pk=member_id)])[0]


# Orders -----------------------------------------------------------------------------------------------------------


class OrderLineOut(Schema):
    id: int
    item_id: int
    lot_id: int
    jar_format_id: int
    quantity: int
    handed: int = Field(..., description="jars handed over at the pick-up")
    unit_price_eur: Money = Field(..., description="the price of one jar for this member (its tier), deposit apart")
    total_eur: Money
    deposit_eur: Money


class OrderOut(Schema):
    id: int
    round_id: int
    member_id: int
    price_tier_id: int | None
    status: str
    person: PersonOut | None = Field(None, description="the member's name and contact: only for a write token")
    lines: list[OrderLineOut]
    jars: int
    total_eur: Money = Field(..., description="deposit apart")
    deposit_eur: Money
    distribution_id: int | None = Field(None, description="the group sale recorded at the pick-up")
    collected_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _order(order: Order, people: bool) -> dict:
    lines = []
    for line in order.lines.all():
        price = unit_price_for(line.item, order.member)
        lines.append(
            {
                "id": line.pk,
                "item_id": line.item_id,
                "lot_id": line.item.lot_id,
                "jar_format_id": line.item.jar_format_id,
                "quantity": line.quantity,
                "handed": line.handed,
                "unit_price_eur": money(price),
                "total_eur": money(price * line.quantity),
                "deposit_eur": money(line.item.jar_format.deposit_eur * line.quantity),
            }
        )
    return {
        "id": order.pk,
        "round_id": order.round_id,
        "member_id": order.member_id,
        "price_tier_id": order.member.price_tier_id,
        "status": order.status,
        "person": _person(order.member, people),
        "lines": lines,
        "jars": sum(line["quantity"] for line in lines),
        "total_eur": money(sum((Decimal(line["total_eur"]) for line in lines), Decimal("0"))),
        "deposit_eur": money(sum((Decimal(line["deposit_eur"]) for line in lines), Decimal("0"))),
        "distribution_id": order.distribution_id,
        "collected_at": order.collected_at,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _render_orders(request, rows) -> list[dict]:
    people = _shows_people(request)
    if people:
        _log_read(request, [o.member for o in rows])
    return [_order(o, people) for o in rows]


def _orders(request):
    need(request, PERMISSION)
    lines = OrderLine.objects.select_related("item__jar_format").order_by("pk")
    return (
        Order.objects.filter(round__territory=territory_of(request))
        .select_related("member__participant", "member__price_tier")
        .prefetch_related(Prefetch("lines", lines))
    )


class OrderFilters(SyncParams):
    round_id: int | None = Field(None, ge=1, le=MAX_ID)
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: Order.Status | None = None


@router.get("/purchasing/orders", response=page_of(OrderOut))
def orders_list(request, params: Query[OrderFilters]):
    round_id, member_id, status = params.round_id, params.member_id, params.status
    rows = changed_since(_orders(request), params.modified_since)
    if round_id is not None:
        rows = rows.filter(round_id=round_id)
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: _render_orders(request, r))


@router.get("/purchasing/orders/{order_id}", response=OrderOut)
def order_detail(request, order_id: int):
    return _render_orders(request, [get_object_or_404(_orders(request), pk=order_id)])[0]


class OrderLineIn(Schema):
    item_id: int = Field(..., ge=1, le=MAX_ID, description="a line of the round's catalogue (`items[].id`)")
    quantity: int = Field(..., ge=0, le=1000, description="jars wanted; 0 takes the line off")


class OrderLinesIn(Schema):
    lines: list[OrderLineIn] = Field(..., max_length=100)


class OrderIn(OrderLinesIn):
    member_id: int = Field(..., ge=1, le=MAX_ID)


# The services' field names, as the API calls them.
FIELDS = {"quantities": "lines", "member": "member_id"}


def _quantities(lines: list[OrderLineIn]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for line in lines:
        if line.item_id in quantities:
            raise ValidationError({"lines": _("Un bocal du catalogue ne figure qu'une fois dans la commande.")})
        quantities[line.item_id] = line.quantity
    return quantities


def _service(act, **kwargs):
    """Run a purchasing service; its refusals name the API's fields (their codes, hence 409 or 422, are kept)."""
    try:
        return act(actor=kwargs.pop("request").auth.user, **kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({FIELDS.get(field, field): items for field, items in exc.error_dict.items()}) from None


def _fresh(request, order_id: int) -> dict:
    return _render_orders(request, [_orders(request).get(pk=order_id)])[0]


@router.post("/purchasing/rounds/{round_id}/orders", response={201: OrderOut})
def order_place(request, round_id: int, payload: OrderIn):
    """Place a member's order, as the staff do on the round's page, until the round closes (`order_set`). A member
    with a live order in the round changes it with PUT /purchasing/orders/{id} (409 here)."""
    need(request, PERMISSION)
    territory = territory_of(request)
    the_round = get_object_or_404(Round.objects.filter(territory=territory), pk=round_id)
    member = GroupMember.objects.filter(territory=territory, pk=payload.member_id).first()
    if member is None:
        raise ValidationError({"member_id": _("Introuvable sur ce territoire : %(id)s.") % {"id": payload.member_id}})
    quantities = _quantities(payload.lines)
    if not any(quantities.values()):
        raise ValidationError({"lines": _("Commandez au moins un bocal.")})
    order = _service(
        order_set, request=request, the_round=the_round, member=member, quantities=quantities, new_only=True
    )
    return Status(201, _fresh(request, order.pk))


@router.put("/purchasing/orders/{order_id}", response=OrderOut)
def order_change(request, order_id: int, payload: OrderLinesIn):
    """Replace the order's lines (a catalogue line left out is taken off), until the round closes (`order_set`)."""
    order = get_object_or_404(_orders(request), pk=order_id)
    quantities = {line.item_id: 0 for line in order.lines.all()}
    quantities.update(_quantities(payload.lines))
    if not any(quantities.values()):
        raise ValidationError({"lines": _("Commandez au moins un bocal, ou annulez la commande.")})
    _service(order_set, request=request, the_round=order.round, member=order.member, quantities=quantities)
    return _fresh(request, order.pk)


@router.post("/purchasing/orders/{order_id}/cancel", response=OrderOut)
def order_withdraw(request, order_id: int):
    """Cancel an open order: its jars are free for the others (`order_cancel`), until the round closes."""
    order = get_object_or_404(_orders(request), pk=order_id)
    _service(order_cancel, request=request, order=order)
    return _fresh(request, order.pk)
