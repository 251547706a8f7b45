"""Monthly sums of an append-only ledger (issue 20, docs/performance.md "Monthly sums of the ledgers").

A ledger's sum over a period is the sum of its whole months, read from a small table of monthly sums kept by the
ledger's single writer, plus the sum of its edge days (a period that does not start on the first of a month or end
on its last day), read from the ledger itself. Written once here for both ledgers (`stock.JarMonth`,
`sourcing.RawMonth`); core stays the ground floor: nothing here names a domain model.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connections, router
from django.db.models import Q


def month_of(day: date) -> date:
    """The first day of `day`'s month: the key of the monthly sums."""
    return day.replace(day=1)


def _next_month(month: date) -> date | None:
    if month.month == 12:
        return None if month.year == date.max.year else month.replace(year=month.year + 1, month=1)
    return month.replace(month=month.month + 1)


def _is_last_day(day: date) -> bool:
    return day == date.max or (day + timedelta(days=1)).day == 1


def split_period(start: date | None, end: date | None):
    """(whole months, edge days) of the period from `start` to `end` (both included, None leaves a side open).

    Whole months: `(first, last)` months (first days; None leaves that side open) whose every day is in the period,
    or None when there is no whole month. Edge days: the list of `(from, to)` day ranges of the period outside those
    months (at most two, none when the period is made of whole months). The sum over the period is then the sum of
    the whole months' rows plus the sum of the ledger's rows on the edge days, exactly."""
    if start is not None and end is not None and start > end:
        return None, [(start, end)]  # an empty period: no row
    first = None
    if start is not None:
        first = start if start.day == 1 else _next_month(month_of(start))
        if first is None:
            return None, [(start, end)]
    last = None
    if end is not None:
        if _is_last_day(end):
            last = month_of(end)
        elif month_of(end) == month_of(date.min):
            return None, [(start, end)]
        else:
            last = month_of(month_of(end) - timedelta(days=1))
    if first is not None and last is not None and first > last:
        return None, [(start, end)]  # no whole month inside: the ledger alone, on the period's days
    edges = []
    if start is not None and start.day != 1:
        edges.append((start, first - timedelta(days=1)))
    if end is not None and not _is_last_day(end):
        edges.append((month_of(end), end))
    return (first, last), edges


def _nothing(field: str) -> Q:
    # No row, written so that it compiles inside an aggregate's FILTER (an empty `__in` does not everywhere).
    return Q(**{f"{field}__lt": date.min})


def in_months(field: str, months) -> Q:
    """The monthly rows of `months` ((first, last) of `split_period`; a side None is open), or no row (None)."""
    if months is None:
        return _nothing(field)
    first, last = months
    q = Q()
    if first is not None:
        q &= Q(**{f"{field}__gte": first})
    if last is not None:
        q &= Q(**{f"{field}__lte": last})
    return q


def in_edges(field: str, edges) -> Q:
    """The ledger's rows on the edge days (`split_period`), or no row."""
    q = _nothing(field)
    for start, end in edges:
        part = Q()
        if start is not None:
            part &= Q(**{f"{field}__gte": start})
        if end is not None:
            part &= Q(**{f"{field}__lte": end})
        q |= part
    return q


def month_add(model, amount_field: str, amount, **key) -> None:
    """Add `amount` to the monthly row of `model` keyed by `key` (its unique key, `month` a first day), creating the
    row when it is missing: ONE statement, `INSERT … ON CONFLICT (key) DO UPDATE SET amount = amount + excluded`,
    which SQLite (3.24+) and PostgreSQL both run. Safe under concurrency: on PostgreSQL two first writers of a
    month do not both insert (the second waits on the unique index and then adds), and an existing row is
    incremented in place (no read-modify-write). Call it in the ledger writer's transaction."""
    if not amount:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in key] + [model._meta.get_field(amount_field)]
    values = [*key.values(), amount]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    keys = ", ".join(quote(field.column) for field in fields[:-1])
    total = quote(fields[-1].column)
    placeholders = ", ".join(["%s"] * len(params))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {total} = {table}.{total} + excluded.{total}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def month_sql(vendor: str, column: str) -> str:
    """SQL of the first day of the month of the date `column`, on SQLite or PostgreSQL (the grouped rebuilds and the
    checks: native functions, where Django's `TruncMonth` calls Python on every SQLite row)."""
    if vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', {column}) AS date)"
    return f"DATE({column}, 'start of month')"


def in_list(column: str, ids) -> tuple[str, list]:
    """(SQL, params) of `column IN (ids)`: every row when `ids` is None."""
    if ids is None:
        return "1 = 1", []
    ids = list(ids)
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids
