"""The period filter, written once: every "between two dates" of the reports and pages goes through it."""

from datetime import date

from django.db.models import Q


def in_period(field: str, start: date | None, end: date | None) -> Q:
    """`field` between `start` and `end`, both days included; a missing bound leaves that side open."""
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q
