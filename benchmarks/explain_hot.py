"""The query plans of the hot queries (issue 20, item 5): `QuerySet.explain()` on the figures of a period grouped by
territory, on a throwaway database of N territories × S seasons (benchmarks/national_data.py).

SQLite in a temporary directory by default; with DATABASE_URL set (an EMPTY throwaway PostgreSQL database: the
script writes into it) the same queries are explained by PostgreSQL (EXPLAIN, ANALYZE with --analyze).

    python benchmarks/explain_hot.py [--territories 5] [--seasons 2] [--analyze] [--pages] [--top 3] [--reuse]

`--reuse` (a throwaway PostgreSQL database an earlier run built): migrate it (an index just added) and explain again,
without building the rows a second time.

`--pages` also asks the heaviest pages (the network view as the federation viewer, the participants list, the
distribution report, the flower, the economics summary, costs and scenarios, the FEC, the HACCP register) as their
users, and explains the `--top` slowest queries of each as run (the SQL Django sent, its parameters in place).
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
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="a database built by an earlier run: migrate it (new indexes), no build"
    )
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="conserverie-explain-")
    os.environ.setdefault("CONSERVERIE_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conserverie.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + secrets.token_urlsafe(40))
    os.environ.update(ALLOWED_HOSTS="testserver", DEBUG="0", RATELIMIT_ENABLED="0", SECURE_SSL_REDIRECT="0")
    os.environ.update(TWO_FACTOR_REQUIRED="0")  # the generated staff sign in without a code (as bench_pages.py)
    os.environ.setdefault("SITE_URL", "https://conserverie.example.org")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F, Sum
    from national_data import build

    from conserverie.core.periods import in_days, in_period
    from conserverie.core.scoping import every_territory
    from conserverie.distribution.models import Distribution
    from conserverie.sourcing.models import RawLot
    from conserverie.stock.models import StockMovement
    from conserverie.territories.models import Territory
    from conserverie.workshops.models import Workshop

    call_command("migrate", verbosity=0)
    with every_territory():
        built = args.reuse and Territory.objects.exists()
    if not built:
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
            .filter(in_days("starts_at", start, end))
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
        if args.pages:
            _pages(ids, args.top, args.analyze)


def _pages(ids, top: int, analyze: bool) -> None:
    """EXPLAIN the `top` slowest queries of each heavy page, as the page ran them."""
    import logging
    import time

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conserverie.territories.models import Territory

    logging.getLogger("django.request").setLevel(logging.ERROR)
    slug = Territory.objects.get(pk=ids[0]).slug
    pages = [
        ("federation", "/reseau/"),
        (f"coordinator-{slug}", f"/t/{slug}/participants/"),
        (f"coordinator-{slug}", f"/t/{slug}/cessions/bilan/"),
        (f"coordinator-{slug}", f"/t/{slug}/impact/"),
        (f"coordinator-{slug}", f"/t/{slug}/economie/"),
        (f"coordinator-{slug}", f"/t/{slug}/economie/couts/"),
        (f"coordinator-{slug}", f"/t/{slug}/economie/scenarios/"),
        (f"coordinator-{slug}", f"/t/{slug}/economie/fec.txt"),
        (f"coordinator-{slug}", f"/t/{slug}/lots/registre/"),
    ]
    for username, url in pages:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            status = client.get(url).status_code
            elapsed = (time.perf_counter() - start) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        print(f"== {url} ({username}): HTTP {status}, {len(queries)} requêtes, {elapsed:.0f} ms\n")
        for query in queries[:top]:
            sql = query["sql"]
            verb = "EXPLAIN ANALYZE " if analyze and connection.vendor == "postgresql" else "EXPLAIN "
            if connection.vendor == "sqlite":
                verb = "EXPLAIN QUERY PLAN "
            with connection.cursor() as cursor:
                cursor.execute(verb + sql)
                plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
            print(f"-- {query['time']} s: {sql[:300]}{'…' if len(sql) > 300 else ''}\n{plan}\n")


if __name__ == "__main__":
    main()
