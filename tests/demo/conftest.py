"""The Romans demo, built once for every test of this package.

Building it is the slowest step of the suite (minutes on PostgreSQL), so the tests that read it live here, share one
build inside a transaction rolled back at the end of the package, and run on one xdist worker
(`pytest_xdist_make_scheduler` in `tests/conftest.py`). Each test still runs in its
own savepoint (`db`), so what one test writes is gone before the next.
"""

import pytest
from django.db import transaction

from conserverie.core.scoping import scopes_disabled
from conserverie.demo.loader import load_demo


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with scopes_disabled():
            assert load_demo() is True
        yield
        transaction.set_rollback(True)
