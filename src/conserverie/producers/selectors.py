"""Reads the network pages share: filtered farm lists, what became of a farm's produce, the coming weeks."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from conserverie.producers.models import Producer, ProducerProduct, SurplusOffer

# docs/architecture.md §4.7: no group smaller than 5 people leaves the count; a smaller one reads "moins de 5".
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
