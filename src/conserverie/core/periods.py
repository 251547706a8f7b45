"""The period filter, written once: every "between two dates" of the reports and pages goes through it."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def in_period(field: str, start: date | None, end: date | None) -> Q:
    """`field` between `start` and `end`, both days included; a missing bound leaves that side open."""
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q


def midnight(day: date) -> datetime:
    """The start of `day` in the current time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def in_days(field: str, start: date | None, end: date | None) -> Q:
    """The datetime `field` on the days from `start` to `end` of the current time zone, both included: the same rows
    as `in_period(f"{field}__date", …)`, written as a range on the column itself, which an index can serve and
    which SQLite compares without calling a Python function on every row (`__date` does: issue 20, the network
    view spent most of its time there)."""
    q = Q()
    # The first and last days of the calendar bound nothing (and their midnights have no UTC value).
    if start and start > date.min:
        q &= Q(**{f"{field}__gte": midnight(start)})
    if end and end < date.max:
        q &= Q(**{f"{field}__lt": midnight(end + timedelta(days=1))})
    return q


def span(periods) -> tuple[date | None, date | None]:
    """The days that cover every period of `periods` ((start, end) pairs, None for an open side): from the earliest
    start to the latest end, open on a side where one period is. A query of several periods' filtered aggregates
    reads only these rows: the same sums, without the other seasons' rows (issue 20)."""
    periods = list(periods)
    starts = [start for start, _end in periods]
    ends = [end for _start, end in periods]
    start = None if not periods or None in starts else min(starts)
    end = None if not periods or None in ends else max(ends)
    return start, end
