"""The jar ledger's monthly sums (`stock.JarMonth`): kept by `movement_write`, rebuilt in bulk, checked.

docs/performance.md "Monthly sums of the ledgers"; docs/architecture.md §4.2.
"""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from conserverie.core.months import in_list, month_add, month_of, month_sql
from conserverie.stock.models import JarMonth, StockMovement


def jar_month_key(movement: StockMovement) -> dict:
    """The monthly row a movement adds to. Every part is fixed when the row is written (the ledger is append-only;
    a distribution line's deposit is never changed: its admin is read-only)."""
    line = movement.distribution_line if movement.distribution_line_id else None
    return {
        "territory_id": movement.territory_id,
        "month": month_of(movement.day),
        "kind": movement.kind,
        "full": movement.lot_id is not None,
        "deposit": bool(line is not None and line.deposit_eur and line.deposit_eur > 0),
    }


def jar_month_add(movement: StockMovement) -> None:
    """Add a new movement to its month: in the writer's transaction, one statement."""
    month_add(JarMonth, "quantity", movement.quantity, **jar_month_key(movement))


def _ledger_sql(ids) -> tuple[str, list]:
    """SELECT of the monthly sums recomputed from the ledger, grouped like `JarMonth`'s key."""
    quote = connection.ops.quote_name
    where, params = in_list("m.territory_id", ids)
    sql = (
        f"SELECT m.territory_id, {month_sql(connection.vendor, 'm.day')}, m.kind, "
        "(m.lot_id IS NOT NULL), (l.deposit_eur IS NOT NULL AND l.deposit_eur > 0), SUM(m.quantity) "
        f"FROM {quote(StockMovement._meta.db_table)} m "
        f"LEFT JOIN {quote(StockMovement._meta.get_field('distribution_line').related_model._meta.db_table)} l "
        f"ON l.id = m.distribution_line_id WHERE {where} GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, params


def jar_months_rebuild(ids=None) -> None:
    """Rebuild the monthly sums of the territories `ids` (every territory: None) from the ledger, in one grouped
    INSERT … SELECT (the national generator after its bulk inserts; a repair after `jar_month_problems`)."""
    quote = connection.ops.quote_name
    select, params = _ledger_sql(ids)
    columns = ", ".join(quote(c) for c in ("territory_id", "month", "kind", "full", "deposit", "quantity"))
    with transaction.atomic():
        JarMonth.objects.filter(**({} if ids is None else {"territory__in": list(ids)})).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {quote(JarMonth._meta.db_table)} ({columns}) {select}", params)


def jar_month_problems(ids) -> dict[int, list[str]]:
    """{territory id: problems} where the monthly sums differ from the ledger (absent: they agree). Reads the whole
    ledger of the territories: the full check (`figures.selectors.mass_balance_problems`), not the pages'."""
    select, params = _ledger_sql(ids)
    expected = {}
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        for tid, month, kind, full, deposit, quantity in cursor.fetchall():
            if quantity:
                expected[(tid, str(month)[:10], kind, bool(full), bool(deposit))] = quantity
    kept = {}
    for row in JarMonth.objects.filter(territory__in=list(ids)).values_list(
        "territory_id", "month", "kind", "full", "deposit", "quantity"
    ):
        if row[-1]:
            key = (row[0], row[1].isoformat(), *row[2:-1])
            kept[key] = kept.get(key, 0) + row[-1]
    wrong: dict[int, set] = {}
    for key in expected.keys() | kept.keys():
        if expected.get(key) != kept.get(key):
            wrong.setdefault(key[0], set()).add(key[1])
    return {
        tid: [
            _("Sommes mensuelles du registre des bocaux : %(n)s mois faux (%(months)s).")
            % {"n": len(months), "months": ", ".join(m[:7] for m in sorted(months)[:6])}
        ]
        for tid, months in wrong.items()
    }
