"""The raw produce's monthly sums (`sourcing.RawMonth`): kept by the writers, rebuilt in bulk, checked.

docs/performance.md "Monthly sums of the ledgers"; docs/architecture.md §4.1.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from conserverie.core.months import in_list, month_add, month_of, month_sql
from conserverie.sourcing.models import RawLot, RawLotMovement, RawMonth

CENT = Decimal("0.01")


def raw_month_add(territory_id: int, day, kind: str, kg) -> None:
    """Add `kg` to the month of `day` (a collection: kind "collected"; a movement: its kind), in the writer's
    transaction, one statement."""
    month_add(RawMonth, "kg", kg, territory_id=territory_id, month=month_of(day), kind=kind)


def _sums_sql(ids) -> tuple[str, list]:
    """SELECT of the monthly sums recomputed from the raw lots and their movements, grouped like `RawMonth`'s key."""
    quote = connection.ops.quote_name
    lots, movements = quote(RawLot._meta.db_table), quote(RawLotMovement._meta.db_table)
    where_lot, lot_params = in_list("territory_id", ids)
    where_move, move_params = in_list("r.territory_id", ids)
    sql = (
        f"SELECT territory_id, {month_sql(connection.vendor, 'collected_on')}, '{RawMonth.COLLECTED}', SUM(kg) "
        f"FROM {lots} WHERE {where_lot} GROUP BY 1, 2 "
        f"UNION ALL SELECT r.territory_id, {month_sql(connection.vendor, 'm.day')}, m.kind, SUM(m.kg) "
        f"FROM {movements} m JOIN {lots} r ON r.id = m.raw_lot_id WHERE {where_move} GROUP BY 1, 2, 3"
    )
    return sql, lot_params + move_params


def raw_months_rebuild(ids=None) -> None:
    """Rebuild the monthly sums of the territories `ids` (every territory: None), one grouped INSERT … SELECT."""
    quote = connection.ops.quote_name
    select, params = _sums_sql(ids)
    columns = ", ".join(quote(c) for c in ("territory_id", "month", "kind", "kg"))
    with transaction.atomic():
        RawMonth.objects.filter(**({} if ids is None else {"territory__in": list(ids)})).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {quote(RawMonth._meta.db_table)} ({columns}) {select}", params)


def _kg(value) -> Decimal:
    # SQLite sums decimals in floating point: compare to the cent, as the figures show them.
    return Decimal(str(value or 0)).quantize(CENT)


def raw_month_problems(ids) -> dict[int, list[str]]:
    """{territory id: problems} where the monthly sums differ from the raw lots and their movements (absent: they
    agree). Reads every lot and movement of the territories: the full check, not the pages'."""
    select, params = _sums_sql(ids)
    expected = {}
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        for tid, month, kind, kg in cursor.fetchall():
            expected[(tid, str(month)[:10], kind)] = _kg(kg)
    kept = {}
    for tid, month, kind, kg in RawMonth.objects.filter(territory__in=list(ids)).values_list(
        "territory_id", "month", "kind", "kg"
    ):
        key = (tid, month.isoformat(), kind)
        kept[key] = kept.get(key, Decimal(0)) + _kg(kg)
    wrong: dict[int, set] = {}
    for key in expected.keys() | kept.keys():
        if expected.get(key, Decimal(0)) != kept.get(key, Decimal(0)):
            wrong.setdefault(key[0], set()).add(key[1])
    return {
        tid: [
            _("Sommes mensuelles des kilos bruts : %(n)s mois faux (%(months)s).")
            % {"n": len(months), "months": ", ".join(m[:7] for m in sorted(months)[:6])}
        ]
        for tid, months in wrong.items()
    }
