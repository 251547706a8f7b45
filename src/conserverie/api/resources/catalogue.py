"""Territories, products, producers and their calendars, surplus offers (docs/api-en.md)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from conserverie.api.core import ListParams, SyncParams, changed_since, need, page_of, paginate, territory_of
from conserverie.producers import services
from conserverie.producers.models import Producer, ProducerProduct, Product, SurplusOffer, parse_months
from conserverie.territories.models import Membership, Role
from conserverie.territories.permissions import role_in

router = Router()


# Territories ---------------------------------------------------------------------------------------------------


class TerritoryOut(Schema):
    id: int
    slug: str
    name: str
    code: str
    organisation: str
    address: str
    hub_lat: str
    hub_lon: str
    radius_km: int


def _territory(t) -> dict:
    return {
        "id": t.pk,
        "slug": t.slug,
        "name": t.name,
        "code": t.code,
        "organisation": t.organisation,
        "address": t.address,
        "hub_lat": str(t.hub_lat),
        "hub_lon": str(t.hub_lon),
        "radius_km": t.radius_km,
    }


@router.get("/territories", response=page_of(TerritoryOut), tags=["territories"])
def territories_list(request, params: Query[ListParams]):
    """The token's territory: a token never reads another one."""
    t = territory_of(request)
    items = [_territory(t)] if not params.cursor else []
    return {"items": items, "next_cursor": None}


@router.get("/territories/{territory_id}", response=TerritoryOut, tags=["territories"])
def territory_detail(request, territory_id: int):
    t = territory_of(request)
    if territory_id != t.pk:
        raise Http404
    return _territory(t)


# Products (raw produce, shared by every territory) -----------------------------------------------------------------


class ProductOut(Schema):
    id: int
    name: str
    category: str
    shelf_life_days: int
    months: list[int]


def _product(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "category": p.category,
        "shelf_life_days": p.shelf_life_days,
        "months": parse_months(p.months),
    }


@router.get("/products", response=page_of(ProductOut), tags=["producers"])
def products_list(request, params: Query[ListParams]):
    """Raw produce (a tomato is a tomato everywhere): the names offers and calendars refer to."""
    rows = Product.objects.all()
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_product(p) for p in r])


# Producers ---------------------------------------------------------------------------------------------------------


def _own_farms(request) -> list[int] | None:
    """None: every farm of the territory (staff); else the farms of the producer's memberships."""
    user, t = request.auth.user, territory_of(request)
    role = role_in(user, t)
    if role in (Role.COORDINATOR, Role.ANIMATOR):
        return None
    if role == Role.PRODUCER:
        return list(
            Membership.objects.filter(user=user, territory=t, role=Role.PRODUCER, producer__isnull=False).values_list(
                "producer_id", flat=True
            )
        )
    need(request, "territory.work")  # refuses
    return []


def _producers(request):
    rows = Producer.objects.filter(territory=territory_of(request))
    farms = _own_farms(request)
    return rows if farms is None else rows.filter(pk__in=farms)


class ProducerOut(Schema):
    id: int
    name: str
    commune: str
    lat: str
    lon: str
    distance_km: str
    organic_certified: bool
    certification_expiry: date | None
    networks: str
    is_active: bool


def _producer(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "commune": p.commune,
        "lat": str(p.lat),
        "lon": str(p.lon),
        "distance_km": str(p.distance_km),
        "organic_certified": p.organic_certified,
        "certification_expiry": p.certification_expiry,
        "networks": p.networks,
        "is_active": p.is_active,
    }


class ProducerIn(Schema):
    name: str = Field(..., min_length=1, max_length=150)
    commune: str = Field(..., min_length=1, max_length=100)
    lat: Decimal = Field(..., ge=-90, le=90, max_digits=9, decimal_places=6)
    lon: Decimal = Field(..., ge=-180, le=180, max_digits=9, decimal_places=6)
    distance_km: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    organic_certified: bool = True
    certification_expiry: date | None = None
    networks: str = Field("", max_length=200)


class ProducerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    commune: str | None = Field(None, min_length=1, max_length=100)
    lat: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    lon: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    distance_km: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    organic_certified: bool | None = None
    certification_expiry: date | None = None
    networks: str | None = Field(None, max_length=200)
    is_active: bool | None = None


@router.get("/producers", response=page_of(ProducerOut), tags=["producers"])
def producers_list(request, params: Query[ListParams]):
    rows = _producers(request)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_producer(p) for p in r])


@router.get("/producers/{producer_id}", response=ProducerOut, tags=["producers"])
def producer_detail(request, producer_id: int):
    return _producer(get_object_or_404(_producers(request), pk=producer_id))


@router.post("/producers", response={201: ProducerOut}, tags=["producers"])
def producer_create(request, payload: ProducerIn):
    """Add a farm (coordinators): `producers.services.producer_create`."""
    farm = services.producer_create(actor=request.auth.user, territory=territory_of(request), **payload.dict())
    return Status(201, _producer(farm))


@router.patch("/producers/{producer_id}", response=ProducerOut, tags=["producers"])
def producer_update(request, producer_id: int, payload: ProducerPatch):
    """Change a farm's details (coordinators): `producers.services.producer_update`."""
    farm = get_object_or_404(_producers(request), pk=producer_id)
    changes = payload.dict(exclude_unset=True)
    for field in ("name", "commune", "lat", "lon", "organic_certified", "networks", "is_active"):
        if field in changes and changes[field] is None:
            del changes[field]  # these fields cannot be emptied
    farm = services.producer_update(actor=request.auth.user, producer=farm, **changes)
    return _producer(farm)


class CalendarRow(Schema):
    product_id: int
    product: str
    months: list[int]


class CalendarItemIn(Schema):
    product_id: int
    months: list[int] = Field(..., max_length=12)


class CalendarIn(Schema):
    products: list[CalendarItemIn] = Field(default_factory=list, max_length=200)


def _calendar(farm) -> list[dict]:
    rows = ProducerProduct.objects.filter(producer=farm).select_related("product").order_by("product__name")
    return [{"product_id": r.product_id, "product": r.product.name, "months": r.month_list} for r in rows]


@router.get("/producers/{producer_id}/products", response=list[CalendarRow], tags=["producers"])
def producer_products(request, producer_id: int):
    """The farm's products and the months it grows them."""
    return _calendar(get_object_or_404(_producers(request), pk=producer_id))


@router.put("/producers/{producer_id}/products", response=list[CalendarRow], tags=["producers"])
def producer_products_set(request, producer_id: int, payload: CalendarIn):
    """Replace the farm's calendar: `producers.services.producer_calendar_set` (staff)."""
    farm = get_object_or_404(_producers(request), pk=producer_id)
    products = Product.objects.in_bulk([item.product_id for item in payload.products])
    missing = [item.product_id for item in payload.products if item.product_id not in products]
    if missing:
        raise ValidationError({"product_id": [_("Produit inconnu : %(id)s.") % {"id": pk} for pk in missing]})
    services.producer_calendar_set(
        actor=request.auth.user,
        producer=farm,
        months={products[item.product_id]: item.months for item in payload.products},
    )
    return _calendar(farm)


# Offers ------------------------------------------------------------------------------------------------------------


class OfferOut(Schema):
    id: int
    producer_id: int
    product_id: int
    product: str
    kg_estimated: str
    grade: str
    mode: str
    available_from: date
    available_until: date
    status: str
    note: str
    status_message: str
    created_at: datetime


def _offer(o) -> dict:
    return {
        "id": o.pk,
        "producer_id": o.producer_id,
        "product_id": o.product_id,
        "product": o.product.name,
        "kg_estimated": f"{o.kg_estimated:.1f}",
        "grade": o.grade,
        "mode": o.mode,
        "available_from": o.available_from,
        "available_until": o.available_until,
        "status": o.status,
        "note": o.note,
        "status_message": o.status_message,
        "created_at": o.created_at,
    }


def _offers(request):
    rows = SurplusOffer.objects.filter(territory=territory_of(request)).select_related("product")
    farms = _own_farms(request)
    return rows if farms is None else rows.filter(producer_id__in=farms)


class OfferIn(Schema):
    producer_id: int
    product_id: int
    kg_estimated: Decimal = Field(..., gt=0, max_digits=8, decimal_places=1)
    grade: SurplusOffer.Grade
    mode: SurplusOffer.Mode = SurplusOffer.Mode.COLLECT
    available_from: date
    available_until: date
    note: str = Field("", max_length=2000)


class DecisionIn(Schema):
    message: str = Field("", max_length=250)


@router.get("/offers", response=page_of(OfferOut), tags=["offers"])
def offers_list(request, params: Query[SyncParams], status: SurplusOffer.Status | None = None):
    """Staff see every offer of the territory; a farmer sees their own farm's (the portal's rule)."""
    rows = changed_since(_offers(request), params.modified_since)
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_offer(o) for o in r])


@router.get("/offers/{offer_id}", response=OfferOut, tags=["offers"])
def offer_detail(request, offer_id: int):
    return _offer(get_object_or_404(_offers(request), pk=offer_id))


@router.post("/offers", response={201: OfferOut}, tags=["offers"])
def offer_declare(request, payload: OfferIn):
    """Declare a surplus: `producers.services.offer_declare` (a farmer for their own farm only)."""
    t = territory_of(request)
    farm = get_object_or_404(Producer.objects.filter(territory=t), pk=payload.producer_id)
    product = get_object_or_404(Product.objects.all(), pk=payload.product_id)
    data = payload.dict(exclude={"producer_id", "product_id"})
    offer = services.offer_declare(actor=request.auth.user, territory=t, producer=farm, product=product, **data)
    return Status(201, _offer(offer))


@router.post("/offers/{offer_id}/accept", response=OfferOut, tags=["offers"])
def offer_accept(request, offer_id: int, payload: DecisionIn):
    offer = get_object_or_404(_offers(request), pk=offer_id)
    return _offer(services.offer_accept(actor=request.auth.user, offer=offer, message=payload.message))


@router.post("/offers/{offer_id}/decline", response=OfferOut, tags=["offers"])
def offer_decline(request, offer_id: int, payload: DecisionIn):
    offer = get_object_or_404(_offers(request), pk=offer_id)
    return _offer(services.offer_decline(actor=request.auth.user, offer=offer, message=payload.message))
