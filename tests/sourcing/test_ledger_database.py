"""The raw-lot ledger (kilos leaving a raw lot) is append-only in the database itself (issue 13), on SQLite and on
PostgreSQL; the raw lot and its movements refuse impossible weights. The mechanism (maintenance allowance, flush)
is tested with the jar ledger in tests/stock/test_ledger_database.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from conserverie.core.append_only import AppendOnlyError
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import raw_lot_give

from ..conftest import DAY
from ..helpers import make_lot, refused_by_database, run_sql

TABLE = RawLotMovement._meta.db_table
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def given(chain):
    return raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("5"), reason="Banque alimentaire", day=DAY)


def test_raw_sql_update_is_refused_by_the_database(given):
    with refused_by_database(f"{TABLE} : UPDATE refusé .registre en ajout seul : corrigez par un mouvement inverse"):
        run_sql(f"UPDATE {TABLE} SET kg = 1 WHERE id = %s", [given.pk])
    given.refresh_from_db()
    assert given.kg == Decimal("5")


def test_raw_sql_delete_is_refused_by_the_database(given):
    with refused_by_database(f"{TABLE} : DELETE refusé .registre en ajout seul"):
        run_sql(f"DELETE FROM {TABLE}")
    assert RawLotMovement.objects.filter(pk=given.pk).exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="TRUNCATE n'existe que sous PostgreSQL")
def test_truncate_is_refused_on_postgresql(given):
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # else PostgreSQL refuses first: the row's deferred key checks pend
    with refused_by_database("TRUNCATE refusé"):
        run_sql(f"TRUNCATE {TABLE}")
    assert RawLotMovement.objects.filter(pk=given.pk).exists()


def test_the_orm_refuses_to_change_or_delete_a_movement(chain, given):
    given.kg = Decimal("1")
    with pytest.raises(AppendOnlyError, match="sourcing.RawLotMovement : modification d'une ligne existante refusée"):
        given.save()
    with pytest.raises(AppendOnlyError, match="suppression d'une ligne refusée"):
        given.delete()
    with pytest.raises(AppendOnlyError, match="update.. refusé"):
        RawLotMovement.objects.filter(pk=given.pk).update(kg=1)
    with pytest.raises(AppendOnlyError, match="update.. refusé"):
        chain.raw.movements.update(kg=1)
    with pytest.raises(AppendOnlyError, match="delete.. refusé"):
        RawLotMovement.objects.all().delete()
    with pytest.raises(AppendOnlyError, match="delete.. refusé"):
        chain.raw.movements.all().delete()
    assert RawLotMovement.objects.get(pk=given.pk).kg == Decimal("5")


def test_a_raw_lot_with_movements_cannot_be_deleted(chain, given):
    lot = make_lot(chain, kg="10")
    with pytest.raises(ProtectedError), transaction.atomic():
        chain.raw.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        lot.delete()
    assert RawLotMovement.objects.filter(raw_lot=chain.raw).count() == 2


def test_a_correction_is_a_movement_of_the_opposite_sign_but_never_of_zero(chain, given):
    RawLotMovement.objects.create(
        raw_lot=chain.raw, kind=RawLotMovement.Kind.GIVEN, kg=Decimal("-5"), day=DAY, created_by=chain.actor
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RawLotMovement.objects.create(
            raw_lot=chain.raw, kind=RawLotMovement.Kind.GIVEN, kg=Decimal("0"), day=DAY, created_by=chain.actor
        )


@pytest.mark.parametrize("kg", ["0", "-1.5"])
def test_a_raw_lot_weighs_more_than_zero(chain, kg):
    with pytest.raises(IntegrityError), transaction.atomic():
        RawLot.objects.create(
            territory=chain.territory,
            code=f"{chain.territory.code}-B-ZERO",
            producer=chain.farm,
            product=chain.tomato,
            kg=Decimal(kg),
            collected_on=DAY,
            use_before=DAY + timedelta(days=5),
            recorded_by=chain.actor,
        )
