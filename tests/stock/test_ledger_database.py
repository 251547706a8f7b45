"""The jar ledger is append-only in the database itself (issue 13), on SQLite and on PostgreSQL.

Raw SQL is refused by triggers whoever sends it; the ORM refuses first, with a Python error; only the maintenance
allowance (`ledger_maintenance()`, used by `flush`) lets a wipe through, inside its own block. The raw-lot ledger's
twin tests are in tests/sourcing/test_ledger_database.py.
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from conserverie.core.append_only import MAINTENANCE_TABLE, AppendOnlyError, ledger_maintenance
from conserverie.sourcing.models import RawLotMovement
from conserverie.sourcing.services import raw_lot_give
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import movement_write
from conserverie.territories.models import JarFormat

from ..conftest import DAY
from ..helpers import refused_by_database, run_sql

TABLE = StockMovement._meta.db_table
ON_POSTGRES = connection.vendor == "postgresql"


def _bought(chain, quantity=12):
    return movement_write(
        actor=chain.actor,
        location=chain.truck,
        lot=None,
        jar_format=chain.jar,
        quantity=quantity,
        kind=MovementKind.EMPTY_BOUGHT,
        day=DAY,
    )


@pytest.fixture
def movement(chain):
    return _bought(chain)


def _maintenance_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(MAINTENANCE_TABLE)}")
        return cursor.fetchone()[0]


# --- The database refuses -------------------------------------------------------------------------------------------


def test_raw_sql_update_is_refused_by_the_database(movement):
    with refused_by_database(f"{TABLE} : UPDATE refusé .registre en ajout seul : corrigez par un mouvement inverse"):
        run_sql(f"UPDATE {TABLE} SET quantity = 99 WHERE id = %s", [movement.pk])
    with refused_by_database("UPDATE refusé"):
        run_sql(f"UPDATE {TABLE} SET reason = 'retouche'")
    movement.refresh_from_db()
    assert (movement.quantity, movement.reason) == (12, "")


def test_raw_sql_delete_is_refused_by_the_database(movement):
    with refused_by_database(f"{TABLE} : DELETE refusé .registre en ajout seul"):
        run_sql(f"DELETE FROM {TABLE} WHERE id = %s", [movement.pk])
    with refused_by_database("DELETE refusé"):
        run_sql(f"DELETE FROM {TABLE}")
    assert StockMovement.objects.filter(pk=movement.pk).exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="TRUNCATE n'existe que sous PostgreSQL")
def test_truncate_is_refused_on_postgresql(movement):
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # else PostgreSQL refuses first: the row's deferred key checks pend
    with refused_by_database("TRUNCATE refusé"):
        run_sql(f"TRUNCATE {TABLE}")
    assert StockMovement.objects.filter(pk=movement.pk).exists()


def test_inserting_stays_possible_in_raw_sql(chain, movement):
    """The triggers are about changing the past: the ledger still grows, whoever writes."""
    columns = "territory_id, kind, location_id, jar_format_id, quantity, amount_eur, reason, day, created_at"
    run_sql(
        f"INSERT INTO {TABLE} ({columns}, created_by_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            chain.territory.pk,
            "empty_bought",
            chain.truck.pk,
            chain.jar.pk,
            3,
            0,
            "",
            DAY,
            movement.created_at,
            chain.actor.pk,
        ],
    )
    assert StockMovement.objects.count() == 2


def test_both_ledgers_carry_their_triggers_after_all_migrations(db):
    """The test database (made from the models, tests/database.py) carries them. That the migrations leave them too
    (on SQLite a migration that rebuilds a ledger table drops its triggers) is checked by the migration test, which
    compares the triggers of the database it migrated with this one's (tests/core/test_migrations.py)."""
    for model, expected in ((StockMovement, TABLE), (RawLotMovement, RawLotMovement._meta.db_table)):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if ON_POSTGRES:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
                suffixes = ("row", "truncate")
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                suffixes = ("update", "delete")
            assert {row[0] for row in cursor.fetchall()} == {f"{expected}_append_only_{s}" for s in suffixes}


# --- The ORM refuses first ------------------------------------------------------------------------------------------


def test_saving_an_existing_row_is_refused(movement):
    movement.quantity = 99
    with pytest.raises(AppendOnlyError, match="stock.StockMovement : modification d'une ligne existante refusée"):
        movement.save()
    with pytest.raises(AppendOnlyError, match="registre en ajout seul"):
        movement.save(update_fields=["quantity"])
    assert StockMovement.objects.get(pk=movement.pk).quantity == 12
    assert issubclass(AppendOnlyError, IntegrityError)  # one exception to catch, Python or database


def test_a_new_object_with_an_existing_key_is_inserted_and_fails_instead_of_updating(chain, movement):
    twin = StockMovement(
        pk=movement.pk,
        territory=chain.territory,
        kind=MovementKind.EMPTY_BOUGHT,
        location=chain.truck,
        jar_format=chain.jar,
        quantity=99,
        day=DAY,
        created_by=chain.actor,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert StockMovement.objects.get(pk=movement.pk).quantity == 12


def test_deleting_a_row_or_a_queryset_is_refused(chain, movement):
    with pytest.raises(AppendOnlyError, match="suppression d'une ligne refusée"):
        movement.delete()
    with pytest.raises(AppendOnlyError, match="delete.. refusé"):
        StockMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(AppendOnlyError, match="delete.. refusé"):
        chain.truck.movements.all().delete()
    assert StockMovement.objects.filter(pk=movement.pk).exists()


def test_queryset_updates_are_refused(chain, movement):
    with pytest.raises(AppendOnlyError, match="stock.StockMovement : update.. refusé"):
        StockMovement.objects.update(reason="retouche")
    with pytest.raises(AppendOnlyError, match="update.. refusé"):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=99)
    with pytest.raises(AppendOnlyError, match="update.. refusé"):
        chain.truck.movements.update(quantity=99)
    movement.quantity = 99
    with pytest.raises(AppendOnlyError, match="bulk_update.. refusé"):
        StockMovement.objects.bulk_update([movement], ["quantity"])
    assert StockMovement.objects.get(pk=movement.pk).quantity == 12


def test_nothing_else_cascades_into_the_ledger(chain, movement):
    """A territory with movements cannot be deleted: its rows are evidence (territory is PROTECT now)."""
    with pytest.raises(ProtectedError), transaction.atomic():
        chain.territory.delete()
    assert StockMovement.objects.filter(pk=movement.pk).exists()
    foreign_keys = [f for f in StockMovement._meta.concrete_fields if f.many_to_one or f.one_to_one]
    assert {f.name: f.remote_field.on_delete.__name__ for f in foreign_keys} == dict.fromkeys(
        [f.name for f in foreign_keys], "PROTECT"
    )


# --- Constraints of the stock app -----------------------------------------------------------------------------------


def test_a_movement_of_zero_jars_is_refused(chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        _bought(chain, quantity=0)


def test_a_negative_deposit_is_refused(chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        JarFormat.objects.create(territory=chain.territory, name="Bocal 1 l", volume_ml=1000, deposit_eur=Decimal("-1"))
    JarFormat.objects.create(territory=chain.territory, name="Bocal offert", volume_ml=250, deposit_eur=Decimal("0"))


# --- The maintenance allowance --------------------------------------------------------------------------------------


def test_the_maintenance_allowance_works_only_inside_its_block(chain, movement):
    kept = _bought(chain, quantity=5)
    with ledger_maintenance():
        assert _maintenance_rows() == 1
        assert run_sql(f"UPDATE {TABLE} SET reason = 'remise à zéro' WHERE id = %s", [movement.pk]) == 1
        assert run_sql(f"DELETE FROM {TABLE} WHERE id = %s", [movement.pk]) == 1
        with pytest.raises(AppendOnlyError):  # the ORM still refuses: the allowance is for raw wipes only
            StockMovement.objects.filter(pk=kept.pk).delete()
    assert _maintenance_rows() == 0
    assert list(StockMovement.objects.values_list("pk", flat=True)) == [kept.pk]
    with refused_by_database("DELETE refusé"):
        run_sql(f"DELETE FROM {TABLE} WHERE id = %s", [kept.pk])


def test_an_error_inside_the_block_rolls_the_allowance_back_with_the_wipe(movement):
    def wipe_then_fail():
        with ledger_maintenance():
            run_sql(f"DELETE FROM {TABLE}")
            raise RuntimeError("interrompu")

    with pytest.raises(RuntimeError, match="interrompu"):
        wipe_then_fail()
    assert _maintenance_rows() == 0
    assert StockMovement.objects.filter(pk=movement.pk).exists()
    with refused_by_database("DELETE refusé"):
        run_sql(f"DELETE FROM {TABLE}")


def test_an_interactive_flush_asks_first_and_a_no_keeps_everything(movement, monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    call_command("flush", verbosity=0)
    assert "Vidage annulé" in capsys.readouterr().out
    assert StockMovement.objects.filter(pk=movement.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_ledgers_where_djangos_own_flush_is_refused(chain, monkeypatch):
    """What the test runner does after each transactional test (transactional_db, live_server), without asking."""
    _bought(chain)
    raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("2"), reason="Banque alimentaire")
    with pytest.raises(CommandError):
        call_command(DjangoFlush(), verbosity=0, interactive=False)
    assert StockMovement.objects.exists()
    assert RawLotMovement.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "oui")
    call_command("flush", verbosity=0)
    assert not StockMovement.objects.exists()
    assert not RawLotMovement.objects.exists()
    assert _maintenance_rows() == 0
