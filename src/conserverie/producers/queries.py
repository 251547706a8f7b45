"""Reads the network pages share: filtered farm lists, what became of a farm's produce, the coming weeks."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from conserverie.production.models import ProductionLot
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.workshops.models import Participant, Registration

from .models import Producer, ProducerProduct, SurplusOffer

# §4.7: no group smaller than 5 people leaves the count; a smaller one reads "moins de 5".
SMALL_GROUP = 5
NETWORKS = ["CIVAM", "Agribiodrôme", "AMAP", "La Ruche qui dit oui", "Agricourt"]
CERT_CHOICES = [
    ("organic", _("Certifiées AB")),
    ("expiring", _("Certification à renouveler bientôt")),
    ("expired", _("Certification expirée")),
    ("none", _("Non certifiées")),
]
EXPIRING_DAYS = 60
WEEKS_AHEAD = 8


@dataclass
class NetworkFilters:
    q: str = ""
    product: int | None = None
    network: str = ""
    cert: str = ""
    days: int = EXPIRING_DAYS
    km: Decimal | None = None

    @classmethod
    def from_request(cls, request) -> "NetworkFilters":
        get = request.GET
        filters = cls(q=get.get("q", "").strip()[:100], network=get.get("network", "").strip()[:60])
        if get.get("product", "").isdigit():
            filters.product = int(get["product"])
        if get.get("cert") in dict(CERT_CHOICES):
            filters.cert = get["cert"]
        if get.get("days", "").isdigit():
            filters.days = min(int(get["days"]), 3650)
        try:
            km = Decimal(get.get("km", "").replace(",", "."))
        except InvalidOperation:
            km = None
        if km is not None and km.is_finite() and km >= 0:
            filters.km = km
        return filters

    @property
    def active(self) -> bool:
        return bool(self.q or self.product or self.network or self.cert or self.km is not None)


def network_rows(territory, filters: NetworkFilters, today: date):
    """The territory's farms matching `filters`, with the number of products in their calendar."""
    rows = Producer.objects.filter(territory=territory)
    if filters.q:
        rows = rows.filter(Q(name__icontains=filters.q) | Q(commune__icontains=filters.q))
    if filters.product:
        rows = rows.filter(calendar__product_id=filters.product)
    if filters.network:
        rows = rows.filter(networks__icontains=filters.network)
    if filters.cert == "organic":
        rows = rows.filter(organic_certified=True)
    elif filters.cert == "none":
        rows = rows.filter(organic_certified=False)
    elif filters.cert == "expired":
        rows = rows.filter(organic_certified=True, certification_expiry__lt=today)
    elif filters.cert == "expiring":
        rows = rows.filter(
            organic_certified=True,
            certification_expiry__gte=today,
            certification_expiry__lte=today + timedelta(days=filters.days),
        )
    if filters.km is not None:
        rows = rows.filter(distance_km__lte=filters.km)
    # A subquery, not Count("calendar"): the product filter's join would otherwise limit the count to that product.
    products = (
        ProducerProduct.objects.filter(producer=OuterRef("pk")).values("producer").annotate(n=Count("pk")).values("n")
    )
    return (
        rows.distinct()
        .annotate(product_count=Coalesce(Subquery(products, output_field=IntegerField()), 0))
        .order_by("name")
    )


def certification_state(producer, today: date, days: int = EXPIRING_DAYS) -> str:
    """ "none", "expired", "expiring", "valid" or "unknown" (certified without a date)."""
    if not producer.organic_certified:
        return "none"
    if producer.certification_expiry is None:
        return "unknown"
    if producer.certification_expiry < today:
        return "expired"
    if producer.certification_expiry <= today + timedelta(days=days):
        return "expiring"
    return "valid"


def households_label(count: int) -> str:
    return _("moins de 5") if count < SMALL_GROUP else str(count)


def lots_of(producer, year: int | None = None):
    """The production lots made with this farm's raw lots (of `year` when given), as a subquery of pks."""
    used = Q(raw_inputs__kind=RawLotMovement.Kind.USED, raw_inputs__raw_lot__producer=producer)
    if year is not None:
        used &= Q(raw_inputs__raw_lot__collected_on__year=year)
    return ProductionLot.objects.filter(used).values("pk")


def households_reached(lots) -> int:
    """Households that took part in a workshop where one of `lots` was made, or took one of its jars home."""
    attended = Registration.objects.live().filter(attended=True, workshop__lots__in=lots).values("participant_id")
    given = Participant.objects.filter(distributions__lines__lot__in=lots).values("pk")
    return Participant.objects.filter(Q(pk__in=attended) | Q(pk__in=given)).count()


def produce_outcome(producer, year: int | None = None) -> dict:
    """Aggregates only: kg collected, production lots and jars made with them, households reached (4 queries)."""
    raw = RawLot.objects.filter(producer=producer)
    if year is not None:
        raw = raw.filter(collected_on__year=year)
    kg = raw.aggregate(kg=Sum("kg"))["kg"] or 0
    lots = lots_of(producer, year)
    lot_count = ProductionLot.objects.filter(pk__in=lots).aggregate(n=Count("pk"))["n"]
    jars = StockMovement.objects.filter(kind=MovementKind.PRODUCED, lot__in=lots).aggregate(n=Sum("quantity"))["n"] or 0
    households = households_reached(lots)
    return {
        "year": year,
        "kg": kg,
        "lots": lot_count,
        "jars": jars,
        "households": households_label(households),
    }


def kg_per_season(producer) -> list[dict]:
    """Kilos collected per season (calendar year) and per product, newest season first (one query)."""
    rows = (
        RawLot.objects.filter(producer=producer)
        .annotate(season=ExtractYear("collected_on"))
        .values("season", "product__name")
        .annotate(kg=Sum("kg"), lots=Count("pk"))
        .order_by("-season", "product__name")
    )
    seasons: dict[int, dict] = {}
    for row in rows:
        season = seasons.setdefault(row["season"], {"season": row["season"], "kg": Decimal("0"), "products": []})
        season["kg"] += row["kg"]
        season["products"].append({"name": row["product__name"], "kg": row["kg"], "lots": row["lots"]})
    return list(seasons.values())


def coming_weeks(territory, today: date, weeks: int = WEEKS_AHEAD) -> dict:
    """What will be available in the next `weeks` weeks: product × week -> farms (calendar) and open offers.

    A week belongs to the month of its Thursday (the ISO rule), so a farm's months say which weeks it covers.
    """
    monday = today - timedelta(days=today.weekday())
    mondays = [monday + timedelta(weeks=i) for i in range(weeks)]
    months = {(m + timedelta(days=3)).month for m in mondays}
    entries = (
        ProducerProduct.objects.filter(producer__territory=territory, producer__is_active=True)
        .select_related("product", "producer")
        .order_by("product__name", "producer__name")
    )
    last_day = mondays[-1] + timedelta(days=6)
    offers = (
        SurplusOffer.objects.filter(
            territory=territory,
            status__in=[SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED, SurplusOffer.Status.PLANNED],
            available_until__gte=monday,
            available_from__lte=last_day,
        )
        .select_related("product", "producer")
        .order_by("available_from", "pk")
    )
    products: dict[int, dict] = {}

    def line(product):
        return products.setdefault(
            product.pk, {"product": product, "cells": [{"farms": [], "offers": []} for _ in mondays]}
        )

    for entry in entries:
        covered = set(entry.month_list)
        if not covered & months:
            continue
        cells = line(entry.product)["cells"]
        for i, m in enumerate(mondays):
            if (m + timedelta(days=3)).month in covered:
                cells[i]["farms"].append(entry.producer)
    for offer in offers:
        cells = line(offer.product)["cells"]
        for i, m in enumerate(mondays):
            if offer.available_from <= m + timedelta(days=6) and offer.available_until >= m:
                cells[i]["offers"].append(offer)
    rows = sorted(products.values(), key=lambda r: r["product"].name)
    return {"mondays": mondays, "rows": rows, "offers": list(offers)}


def expiring_raw_lots(territory, today: date, days: int = 2):
    """Raw lots still holding kilos that must be processed between today and `days` days from now."""
    return (
        RawLot.objects.in_stock()
        .filter(territory=territory, use_before__gte=today, use_before__lte=today + timedelta(days=days))
        .select_related("producer", "product")
        .order_by("use_before", "code")
    )


def overdue_raw_lots(territory, today: date):
    """Raw lots past their date that still hold kilos in the books: to record as given or lost."""
    return RawLot.objects.in_stock().filter(territory=territory, use_before__lt=today)


STEPS = [
    SurplusOffer.Status.PROPOSED,
    SurplusOffer.Status.ACCEPTED,
    SurplusOffer.Status.PLANNED,
    SurplusOffer.Status.COLLECTED,
]


def offer_timeline(offer) -> list[dict]:
    """Each status the offer went through, with its date, from its history (one query), oldest first.

    The people who made the changes are never named: a farmer reads « la coordination ».
    """
    events, last = [], None
    for record in offer.history.order_by("history_date", "history_id").only("status", "status_message", "history_date"):
        if record.status != last:
            events.append(
                {
                    "status": record.status,
                    "label": SurplusOffer.Status(record.status).label,
                    "when": record.history_date,
                    "message": record.status_message
                    if record.status in (SurplusOffer.Status.DECLINED, SurplusOffer.Status.ACCEPTED)
                    else "",
                }
            )
            last = record.status
    return events
