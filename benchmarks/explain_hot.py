"""The query plans of the hot queries (issue 20, item 5): `QuerySet.explain()` on the figures of a period grouped by
territory, on a throwaway database of N territories × S seasons (benchmarks/national_data.py).

SQLite in a temporary directory by default; with DATABASE_URL set (an EMPTY throwaway PostgreSQL database: the
script writes into it) the same queries are explained by PostgreSQL (EXPLAIN, ANALYZE with --analyze).

    python benchmarks/explain_hot.py [--territories 5] [--seasons 2] [--analyze]
"""

import argparse
import os
import secrets
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--territories", type=int, default=5)
    parser.add_argument("--seasons", type=int, default=2)
    parser.add_argument("--analyze", action="store_true")
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="conserverie-explain-")
    os.environ.setdefault("CONSERVERIE_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conserverie.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + secrets.token_urlsafe(40))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F, Sum
    from national_data import build

    from conserverie.core.periods import in_period
    from conserverie.core.scoping import every_territory
    from conserverie.distribution.models import Distribution
    from conserverie.sourcing.models import RawLot
    from conserverie.stock.models import StockMovement
    from conserverie.territories.models import Territory
    from conserverie.workshops.models import Workshop

    call_command("migrate", verbosity=0)
    build(args.territories, args.seasons)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    options = {"analyze": True} if args.analyze and connection.vendor == "postgresql" else {}
    with every_territory():
        ids = list(Territory.objects.values_list("pk", flat=True))
        hot = {
            "raw lots of a period, per territory": RawLot.objects.filter(territory__in=ids)
            .filter(in_period("collected_on", start, end))
            .values(tid=F("territory_id"))
            .annotate(kg=Sum("kg"))
            .order_by(),
            "jar ledger of a period, per territory and kind": StockMovement.objects.filter(
                territory__in=ids, lot__isnull=False
            )
            .filter(in_period("day", start, end))
            .values("territory_id", "kind")
            .annotate(n=Sum("quantity"))
            .order_by(),
            "workshops of a period, per territory": Workshop.objects.filter(territory__in=ids)
            .filter(in_period("starts_at__date", start, end))
            .values(tid=F("territory_id"))
            .annotate(n=Count("pk"))
            .order_by(),
            "distributions of one territory and period (list page)": Distribution.objects.filter(
                territory_id=ids[0]
            ).filter(in_period("date", start, end))[:50],
        }
        print(f"{connection.vendor}, {args.territories} territoires × {args.seasons} saisons\n")
        for title, queryset in hot.items():
            print(f"-- {title}\n{queryset.explain(**options)}\n")


if __name__ == "__main__":
    main()
