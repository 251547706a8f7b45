"""The rate limit holds across processes (issue 17): two interpreters hitting the same limit at the same time on the
shared database cache get 20 sign-ups between them, not 20 each (core/ratelimit.py, settings.CACHES["ratelimit"]).

The test database is a file on SQLite (tests/conftest.py) and a database of the server on PostgreSQL: both
processes reach it through DATABASE_URL; the test commits (transactional_db) so that they see the cache table.
"""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

WORKER = """
import os, pathlib, sys, time, django
django.setup()
from conserverie.core.ratelimit import hit
folder, now = pathlib.Path(sys.argv[1]), float(sys.argv[2])

def meet(step):  # both processes reach this step (however slow the machine) before either goes on
    (folder / f"{step}-{os.getpid()}").touch()
    while len(list(folder.glob(f"{step}-*"))) < 2:
        time.sleep(0.005)

meet("start")
first = sum(hit("signup", "203.0.113.9", now)[0] for _ in range(10))  # both at once: 20 hits between them
meet("half")
print(first, sum(hit("signup", "203.0.113.9", now)[0] for _ in range(20)))
"""


def database_url() -> str:
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user, password = quote(database["USER"] or "", safe=""), quote(database["PASSWORD"] or "", safe="")
    host, port = database["HOST"] or "localhost", database["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{database['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_limit_of_20_not_40(tmp_path):
    assert settings.RATELIMITS["signup"] == "20/600"
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": os.pathsep.join(sys.path)}
    now = 6000.0 * 600  # one window for both, whatever the clock
    workers = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", WORKER, str(tmp_path), str(now)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    allowed = [tuple(map(int, worker.communicate(timeout=120)[0].split())) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    # Each process's first ten hits fall within the shared 20; after both have made them, the shared count is
    # spent, so every later hit is refused. A per-process cache would allow ten more each (40 in all), and an
    # increment lost between the two processes would let some of the later hits through.
    assert allowed == [(10, 0), (10, 0)], allowed
