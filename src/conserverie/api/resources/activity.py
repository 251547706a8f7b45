"""Raw lots, workshops and gleaning outings, and the residents' sign-up (docs/api-en.md)."""

from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from conserverie.api.core import SyncParams, changed_since, need, page_of, paginate, territory_of
from conserverie.gleaning.models import GleaningOuting
from conserverie.gleaning.services import outing_public_signup
from conserverie.gleaning.views import PAGES as OUTING_PAGES
from conserverie.people.privacy import participant_signup_complete
from conserverie.sourcing.models import RawLot
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import public_signup
from conserverie.workshops.views.public import PAGES as WORKSHOP_PAGES

router = Router()


class RawLotOut(Schema):
    id: int
    code: str
    producer_id: int
    product_id: int
    product: str
    offer_id: int | None
    gleaning_outing_id: int | None
    kg: str
    kg_left: str
    collected_on: date
    use_before: date
    grade: str
    recorded_at: datetime


def _raw_lot(r) -> dict:
    return {
        "id": r.pk,
        "code": r.code,
        "producer_id": r.producer_id,
        "product_id": r.product_id,
        "product": r.product.name,
        "offer_id": r.offer_id,
        "gleaning_outing_id": r.gleaning_outing_id,
        "kg": f"{r.kg:.2f}",
        "kg_left": f"{r.kg_left:.2f}",
        "collected_on": r.collected_on,
        "use_before": r.use_before,
        "grade": r.grade,
        "recorded_at": r.recorded_at,
    }


def _raw_lots(request):
    need(request, "territory.work")
    return RawLot.objects.filter(territory=territory_of(request)).with_balance().select_related("product")


@router.get("/raw-lots", response=page_of(RawLotOut), tags=["sourcing"])
def raw_lots_list(request, params: Query[SyncParams], in_stock: bool | None = None):
    """Weighed collections with the kilos left (`kg_left`); `in_stock=true`: those with kilos left."""
    rows = changed_since(_raw_lots(request), params.modified_since)
    if in_stock:
        rows = rows.filter(kg_left__gt=0)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_raw_lot(x) for x in r])


@router.get("/raw-lots/{raw_lot_id}", response=RawLotOut, tags=["sourcing"])
def raw_lot_detail(request, raw_lot_id: int):
    return _raw_lot(get_object_or_404(_raw_lots(request), pk=raw_lot_id))


# Workshops and outings: what the public calendar shows, with the places left (no one's name) ----------------------


class WorkshopOut(Schema):
    id: int
    title: str
    site_id: int
    site: str
    structure_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    capacity: int
    places_left: int
    people_waiting: int
    accepts_signups: bool
    series_id: int | None


def _workshop(w) -> dict:
    return {
        "id": w.pk,
        "title": w.title,
        "site_id": w.site_id,
        "site": w.site.name,
        "structure_id": w.structure_id,
        "starts_at": w.starts_at,
        "ends_at": w.ends_at,
        "status": w.status,
        "capacity": w.capacity,
        "places_left": w.places_left,
        "people_waiting": w.people_waiting or 0,
        "accepts_signups": w.accepts_signups,
        "series_id": w.series_id,
    }


def _workshops(request):
    return Workshop.objects.filter(territory=territory_of(request)).with_counts().select_related("site")


@router.get("/workshops", response=page_of(WorkshopOut), tags=["workshops"])
def workshops_list(
    request, params: Query[SyncParams], starts_after: date | None = None, starts_before: date | None = None
):
    rows = changed_since(_workshops(request), params.modified_since)
    if starts_after:
        rows = rows.filter(starts_at__date__gte=starts_after)
    if starts_before:
        rows = rows.filter(starts_at__date__lte=starts_before)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_workshop(w) for w in r])


@router.get("/workshops/{workshop_id}", response=WorkshopOut, tags=["workshops"])
def workshop_detail(request, workshop_id: int):
    return _workshop(get_object_or_404(_workshops(request), pk=workshop_id))


class OutingOut(Schema):
    id: int
    producer_id: int
    date: date
    start_time: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="local time, HH:MM")
    end_time: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="local time, HH:MM")
    meeting_point: str
    products_expected: str
    status: str
    capacity: int
    places_left: int
    people_waiting: int
    accepts_signups: bool


def _outing(o) -> dict:
    return {
        "id": o.pk,
        "producer_id": o.producer_id,
        "date": o.date,
        "start_time": o.start_time.strftime("%H:%M"),
        "end_time": o.end_time.strftime("%H:%M"),
        "meeting_point": o.meeting_point,
        "products_expected": o.products_expected,
        "status": o.status,
        "capacity": o.capacity,
        "places_left": o.places_left,
        "people_waiting": o.people_waiting or 0,
        "accepts_signups": o.accepts_signups,
    }


def _outings(request):
    return GleaningOuting.objects.filter(territory=territory_of(request)).with_counts()


@router.get("/outings", response=page_of(OutingOut), tags=["workshops"])
def outings_list(request, params: Query[SyncParams]):
    rows = changed_since(_outings(request), params.modified_since)
    return paginate(rows, cursor=params.cursor, limit=params.limit, render=lambda r: [_outing(o) for o in r])


@router.get("/outings/{outing_id}", response=OutingOut, tags=["workshops"])
def outing_detail(request, outing_id: int):
    return _outing(get_object_or_404(_outings(request), pk=outing_id))


# Sign-up: the public form's fields and services (people.signup), for a partner's own form ----------------------


class SignupIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=60)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    neighbourhood: str = Field("", max_length=100)
    household_size: int = Field(1, ge=1, le=30)
    party_size: int = Field(1, ge=1, le=30)
    consent: bool = Field(..., description="the person agrees that the cannery keeps these details (required)")
    reminders: bool = False


class SignupOut(Schema):
    registration_id: int
    status: str = Field(..., description="confirmed, or waiting when the places are taken")
    party_size: int


def _signed(registration) -> dict:
    return {"registration_id": registration.pk, "status": registration.status, "party_size": registration.party_size}


def _sign_up(request, pages, signup, payload: SignupIn):
    """The public form's path (people/signup_views.py): the sign-up and the consents given in one transaction, then
    the same confirmation e-mail with the personal cancel link when an e-mail was given."""
    with transaction.atomic():
        registration = signup(**payload.dict())
        participant_signup_complete(
            participant=registration.participant, scopes=["reminders"] if payload.reminders else []
        )
    pages.send_confirmation(request, registration)
    return Status(201, _signed(registration))


@router.post("/workshops/{workshop_id}/signups", response={201: SignupOut}, tags=["workshops"])
def workshop_signup(request, workshop_id: int, payload: SignupIn):
    """Sign a resident up, as the public page does (`workshops.services.public_signup`): same checks, same lock,
    same confirmation e-mail."""
    workshop = get_object_or_404(Workshop.objects.filter(territory=territory_of(request)), pk=workshop_id)
    return _sign_up(request, WORKSHOP_PAGES, partial(public_signup, workshop=workshop), payload)


@router.post("/outings/{outing_id}/signups", response={201: SignupOut}, tags=["workshops"])
def outing_signup(request, outing_id: int, payload: SignupIn):
    """Sign a resident up for a gleaning outing (`gleaning.services.outing_public_signup`), and the confirmation
    e-mail of the public page."""
    outing = get_object_or_404(GleaningOuting.objects.filter(territory=territory_of(request)), pk=outing_id)
    return _sign_up(request, OUTING_PAGES, partial(outing_public_signup, outing=outing), payload)
