"""Automatic territory scoping (docs/architecture.md §8), on django-scopes as pretix uses it.

Every territory-owned model's default manager is `scoped_manager(<ORM path to its territory>)`. Its queries are
filtered by the territory of the scope that is active, and refused (`ScopeError`) when none is:

- `territory_scope(territory)`: only that territory's rows (a territory, its id, or a list of them);
- `every_territory()`: every territory's rows, on purpose (the public calendar, the network view, nightly jobs);
- `scopes_disabled()`: no scoping at all (the demo loader, the admin, the tests' own reads).

`ScopeMiddleware` runs every request in a scope without a territory, so a view that forgets to enter one fails
instead of showing another territory's rows; `territories.staff.territory_view` enters the territory of the page.

Core names no domain app: the dimension is the string "territory", the models pass the path to it.
"""

from contextlib import contextmanager
from functools import cache, wraps

from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django_scopes import ScopedManager, ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import state

__all__ = [
    "DIMENSION",
    "ScopeError",
    "ScopeMiddleware",
    "every_territory",
    "get_scope",
    "in_every_territory",
    "in_current_scope",
    "no_territory",
    "scoped_manager",
    "scopes_disabled",
    "territory_scope",
]

DIMENSION = "territory"

# What a manager still does outside a scope: nothing that reads. A new row names its territory itself, and an
# empty queryset reads nothing (forms declare `queryset=Model.objects.none()` at import time).
ALLOWED_OUTSIDE = frozenset({"create", "acreate", "bulk_create", "abulk_create", "none", "using", "as_manager"})


def territory_scope(territory):
    """Queries of territory-owned models see `territory`'s rows only (a Territory, its id, or a list of them).

    None is refused: "every territory" is said with `every_territory()`, never by a missing value.
    """
    if territory is None:
        raise ValueError("territory_scope(None): say every_territory() to read every territory")
    if isinstance(territory, list | tuple | set | frozenset):
        territory = list(territory)  # django-scopes filters a list with __in
    return scope(**{DIMENSION: territory})


def every_territory():
    """Queries of territory-owned models see every territory's rows (a None territory filters nothing)."""
    return scope(**{DIMENSION: None})


@contextmanager
def no_territory():
    """Scoping on and no territory chosen, whatever the caller had: a territory-owned query raises `ScopeError`.

    What every request starts with (`ScopeMiddleware`); nested `territory_scope()` or `every_territory()` open the
    rows a view needs.
    """
    token = state.set({"_enabled": True})
    try:
        yield
    finally:
        state.reset(token)


def in_current_scope(iterable):
    """`iterable`, iterated later in the scope that is active now: a streamed download's rows are read after the
    view has returned (and left its `territory_scope`), while the response is sent (issue 20)."""
    captured = dict(get_scope())

    def rows():
        previous = state.get()
        token = state.set(captured)
        try:
            yield from iterable
        finally:
            try:
                state.reset(token)
            except ValueError:  # closed from another context (a server dropping a download half-sent)
                state.set(previous)

    return rows()


def in_every_territory(function):
    """Decorator: `function` runs under `every_territory()` (a public page listing every territory's rows, a job)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with every_territory():
            return function(*args, **kwargs)

    return wrapper


def _refuse(name):
    def refused(self, *args, **kwargs):
        raise ScopeError(
            f"{self.model.__name__}.objects.{name}() outside a territory scope: enter territory_scope(), "
            "every_territory() or scopes_disabled() (docs/architecture.md §8)"
        )

    refused.__name__ = name
    return refused


@cache
def _refusing_queryset(queryset_class):
    """The queryset a scoped manager returns outside a scope: every method that reads or changes rows raises
    `ScopeError`, the custom ones of `queryset_class` (`upcoming()`, `live()`…) too, where django-scopes' own
    `DisabledQuerySet` would answer AttributeError for them, and let `exists()` and `exclude()` through."""
    names = {
        name
        for klass in queryset_class.__mro__
        if issubclass(klass, models.QuerySet)
        for name, value in vars(klass).items()
        if not name.startswith("_") and callable(value) and name not in ALLOWED_OUTSIDE
    }
    attrs = {name: _refuse(name) for name in names}
    for special in ("__iter__", "__aiter__", "__len__", "__bool__", "__getitem__", "_fetch_all", "_iterator"):
        attrs[special] = _refuse(special)

    def none(self):
        empty = queryset_class(model=self.model, query=self.query.chain(), using=self._db, hints=self._hints)
        return empty.none()

    def __repr__(self):
        return f"<{type(self).__name__}: {self.model.__name__} outside a territory scope>"

    attrs.update(none=none, __repr__=__repr__, __module__=__name__)
    return type(f"OutOfScope{queryset_class.__name__}", (DisabledQuerySet, queryset_class), attrs)


def scoped_manager(path: str = DIMENSION, queryset_class: type[models.QuerySet] = models.QuerySet):
    """The default manager of a territory-owned model: `path` is the ORM path from the model to its territory
    ("territory", "workshop__territory"…), `queryset_class` the model's own QuerySet, whose methods stay available.

    A django-scopes `ScopedManager` (`with_scope()`, `with_scopes_disabled()` work), with two changes: outside a
    scope every method raises `ScopeError` (see `_refusing_queryset`), and a model owned through a parent is
    filtered by a correlated `EXISTS` on its first foreign key (`EXISTS (SELECT 1 FROM workshop U0 WHERE U0.id =
    registration.workshop_id AND U0.territory_id = …)`) rather than django-scopes' join: `select_for_update()`
    then locks the rows asked for and not their parents (§5), and SQLite keeps driving the query by its own most
    selective index (an `IN (SELECT …)` list of the territory's parents made the forward trace read every line).

    Not used in migrations (`use_in_migrations` stays False): a migration's models have plain managers.
    """
    base = models.Manager if queryset_class is models.QuerySet else models.Manager.from_queryset(queryset_class)
    scoped = type(ScopedManager(_manager_class=base, **{DIMENSION: path}))
    refusing = _refusing_queryset(queryset_class)
    first, _sep, rest = path.partition("__")

    class TerritoryScopedManager(scoped):
        territory_path = path

        def get_queryset(self):
            current = getattr(self, "_override_scope", None) or get_scope()
            if not current.get("_enabled", True):
                return base.get_queryset(self)
            if DIMENSION not in current:
                return refusing(self.model, using=self._db, hints=self._hints, missing_scopes=[DIMENSION])
            territory = current[DIMENSION]
            queryset = base.get_queryset(self)
            if territory is None:  # every_territory()
                return queryset
            lookup = "__in" if isinstance(territory, list | tuple) else ""
            if not rest:
                return queryset.filter(**{first + lookup: territory})
            parents = self.model._meta.get_field(first).related_model._base_manager
            return queryset.filter(Exists(parents.filter(pk=OuterRef(first), **{rest + lookup: territory})))

        def all(self):
            queryset = self.get_queryset()
            if isinstance(queryset, refusing):
                queryset.all()  # raises ScopeError
            return queryset

    TerritoryScopedManager.__qualname__ = TerritoryScopedManager.__name__ = f"TerritoryScoped{base.__name__}"
    return TerritoryScopedManager()


def _admin_prefix() -> str | None:
    """Where the admin is mounted in the URLconf of this request (None when it has no admin)."""
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


class ScopeMiddleware:
    """Every request runs with scoping on and no territory: the view enters the scope it needs (`territory_view`,
    `territory_scope()`, `every_territory()`), and a query it forgot raises instead of leaking. The admin's pages
    run with scoping off (its superusers administer every territory)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = _admin_prefix()
        if admin and request.path_info.startswith(admin):
            with scopes_disabled():
                return self.get_response(request)
        with no_territory():
            return self.get_response(request)
