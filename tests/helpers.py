"""Shared helpers for the service tests: refusals that write nothing, and lots ready to act on."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from conserverie.production.models import LotStatus, ProductionLot
from conserverie.production.services import TreatmentReading, lot_record, lot_release

from .conftest import DAY

OUR_APPS = {
    "auth",
    "territories",
    "producers",
    "sourcing",
    "recipes",
    "workshops",
    "production",
    "stock",
    "distribution",
}


def _our_tables() -> list[str]:
    return sorted(model._meta.db_table for model in apps.get_models() if model._meta.app_label in OUR_APPS)


def table_counts() -> dict:
    """Rows in every table of the project's apps, history tables included (one query)."""
    tables = _our_tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@contextmanager
def refused(field=None, match=None, exc=ValidationError):
    """The block must raise `exc` (with `match` in its French message, under `field`) and write nothing."""
    before = table_counts()
    with pytest.raises(exc) as info:
        yield info
    assert table_counts() == before, "a refused operation wrote to the database"
    if exc is ValidationError:
        if field is not None:
            assert field in info.value.message_dict, info.value
        if match is not None:
            text = " ".join(info.value.message_dict[field]) if field is not None else messages(info.value)
            assert match in text, text


@contextmanager
def forbidden():
    with refused(exc=PermissionDenied) as info:
        yield info


def run_sql(sql: str, params=()) -> int:
    """Raw SQL through the test's connection, as any program could send it; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def refused_by_database(match: str):
    """The block must fail in the database with an IntegrityError saying `match` (rolled back to a savepoint)."""
    with pytest.raises(IntegrityError, match=match) as info, transaction.atomic():
        yield info


def signed_off(*, actor, recipe):
    """The recipe's schedule and its (default) HACCP plan validated by `actor`, trained: production needs both."""
    from conserverie.recipes.services import haccp_plan_validate, recipe_validate_schedule

    recipe = recipe_validate_schedule(actor=actor, recipe=recipe)
    haccp_plan_validate(actor=actor, recipe=recipe)
    return recipe


def history_user(obj):
    return obj.history.first().history_user


# The chain's pH, under its limit of 4.4 (the plan's pH critical control point).
GOOD_PH = Decimal("4.2")


def make_lot(
    chain,
    *,
    kg="10",
    jars=10,
    location=None,
    status=LotStatus.OPEN,
    treatments=None,
    raw=None,
    day=DAY,
    ph=GOOD_PH,
):
    """A production lot of `chain`'s recipe with `jars` jars at `location` (the truck), in `status`.

    `treatments` None: one conforming reading with its core curve; () for none. `ph` the measured pH (None for
    none). A released lot first gets what its HACCP plan's critical control points ask: pH, heat treatment with its
    core curve, and the seal check of every jar the day after (`seal_checked`)."""
    if treatments is None:
        treatments = [good_reading(chain)]
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=day,
        location=location or chain.truck,
        raw_inputs=[(raw or chain.raw, Decimal(kg))],
        outputs={chain.jar: jars},
        treatments=treatments,
        ph_measured=ph,
    )
    if status == LotStatus.RELEASED:
        seal_checked(chain, lot)
        lot = lot_release(actor=chain.actor, lot=lot)
    elif status != LotStatus.OPEN:
        ProductionLot.objects.filter(pk=lot.pk).update(status=status, status_reason="test")
        lot.refresh_from_db()
    return lot


def released_lot(chain, **kwargs):
    return make_lot(chain, status=LotStatus.RELEASED, **kwargs)


def seal_checked(chain, lot):
    """Every jar of `lot` checked the day after production, none failed (the plan's seal critical control point)."""
    from datetime import timedelta

    from django.db.models import Sum

    from conserverie.production.services import lot_seal_check
    from conserverie.stock.models import MovementKind

    from .conftest import aware

    made = lot.movements.filter(kind=MovementKind.PRODUCED).aggregate(n=Sum("quantity"))["n"] or 1
    return lot_seal_check(
        actor=chain.actor, lot=lot, jars_checked=made, jars_failed=0, at=aware(lot.produced_on + timedelta(days=1), 9)
    )


# The probe at the core of the slowest jar: 110 °C held two minutes gives F = 21 min at 100 °C (z 10 °C), above
# the chain recipe's target of 15 min (acid, pH 3.7 to 4.5: docs/safety-en.md).
GOOD_CORE = tuple((Decimal(m), Decimal(t)) for m, t in ((0, 100), (1, 110), (2, 110), (3, 100)))


def good_reading(chain, jar_format=None, **kwargs):
    """A heat-treatment reading that meets the recipe's schedule (110 °C, 45 min) and its core target."""
    return TreatmentReading(jar_format or chain.jar, Decimal("110"), 45, core_readings=GOOD_CORE, **kwargs)


def release_ready(chain, lot):
    """The lot released after its seal check (its pH and readings already recorded)."""
    seal_checked(chain, lot)
    return lot_release(actor=chain.actor, lot=lot)


def cold_reading(chain):
    """A heat-treatment reading below the recipe's schedule (110 °C, 45 min)."""
    return TreatmentReading(chain.jar, Decimal("95"), 45)


def next_monday():
    """The Monday after today: a first date for a season that is never in the past, whenever the tests run."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)
