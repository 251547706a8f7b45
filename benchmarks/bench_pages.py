"""Page benchmark (issue 20, `make bench-pages`): every page and export by URL name, as each role that may see it.

For each size (small: 1 territory × 1 season; large: BENCH_TERRITORIES × BENCH_SEASONS, 100 × 10 by default), a child
process builds a throwaway database with benchmarks/national_data.py (SQLite in a temporary directory, or the EMPTY
throwaway database DATABASE_URL names: the benchmark writes into it), then asks every URL of the project (the admin's
excepted) with the parameters of the first territory's objects, as its coordinator, animator and viewer, the
federation viewer of every territory, and an anonymous visitor. A role "may see" a page when it answers 200. For each
(page, role): the number of queries of one request and the median server time of BENCH_REPEAT requests (in-process
Django test client, DEBUG off, no HTTPS redirect: middleware, view, template; no network); the median CPU time of
the process is kept beside it (`--clock cpu` checks the budget on it: on a machine shared with other jobs the wall
clock measures the neighbours). `bare_ms` is /healthz measured in the same run. Streamed exports are read to the
end; the largest download (by bytes, any response sent as an attachment) is read again in a fresh process, its peak RSS
printed before and after the read, and the peak of Python's allocations during a read under tracemalloc.

Writes var/bench-pages.json: [{"page", "role", "queries_small", "queries_large", "ms_small", "ms_large", "bare_ms"}]
(plus "status" and the sizes measured), prints a table, then checks the budgets (docs/performance.md): counts
identical at both sizes, ≤ 25 queries and a median ≤ 150 ms at the large size. Exits 1 when one is broken.

    python benchmarks/bench_pages.py [--territories N] [--seasons S] [--repeat R] [--out var/bench-pages.json]
                                     [--only REGEX] [--keep-db DIR]

`--only REGEX` measures only the pages whose label (URL name, e.g. `production:register_pdf` or
`distribution_report:export[sales_day][csv]`) matches (re.search), at both sizes; the JSON then holds those pages
only (write it elsewhere with --out). `--keep-db DIR` (SQLite only) keeps each size's built database in DIR and
reuses it on the next run of the same size instead of building it again (the rows are the same: same seed); a
reused database carries the sessions of the last run, nothing else changes (the pages are only read).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY_BUDGET = 25
MS_BUDGET = 150.0
ROLES = ("coordinator", "animator", "viewer", "federation", "anonymous")


def _environment(var_dir: str) -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "conserverie.settings")
    env.setdefault("SECRET_KEY", "benchmark-only-" + secrets.token_urlsafe(40))
    env.setdefault("SITE_URL", "https://conserverie.example.org")
    env["ALLOWED_HOSTS"] = "testserver"
    env["DEBUG"] = "0"
    env["RATELIMIT_ENABLED"] = "0"
    env["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks HTTP; the rest of the production settings stay
    env["TWO_FACTOR_REQUIRED"] = "0"  # the generated staff sign in without a code (else every page redirects there)
    env["CONSERVERIE_VAR_DIR"] = var_dir
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + str(ROOT / "benchmarks")
    return env


# --- the child: build one size, measure every page --------------------------------------------------------------


def _pages(territory):
    """[(url name, url)] for every URL of the project with the first territory's objects; [(name, reason)] skipped."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from conserverie.distribution.models import Distribution
    from conserverie.economics.models import CostItem
    from conserverie.impact.models import Dimension, Indicator, Survey
    from conserverie.people.models import Participant
    from conserverie.producers.models import Producer
    from conserverie.production.models import ProductionLot
    from conserverie.recipes.models import Recipe
    from conserverie.reporting.distribution_tables import REPORTS
    from conserverie.sourcing.models import RawLot
    from conserverie.sourcing.rounds.models import CollectionRound
    from conserverie.territories.models import Site
    from conserverie.workshops.models import Workshop

    mine = {"territory": territory}
    first = {
        "network": Producer.objects.filter(**mine).order_by("pk").first(),
        "rounds": CollectionRound.objects.filter(**mine).order_by("pk").first(),
        "workshops": Workshop.objects.filter(**mine).order_by("-starts_at").first(),
        "public": Workshop.objects.filter(**mine).order_by("-starts_at").first(),
        "participants": Participant.objects.filter(**mine).order_by("pk").first(),
        "recipes": Recipe.objects.filter(**mine).order_by("pk").first(),
        "distribution": Distribution.objects.filter(**mine).order_by("pk").first(),
        "surveys": Survey.objects.filter(**mine).order_by("pk").first(),
        "economics": CostItem.objects.filter(**mine).order_by("pk").first(),
    }
    by_name = {
        "impact:petal": Dimension.objects.filter(**mine).order_by("pk").first(),
        "impact:dimension_edit": Dimension.objects.filter(**mine).order_by("pk").first(),
        "impact:indicator_edit": Indicator.objects.filter(dimension__territory=territory).order_by("pk").first(),
        "impact:indicator_value": Indicator.objects.filter(dimension__territory=territory, source="manual").first(),
        "public:site_feed": Site.objects.filter(**mine).order_by("pk").first(),
    }
    lot = ProductionLot.objects.filter(**mine).order_by("-produced_on", "pk").first()
    raw = RawLot.objects.filter(**mine).order_by("-collected_on", "pk").first()

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), name)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)

    pages, skipped = [], []
    for name, route in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or name in ("logout", "set_language"):
            continue
        params = set(pattern_params(route))
        variants = [{}]
        if "slug" in params:
            variants = [{"slug": territory.slug}]
        if "pk" in params:
            target = by_name.get(name) or first.get(name.split(":")[0])
            if target is None:
                skipped.append((name, "pas d'objet généré pour <pk>"))
                continue
            variants = [{**v, "pk": target.pk} for v in variants]
        if "code" in params:
            code = raw.code if name.startswith("sourcing:") else lot.code
            variants = [{**v, "code": code} for v in variants]
        if "key" in params:
            variants = [{**v, "key": key} for v in variants for key in REPORTS]
        if "ext" in params:
            variants = [{**v, "ext": ext} for v in variants for ext in ("csv", "xlsx")]
        if "kind" in params:
            variants = [{**v, "kind": kind} for v in variants for kind in ("funders", "board")]
        unknown = params - {"slug", "pk", "code", "key", "ext", "kind"}
        if unknown:
            skipped.append((name, "paramètre " + ", ".join(sorted(unknown))))
            continue
        for kwargs in variants:
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception as error:  # noqa: BLE001 - reported, not hidden
                skipped.append((name, f"reverse : {error}"))
                continue
            label = name + "".join(f"[{kwargs[k]}]" for k in ("key", "ext", "kind") if k in kwargs)
            pages.append((label, url))
    return pages, skipped


def _export_memory(username: str, url: str) -> dict:
    """The memory one download costs, measured in a fresh process (this one built the data: its peak is the
    build's): the peak RSS (VmHWM) before and after reading `url` once to the end, chunk by chunk as a server sends
    it (the first read also loads the view's modules), and the peak of Python's allocations while reading it again
    under tracemalloc (the export's own working memory)."""
    command = [sys.executable, __file__, "--memory", username, url]
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _memory_child(username: str, url: str) -> None:
    import logging
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from conserverie.core.scoping import every_territory

    logging.getLogger("django.request").setLevel(logging.ERROR)
    client = Client()
    with every_territory():
        client.force_login(get_user_model().objects.get(username=username))
    client.get("/healthz")

    def peak_mb() -> float:
        """This process's peak resident memory (VmHWM). Not `ru_maxrss`: Linux carries it over `exec`, so a child
        of the process that built the data would report the build's peak."""
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    def read() -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        chunks = response.streaming_content if response.streaming else [response.content]
        return sum(len(chunk) for chunk in chunks)  # each chunk dropped once counted, as a server sends it

    before = peak_mb()  # signed in, /healthz answered: the server's own memory
    read()  # the export's cost, with the modules its view imports the first time
    after = peak_mb()
    tracemalloc.start()
    size = read()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "streamed": client.get(url).streaming,
                "read_bytes": size,
                "rss_before_mb": before,
                "rss_peak_mb": after,
                "rss_growth_mb": round(after - before, 1),
                "tracemalloc_peak_mb": round(traced / 2**20, 1),
            }
        )
    )


def pattern_params(route: str):
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _read(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _measure_child(territories: int, seasons: int, repeat: int, out: str) -> None:
    import logging

    import django

    django.setup()

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s of roles that may not see a page

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from national_data import build

    from conserverie.core.scoping import every_territory
    from conserverie.territories.models import Territory

    started, cpu_started = time.perf_counter(), time.process_time()
    call_command("migrate", verbosity=0)  # nothing left to apply on a copy of the migrated schema (SQLite)
    migrated = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throwaway file
            cursor.execute("PRAGMA synchronous=OFF")
    prebuilt = os.environ.get("BENCH_PREBUILT")
    if prebuilt:  # --keep-db: this size's database, built by an earlier run (its build figures are that run's)
        summary = json.loads(Path(prebuilt).read_text(encoding="utf-8"))
        built, built_cpu = summary["build_s"], summary["build_cpu_s"]
        with connection.cursor() as cursor:  # an index a newer migration added gets its statistics
            cursor.execute("ANALYZE")
    else:
        if connection.vendor != "sqlite":  # one throwaway database for both sizes: the last size's rows go first
            call_command("flush", interactive=False, verbosity=0)
        summary = build(territories, seasons)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        built, built_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        summary = {**summary, "build_s": round(built, 1), "build_cpu_s": round(built_cpu, 1)}
    print(
        f"  {territories} × {seasons} : {summary['rows']:,} lignes en {built:.0f} s ({built_cpu:.0f} s CPU ;"
        f" migrations {migrated:.0f} s){' (base gardée)' if prebuilt else ''}",
        file=sys.stderr,
        flush=True,
    )

    with every_territory():
        territory = Territory.objects.get(slug=summary["territories"][0])
        pages, skipped = _pages(territory)
        only = os.environ.get("BENCH_ONLY")
        if only:
            pages = [(label, url) for label, url in pages if re.search(only, label)]
        users = {
            "coordinator": f"coordinator-{territory.slug}",
            "animator": f"animator-{territory.slug}",
            "viewer": f"viewer-{territory.slug}",
            "federation": "federation",
        }
        users = {role: get_user_model().objects.get(username=name) for role, name in users.items()}

    def timed(client, url):
        """(median wall ms, median CPU ms) of `repeat` requests."""
        walls, cpus = [], []
        for _ in range(repeat):
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            _read(response)
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        return statistics.median(walls), statistics.median(cpus)

    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)  # a server error is reported, not fatal
        if role != "anonymous":
            client.force_login(users[role])
        clients[role] = client
    bare = clients["anonymous"]
    bare.get("/healthz")
    bare_ms, bare_cpu = timed(bare, "/healthz")
    rows, errors, largest = [], [], (0, None, None)
    for label, url in pages:
        for role, client in clients.items():
            response = client.get(url)  # warms the caches; a role that may not see the page is skipped
            size = _read(response) if response.status_code == 200 else 0
            if response.status_code >= 500:
                errors.append((label, role, response.status_code))
            if response.status_code != 200:
                if os.environ.get("BENCH_DEBUG"):
                    print(label, role, response.status_code, response.get("Location", ""), file=sys.stderr)
                continue
            connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
            with CaptureQueriesContext(connection) as captured:
                _read(client.get(url))
            queries = len(captured.captured_queries)  # now: the next request empties the log it slices
            ms, cpu = timed(client, url)
            rows.append(
                {
                    "page": label,
                    "role": role,
                    "url": url,
                    "queries": queries,
                    "ms": round(ms, 1),
                    "cpu_ms": round(cpu, 1),
                }
            )
            if response.get("Content-Disposition", "").startswith("attachment") and size > largest[0]:
                largest = (size, label, (role, url))  # a download: CSV, XLSX, PDF, the FEC's text
    memory = None
    if largest[1]:
        role, url = largest[2]
        memory = {"page": largest[1], "bytes": largest[0], **_export_memory(users[role].username, url)}
    Path(out).write_text(
        json.dumps(
            {
                "territories": territories,
                "seasons": seasons,
                "rows_built": summary["rows"],
                "build_s": round(built, 1),
                "build_cpu_s": round(built_cpu, 1),
                "reused_db": bool(prebuilt),
                "summary": summary,
                "migrate_s": round(migrated, 1),
                "database": connection.vendor,
                "bare_ms": round(bare_ms, 2),
                "bare_cpu_ms": round(bare_cpu, 2),
                "pages": rows,
                "skipped": skipped,
                "errors": errors,
                "largest_export": memory,
            }
        ),
        encoding="utf-8",
    )


# --- the parent: two sizes, the table, the budgets ---------------------------------------------------------------


SQLITE_FILE = "conserverie.sqlite3"  # the settings' database in CONSERVERIE_VAR_DIR when DATABASE_URL is unset


def _schema(var_dir: str) -> Path | None:
    """SQLite: the migrated empty database, built once and copied for each size (the migrations take most of a
    minute of CPU). None with DATABASE_URL (each child migrates its own)."""
    if os.environ.get("DATABASE_URL"):
        return None
    env = _environment(var_dir)
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        " call_command('migrate', verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return Path(var_dir) / SQLITE_FILE


def _run_size(
    territories: int, seasons: int, repeat: int, schema: Path | None = None, keep: Path | None = None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="conserverie-bench-pages-") as var_dir:
        env = _environment(var_dir)
        kept = keep / f"{territories}x{seasons}.sqlite3" if keep and schema is not None else None
        if kept and kept.exists():
            shutil.copyfile(kept, Path(var_dir) / SQLITE_FILE)
            env["BENCH_PREBUILT"] = str(kept.with_suffix(".json"))
        elif schema is not None:
            shutil.copyfile(schema, Path(var_dir) / SQLITE_FILE)
        out = Path(var_dir) / "result.json"
        command = [sys.executable, __file__, "--child", str(territories), str(seasons), str(repeat), str(out)]
        subprocess.run(command, check=True, env=env, cwd=ROOT)
        result = json.loads(out.read_text(encoding="utf-8"))
        if kept and not kept.exists():
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(var_dir) / SQLITE_FILE, kept)
            kept.with_suffix(".json").write_text(json.dumps(result["summary"]), encoding="utf-8")
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, default=int(os.environ.get("BENCH_TERRITORIES", 100)))
    parser.add_argument("--seasons", type=int, default=int(os.environ.get("BENCH_SEASONS", 10)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 5)))
    parser.add_argument("--out", default=str(ROOT / "var" / "bench-pages.json"))
    parser.add_argument("--clock", choices=("wall", "cpu"), default=os.environ.get("BENCH_CLOCK", "wall"))
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY"), help="regex on the page label")
    parser.add_argument("--keep-db", default=os.environ.get("BENCH_KEEP_DB"), help="SQLite: keep/reuse the databases")
    args = parser.parse_args()
    if args.only:
        os.environ["BENCH_ONLY"] = args.only
    keep = Path(args.keep_db) if args.keep_db else None
    print(f"Petite taille : 1 territoire × 1 saison ; grande : {args.territories} × {args.seasons}.", flush=True)
    with tempfile.TemporaryDirectory(prefix="conserverie-bench-schema-") as schema_dir:
        sizes = ((1, 1), (args.territories, args.seasons))
        if keep and not os.environ.get("DATABASE_URL") and all((keep / f"{t}x{s}.sqlite3").exists() for t, s in sizes):
            schema = keep / "unused"  # both sizes kept: no schema to migrate (each child migrates what is new)
        else:
            schema = _schema(schema_dir)
        small = _run_size(1, 1, args.repeat, schema, keep)
        large = _run_size(args.territories, args.seasons, args.repeat, schema, keep)
    by_key = {(r["page"], r["role"]): r for r in large["pages"]}
    merged = []
    for row in small["pages"]:
        other = by_key.get((row["page"], row["role"]))
        merged.append(
            {
                "page": row["page"],
                "role": row["role"],
                "queries_small": row["queries"],
                "queries_large": other["queries"] if other else None,
                "ms_small": row["ms"],
                "ms_large": other["ms"] if other else None,
                "bare_ms": large["bare_ms"],
                "cpu_ms_small": row["cpu_ms"],
                "cpu_ms_large": other["cpu_ms"] if other else None,
            }
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
    meta = {k: v for k, v in large.items() if k != "pages"}
    meta_small = {k: v for k, v in small.items() if k != "pages"}
    out.with_name("bench-pages-runs.json").write_text(
        json.dumps({"small": meta_small, "large": meta}, ensure_ascii=False, indent=1), encoding="utf-8"
    )

    width = max(len(r["page"]) for r in merged)
    print(f"\n{'page':<{width}}  {'rôle':<11} {'req. P':>6} {'req. G':>6} {'ms P':>7} {'ms G':>7} {'CPU G':>7}")
    for r in sorted(merged, key=lambda r: (r["page"], r["role"])):
        large_q, large_ms, large_cpu = (
            "—" if r[key] is None else r[key] for key in ("queries_large", "ms_large", "cpu_ms_large")
        )
        print(
            f"{r['page']:<{width}}  {r['role']:<11} {r['queries_small']:>6} {large_q:>6} "
            f"{r['ms_small']:>7.1f} {large_ms:>7} {large_cpu:>7}"
        )
    print(
        f"\nVue nue (/healthz) : {small['bare_ms']} ms (petite), {large['bare_ms']} ms (grande) ;"
        f" CPU {small['bare_cpu_ms']} / {large['bare_cpu_ms']} ms. Budget de temps vérifié sur : {args.clock}."
    )
    for name, meta_run in (("petite", meta_small), ("grande", meta)):
        print(
            f"Base {name} : {meta_run['rows_built']:,} lignes construites en {meta_run['build_s']} s"
            f" ({meta_run.get('build_cpu_s')} s CPU) "
            f"({meta_run['database']})."
        )
    if meta["largest_export"]:
        m = meta["largest_export"]
        print(
            f"Plus gros export : {m['page']} ({m['bytes']:,} octets, {'diffusé' if m['streamed'] else 'en un bloc'}),"
            f" lu dans un processus neuf : pic RSS {m['rss_before_mb']} Mo avant, {m['rss_peak_mb']} Mo après"
            f" (+{m['rss_growth_mb']} Mo) ; pic des allocations Python pendant la lecture"
            f" {m['tracemalloc_peak_mb']} Mo."
        )
    if large["skipped"]:
        print("Non mesurées : " + " ; ".join(f"{name} ({why})" for name, why in large["skipped"]))

    failures = [f"{page} ({role}) : erreur {status}" for page, role, status in small["errors"] + large["errors"]]
    for r in merged:
        where = f"{r['page']} ({r['role']})"
        if r["queries_large"] is None:
            failures.append(f"{where} : absente à la grande taille")
            continue
        if r["queries_large"] != r["queries_small"]:
            failures.append(f"{where} : {r['queries_small']} → {r['queries_large']} requêtes")
        if r["queries_large"] > QUERY_BUDGET:
            failures.append(f"{where} : {r['queries_large']} requêtes > {QUERY_BUDGET}")
        ms = r["ms_large"] if args.clock == "wall" else r["cpu_ms_large"]
        if ms > MS_BUDGET:
            failures.append(f"{where} : {ms} ms ({args.clock}) > {MS_BUDGET:g}")
    print(f"\n{len(merged)} (page, rôle) mesurés ; {len(failures)} dépassement(s) de budget.")
    for failure in failures:
        print(f"  DÉPASSÉ {failure}")
    return 1 if failures else 0


def markdown(path: str) -> str:
    """The table of a var/bench-pages.json as Markdown (for docs/performance.md)."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = [
        "| page | rôle | requêtes P | requêtes G | ms P | ms G | CPU ms G |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["page"], r["role"])):
        cells = [r["queries_small"], r["queries_large"], r["ms_small"], r["ms_large"], r.get("cpu_ms_large")]
        lines.append(f"| {r['page']} | {r['role']} | " + " | ".join("—" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--markdown":
        print(markdown(sys.argv[2]))
    elif len(sys.argv) > 3 and sys.argv[1] == "--memory":
        _memory_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child":
        _measure_child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(main())
