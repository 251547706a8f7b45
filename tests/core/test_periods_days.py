"""Issue 20: `in_days` (a range on the datetime column) keeps the same rows as the `__date` lookup it replaces, at
the edges of a day in the local time zone (a workshop at 23:30 and one at 00:30 the next day, summer time)."""

from datetime import timedelta

from django.utils import timezone

from conserverie.core.periods import in_days, in_period
from conserverie.core.scoping import territory_scope
from conserverie.workshops.models import Workshop

from ..conftest import DAY, aware


def _workshop(chain, starts_at, title):
    return Workshop.objects.create(
        territory=chain.territory,
        title=title,
        site=chain.site,
        structure=chain.structure,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        created_by=chain.actor,
    )


def test_in_days_keeps_the_rows_of_the_date_lookup_at_the_edges_of_the_day(chain):
    late = aware(DAY, 23) + timedelta(minutes=30)  # 21:30 UTC: DAY in Paris
    early = aware(DAY + timedelta(days=1), 0) + timedelta(minutes=30)  # 22:30 UTC the same UTC day: the next day here
    with territory_scope(chain.territory):
        _workshop(chain, aware(DAY - timedelta(days=1), 12), "Veille")
        _workshop(chain, late, "Tard")
        _workshop(chain, early, "Tôt")
        rows = Workshop.objects.filter(territory=chain.territory).order_by("starts_at")
        for start, end in [
            (DAY, DAY),
            (DAY + timedelta(days=1), DAY + timedelta(days=1)),
            (None, DAY),
            (DAY, None),
            (DAY - timedelta(days=1), DAY),
            (None, None),
        ]:
            expected = list(rows.filter(in_period("starts_at__date", start, end)).values_list("title", flat=True))
            assert list(rows.filter(in_days("starts_at", start, end)).values_list("title", flat=True)) == expected
        assert list(rows.filter(in_days("starts_at", DAY, DAY)).values_list("title", flat=True)) == ["Tard"]
        assert timezone.localtime(early).date() == DAY + timedelta(days=1)
        assert list(Workshop.objects.between(DAY, DAY).values_list("title", flat=True)) == ["Tard"]
