"""Helpers for the staff page tests: query counts that must not grow, rows written, data to list."""

import html
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.production.services import lot_record
from conserverie.sourcing.services import collection_record, raw_lot_lose
from conserverie.stock.services import deposit_return, jars_move
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import participant_create, registration_create, workshop_open

from .conftest import DAY, aware
from .helpers import GOOD_PH, good_reading, release_ready

PROJECT_APPS = {"territories", "producers", "sourcing", "recipes", "workshops", "production", "stock", "distribution"}


def text(response) -> str:
    """The page as a person reads it (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


def row_counts() -> dict:
    """Rows in every table of the project's apps (history tables included): a refusal must not change it."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def queries_on(client, url) -> int:
    """How many queries one GET of `url` makes, after a first GET that warms the caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def assert_flat_queries(client, url, grow, assert_num_queries, n=3) -> int:
    """The page costs the same number of queries with `n` rows of data and with `3n`: returns that number."""
    grow(n)
    with_n = queries_on(client, url)
    grow(2 * n)
    with_3n = queries_on(client, url)
    assert with_3n == with_n, f"{url}: {with_n} queries with {n} rows, {with_3n} with {3 * n}"
    with assert_num_queries(with_n):
        client.get(url)
    return with_n


def add_offers(chain, n):
    for i in range(n):
        offer_declare(
            actor=chain.actor,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg_estimated=Decimal("20") + i,
            grade=SurplusOffer.Grade.SURPLUS,
            available_from=DAY,
            available_until=DAY + timedelta(days=3),
        )


def add_raw_lots(chain, n, kg="30"):
    return [
        collection_record(
            actor=chain.actor,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg=Decimal(kg),
            collected_on=DAY,
        )
        for _ in range(n)
    ]


def add_lots(chain, n, jars=10, release=False):
    """`n` production lots, each from its own raw lot (with a small loss, so the raw lot has movements)."""
    lots = []
    for raw in add_raw_lots(chain, n):
        raw_lot_lose(actor=chain.actor, raw_lot=raw, kg=Decimal("1"), reason="abîmé", day=DAY)
        lot = lot_record(
            actor=chain.actor,
            territory=chain.territory,
            recipe=chain.recipe,
            produced_on=DAY,
            location=chain.truck,
            raw_inputs=[(raw, Decimal("10"))],
            outputs={chain.jar: jars},
            treatments=[good_reading(chain)],
            ph_measured=GOOD_PH,
        )
        lots.append(release_ready(chain, lot) if release else lot)
    return lots


def add_stock_activity(chain, n):
    """Released lots, some jars moved to the shop, empty jars returned."""
    for lot in add_lots(chain, n, release=True):
        jars_move(
            actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=2
        )
        deposit_return(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=1)


def add_participant(chain, name="Aïcha"):
    return participant_create(territory=chain.territory, first_name=name, neighbourhood="La Monnaie", consent=True)


def add_distributions(chain, n):
    (lot,) = add_lots(chain, 1, jars=20 * n, release=True)
    participant = add_participant(chain)
    for i in range(n):
        kind = [Distribution.Kind.PARTICIPANT, Distribution.Kind.GROUP_SALE, Distribution.Kind.INTERNAL][i % 3]
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=kind,
            location=chain.truck,
            day=DAY,
            participant=participant if kind == Distribution.Kind.PARTICIPANT else None,
            structure=chain.structure if kind == Distribution.Kind.INTERNAL else None,
            lines=[LineSpec(lot, chain.jar, 2, Decimal("3.00")), LineSpec(lot, chain.jar, 1)],
        )


def add_workshops(chain, n, registrations=2):
    """`n` workshops on following days (after the ones already added), each with a few registrations."""
    start = Workshop.objects.filter(territory=chain.territory).count()
    for i in range(start, start + n):
        workshop = workshop_open(
            actor=chain.actor,
            territory=chain.territory,
            title=f"Atelier coulis {i}",
            site=chain.site,
            structure=chain.structure,
            starts_at=aware(DAY + timedelta(days=i), 14),
            ends_at=aware(DAY + timedelta(days=i), 17),
            animators=[chain.actor],
            planned_recipes=[chain.recipe],
        )
        for j in range(registrations):
            registration_create(workshop=workshop, participant=add_participant(chain, f"P{i}-{j}"))
