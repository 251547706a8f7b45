"""Named personas built once per test (docs/architecture.md §7), and a small living chain to act on."""

import contextlib
import os
import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from conserverie.core.scoping import scopes_disabled
from conserverie.producers.models import Product
from conserverie.producers.services import producer_create
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, haccp_plan_validate, recipe_create, recipe_validate_schedule
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import JarFormat, Location, Membership, Role, Site, Structure, Territory

DAY = date(2026, 6, 10)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A SQLite test database is a file too, one per process, removed at the end with its -wal and -shm companions.

    Not Django's shared-cache in-memory database, whose table locks fail at once with "database table is locked"
    instead of waiting: concurrency tests then see what production sees. One file per process, so that two test
    runs (or two xdist workers) never share a database. PostgreSQL keeps pytest-django's names.

    On both engines the test database is made from today's models (`MIGRATE: False`): see `django_db_setup`.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    # Tables made from the models, not by the migrations; the rest is added by `django_db_setup` below.
    database.setdefault("TEST", {})["MIGRATE"] = False
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    name = Path(tempfile.gettempdir()) / f"conserverie-test-{os.getpid()}.sqlite3"
    database.setdefault("TEST", {})["NAME"] = str(name)
    yield
    # Django removes the database file (after this fixture's dependents), not its companions.
    for path in name.parent.glob(f"{name.name}*"):
        with contextlib.suppress(OSError):
            path.unlink()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, made from the models (`MIGRATE: False`, above), then completed with what the
    migrations make beside the tables, by the migrations' own code (tests/database.py): the ledgers' triggers and
    maintenance table, the SMIC rows. Running the migrations cost each worker ~90 s of CPU on SQLite (~72 s on
    PostgreSQL); the migrations are tested by tests/core/test_migrations.py, which also compares what it migrated
    with this database. After a `flush` (the end of a transactional test) the reference rows are written again."""
    from django.db.models.signals import post_migrate

    from tests.database import every_test_database_complete, rows_again_after_a_flush

    with django_db_blocker.unblock():
        every_test_database_complete()
    post_migrate.connect(rows_again_after_a_flush, dispatch_uid="tests.database.rows_again_after_a_flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests.database.rows_again_after_a_flush")


def rows_shared_by_a_module(django_db_blocker, build):
    """For a module-scoped fixture (`yield from` it): the rows `build()` writes, written once and read by each test
    of the module instead of being written again for every test. They live in a transaction rolled back at the end
    of the module (as the demo's, tests/demo/conftest.py); each test still runs in its own savepoint (`db`), so
    what one test writes is gone before the next. Written as the function-scoped fixtures write (every territory
    visible, the fast password hasher). Between the build and the rollback the database stays blocked: a test still
    needs `db` to touch it."""
    from django.db import transaction
    from django.test import override_settings

    hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    block = transaction.atomic()
    with django_db_blocker.unblock():
        block.__enter__()
        try:
            with scopes_disabled(), hasher:
                rows = build()
        except BaseException as error:
            block.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs ~0.2 s a user and tests only need users to exist; the real hasher is tested in test_settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(time_machine):
    """`clock(day)` moves the clock to 10:00 in Paris on `day` for the rest of the test (time-machine, not a patched
    module attribute: every `now()` and `localdate()` of the code under test sees the same day)."""

    def move(day: date, hour: int = 10) -> None:
        time_machine.move_to(datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Paris")), tick=False)

    return move


@pytest.fixture(autouse=True)
def fresh_rate_limit_counters(request):
    """Each test starts with no rate-limit counter (per address, per contact): one test's sign-ups never count
    against the next one's. The counters live in the database cache (settings.py): a test in a transaction rolls
    them back; a test that commits (transactional_db, live_server) leaves them, so they are cleared after it."""
    from django.conf import settings
    from django.core.cache import caches

    caches["default"].clear()
    yield
    if "transactional_db" in request.fixturenames:
        with request.getfixturevalue("django_db_blocker").unblock():
            caches[settings.RATELIMIT_CACHE].clear()


@pytest.fixture(autouse=True)
def every_row_for_the_test_body():
    """The test's own code (factories, services called directly, assertions) reads and writes every territory;
    each request of the test client runs through `ScopeMiddleware`, which turns scoping back on, so views are
    exercised as in production (docs/architecture.md §8)."""
    with scopes_disabled():
        yield


def make_user(username, territory=None, role=None, producer=None, trained=None):
    """A user with a membership; a coordinator is HACCP-trained unless `trained=False` (sign-off needs a training,
    docs/safety-en.md), anyone else only with `trained=True`."""
    user = get_user_model().objects.create_user(username=username, password="pass-for-tests-only")
    if territory is not None:
        Membership.objects.create(user=user, territory=territory, role=role, producer=producer)
        if trained or (trained is None and role == Role.COORDINATOR):
            from conserverie.territories.models import Training, TrainingKind

            Training.objects.create(
                territory=territory,
                user=user,
                kind=TrainingKind.HACCP,
                obtained_on=date(2025, 3, 1),
                organisation="Organisme de formation (tests)",
                recorded_by=user,
            )
    return user


def make_territory(slug, code, name):
    territory = Territory.objects.create(
        slug=slug, code=code, name=name, hub_lat=Decimal("45.0431"), hub_lon=Decimal("5.0511"), radius_km=30
    )
    structure = Structure.objects.create(territory=territory, name=f"Maison de quartier {name}", city=name)
    site = Site.objects.create(
        territory=territory,
        name=f"Place du marché {name}",
        kind=Site.Kind.MARKET,
        city=name,
        priority_area=True,
        structure=structure,
    )
    truck = Location.objects.create(territory=territory, name=f"Camion {name}", kind=Location.Kind.TRUCK)
    shop = Location.objects.create(territory=territory, name=f"Boutique {name}", kind=Location.Kind.SHOP)
    jar = JarFormat.objects.create(territory=territory, name="Bocal 375 ml", volume_ml=375, deposit_eur=Decimal("1.00"))
    return SimpleNamespace(territory=territory, structure=structure, site=site, truck=truck, shop=shop, jar=jar)


@pytest.fixture
def romans(db):
    return make_territory("romans", "ROM", "Romans")


@pytest.fixture
def other(db):
    return make_territory("vercors", "VER", "Vercors")


@pytest.fixture
def coordinator(romans):
    return make_user("coord", romans.territory, Role.COORDINATOR)


@pytest.fixture
def animator(romans):
    return make_user("anim", romans.territory, Role.ANIMATOR)


@pytest.fixture
def viewer(romans):
    return make_user("viewer", romans.territory, Role.VIEWER)


@pytest.fixture
def other_coordinator(other):
    return make_user("coord-vercors", other.territory, Role.COORDINATOR)


def tomato_product():
    return Product.objects.get_or_create(
        name="Tomate", defaults={"category": Product.Category.VEGETABLE, "shelf_life_days": 5}
    )[0]


@pytest.fixture
def tomato(db):
    return tomato_product()


def build_chain(place, actor, tomato, kg=Decimal("40")):
    """A producer, a recipe for tomatoes (acid, pH ≤ 4.4, sterilised at 110 °C for 45 min) with its schedule and
    HACCP plan validated, and one weighed raw lot, in `place`'s territory."""
    t = place.territory
    farm = producer_create(
        actor=actor,
        territory=t,
        name=f"Ferme des Tests {t.code}",
        commune="Peyrins",
        lat=Decimal("45.09"),
        lon=Decimal("5.04"),
        distance_km=Decimal("6.2"),
    )
    recipe = recipe_create(
        actor=actor,
        territory=t,
        code="CTOM",
        name="Coulis de tomate",
        ingredients=[(tomato, Decimal("10"))],
        formats=[FormatSpec(place.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("110"), 45)],
        ph_limit=Decimal("4.4"),
        shelf_life_days=365,
    )
    recipe = recipe_validate_schedule(actor=actor, recipe=recipe)
    haccp_plan_validate(actor=actor, recipe=recipe)  # production needs the validated plan (its default one here)
    raw = collection_record(actor=actor, territory=t, producer=farm, product=tomato, kg=kg, collected_on=DAY)
    return SimpleNamespace(**vars(place), farm=farm, recipe=recipe, raw=raw, actor=actor, tomato=tomato)


@pytest.fixture
def chain(romans, coordinator, tomato):
    return build_chain(romans, coordinator, tomato)


@pytest.fixture
def other_chain(other, other_coordinator, tomato):
    return build_chain(other, other_coordinator, tomato)


def aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


# The longest single tests of the suite (`pytest --durations` on PostgreSQL, docs/performance.md, s21), handed out
# first under xdist, right after the demo's unit: a long test started last would keep one worker busy alone at the
# end of the run. tests/core/test_suite_order.py checks that each still names a test.
LONG_FIRST = (
    "tests/core/test_migrations.py::test_a_database_of_the_last_release_migrates_to_this_version",
    "tests/test_invariants.py::test_random_operations_keep_the_books",
    "tests/core/test_permission_matrix.py::test_every_url_answers_each_persona_as_the_matrix_says",
    "tests/core/test_backup.py::test_commands_back_up_and_restore_the_project_database",
    "tests/production/test_trace_hypothesis.py::test_forward_and_backward_traces_are_exact_on_generated_genealogies",
    "tests/core/test_settings.py::test_production_without_site_url_fails_its_checks_naming_site_url",
    "tests/api/test_schemathesis.py::test_every_operation_against_the_schema",
    "tests/core/test_robustness_more.py::test_recipe_new_and_new_version",
    "tests/browser/test_funder_reports_journey.py::test_coordinator_downloads_the_fec_and_the_cis_report",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """In an xdist worker, the tests of LONG_FIRST first (both workers sort alike: xdist compares their collections;
    its scheduler hands out the units in this order, the demo's unit, the largest, before them)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {nodeid: index for index, nodeid in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """With xdist (`make test` runs `pytest -n 2`), the tests of tests/demo/ go to one worker as one unit: they share
    one build of the demo (tests/demo/conftest.py), the slowest step of the suite, instead of one per worker. Every
    other test is its own unit, handed to whichever worker is free, as with `--dist load`. (xdist's own
    `--dist loadgroup` cannot do it under pytest 9: it renames the test ids through an attribute pytest 9 no longer
    reads.) The demo's unit is the largest, so it is handed out first."""
    from xdist.scheduler import LoadScopeScheduling

    class DemoTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/demo/" if nodeid.startswith("tests/demo/") else nodeid

    return DemoTogether(config, log)
