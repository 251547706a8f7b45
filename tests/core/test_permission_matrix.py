"""Who may open which URL: every URL pattern of the project, requested as each persona, against one matrix.

A new URL name makes `test_every_url_name_is_in_the_matrix` fail until it is placed in MATRIX below, with the
expected outcome per persona (docs/architecture.md §2) and, when it has arguments, how to fill them from the world.

Outcomes: OK (2xx), REDIRECT (3xx elsewhere than a login page), LOGIN (redirect to /connexion/), ADMIN_LOGIN
(redirect to the admin's login), a status code (404, 403, 405), or ALLOWED (anything but a refusal: used for POSTs
with an empty form, where the page may answer 200, 302 or 422). Staff pages answer 404, not 403, to a person of
another territory (a slug of territory B must not be confirmed to a person of territory A).
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import price_set
from conserverie.producers.models import SurplusOffer
from conserverie.production.models import ProductionLot
from conserverie.production.services import lot_recall
from conserverie.workshops.models import Registration, Workshop

from ..pages import add_distributions, add_lots, add_offers, add_workshops
from . import matrix_rows
from .matrix_base import (
    ADMIN_LOGIN,
    ALLOWED,
    ANIM,
    ANON,
    COORD,
    LOGIN,
    OK,
    OTHER,
    PERSONAS,
    REDIRECT,
    REFUSALS,
    VIEWER,
    Row,
    coordinators,
    everyone,
    pk,
    post_staff,
    readers,
    staff,
)


def lot_code(w):
    return {"code": w.lot.code}


def recalled_code(w):
    return {"code": w.recalled.code}


def recalled_lot(chain, coordinator):
    (lot,) = add_lots(chain, 1, release=True)
    lot_recall(actor=coordinator, lot=lot, reason="Couvercles mal scellés (test)")
    return lot


# Every named URL of the project. Keep it in URL order, one line per name when possible.
MATRIX = {
    # Accounts, language
    "login": Row(everyone(OK)),
    "logout": Row(everyone(REDIRECT), method="post"),
    "password_reset": Row(everyone(OK)),
    "password_reset_done": Row(everyone(OK)),
    "password_reset_confirm": Row(everyone(OK), lambda w: {"uidb64": "MQ", "token": "lien-invalide"}),
    "password_reset_complete": Row(everyone(OK)),
    "set_language": Row(everyone(REDIRECT), method="post", data={"language": "fr", "next": "/"}),
    # Producers and offers
    "producer_space": Row({**everyone(404), ANON: LOGIN}),  # only a producer with a farm (tests/producers)
    "volunteer_space": Row({**everyone(404), ANON: LOGIN}),  # only a volunteer (tests/workshops)
    "producers:offers": Row(staff()),
    "producers:offer_new": Row(staff()),
    "producers:offer_accept": Row(post_staff(), pk("offer"), method="post"),
    "producers:offer_decline": Row(post_staff(), pk("offer"), method="post"),
    # Collections (raw lots)
    "sourcing:raw_lots": Row(staff()),
    "sourcing:collection_new": Row(staff()),
    "sourcing:raw_lot_detail": Row(staff(), lambda w: {"code": w.raw.code}),
    # Workshops, staff side
    "workshops:list": Row(staff()),
    "workshops:new": Row(staff()),
    "workshops:calendar": Row(staff()),
    "workshops:series_new": Row(staff()),
    "workshops:detail": Row(staff(), pk("workshop")),
    "workshops:cancel": Row(post_staff(), pk("workshop"), method="post"),
    "workshops:checkin": Row(
        post_staff(), lambda w: {"pk": w.workshop.pk, "registration_pk": w.registration.pk}, method="post"
    ),
    "workshops:truck": Row(staff(), pk("workshop")),
    "workshops:truck_checkin": Row(
        post_staff(), lambda w: {"pk": w.workshop.pk, "registration_pk": w.registration.pk}, method="post"
    ),
    "workshops:truck_walk_in": Row(post_staff(), pk("workshop"), method="post"),
    # Participants' registry and volunteer hours: personal data, staff of Romans only (no viewer, no producer).
    "participants:list": Row(staff()),
    "participants:detail": Row(staff(), pk("participant")),
    "participants:volunteers": Row(staff()),
    # Recipes: staff read the range; only a coordinator writes a version or validates a schedule.
    "recipes:list": Row(staff()),
    "recipes:new": Row(coordinators()),
    "recipes:detail": Row(staff(), pk("recipe")),
    "recipes:new_version": Row(coordinators(), pk("recipe")),
    "recipes:validate": Row({**post_staff(), ANIM: 403}, pk("recipe"), method="post"),
    # The HACCP plan: every staff member reads and prints it; only a trained person (the coordinator here, not the
    # untrained animator) writes and signs it.
    "recipes:haccp": Row(staff(), pk("recipe")),
    "recipes:haccp_pdf": Row(staff(), pk("recipe")),
    "recipes:haccp_edit": Row({**staff(), ANIM: 403}, pk("recipe")),
    "recipes:haccp_validate": Row({**post_staff(), ANIM: 403}, pk("recipe"), method="post"),
    # Production lots
    "production:lots": Row(staff()),
    "production:lot_new": Row(staff()),
    "production:register": Row(staff()),
    "production:register_pdf": Row(staff()),
    "production:register_xlsx": Row(staff()),
    "production:lot_detail": Row(staff(), lot_code),
    # Only a coordinator releases (an animator is of the territory: 403, not 404); any staff member may block.
    "production:lot_release": Row({**post_staff(), ANIM: 403}, lot_code, method="post"),
    "production:lot_block": Row(post_staff(), lot_code, method="post", data={"reason": "Test"}),
    "production:lot_seal_check": Row(post_staff(), lot_code, method="post"),
    "production:lot_correct": Row(post_staff(), lot_code, method="post"),
    # The sheet, or a redirect to the lot page naming the layout that fits (docs/labels-en.md): never a refusal.
    "production:lot_labels": Row(staff(ALLOWED), lot_code),
    "production:lot_recall": Row(staff(), lot_code),
    "production:recall_withdraw": Row(
        post_staff(),
        recalled_code,
        method="post",
        data=lambda w: {"location": w.truck.pk, "jar_format": w.jar.pk},
    ),
    "trace:recall_contacts_csv": Row(staff(), recalled_code),
    "trace:recall_notice_pdf": Row(staff(), recalled_code),
    "trace:recall_rappelconso": Row(staff(), recalled_code),
    "trace:recall_rappelconso_json": Row(staff(), recalled_code),
    # Stock
    "stock:overview": Row(staff()),
    "stock:movements": Row(staff()),
    "stock:move": Row(staff()),
    "stock:discard": Row(staff()),
    "stock:deposit": Row(staff()),
    "stock:inventory": Row(coordinators()),
    # Distribution
    "distribution:list": Row(staff()),
    "distribution:new": Row(staff()),
    "distribution:receipt": Row(staff(), pk("distribution")),
    "distribution:deposits": Row(staff()),
    "distribution:deposit_detail": Row(staff(), pk("participant")),
    "distribution:prices": Row(staff()),
    "distribution:participant_search": Row(staff()),
    # Aggregated figures, no personal data: board members and funders (viewers) read them too (docs/architecture.md §2).
    "distribution_report:report": Row(readers()),
    "distribution_report:export": Row(readers(), lambda w: {"key": "destinations", "ext": "csv"}),
    "distribution:price_delete": Row(coordinators(REDIRECT), pk("price")),
    # Public workshops
    "public:calendar": Row(everyone(OK)),
    "public:feed": Row(everyone(OK)),
    "public:site_feed": Row(everyone(OK), pk("site")),
    "public:detail": Row(everyone(OK), pk("workshop")),
    "public:confirmation": Row(everyone(OK), lambda w: {"token": w.registration.token}),
    "public:cancel": Row(everyone(OK), lambda w: {"token": w.registration.token}),
    "public:cancel_code": Row(everyone(OK)),
    "public:workshop_feed": Row(everyone(OK), pk("workshop")),
    # Core
    "reporting:home": Row(everyone(OK)),
    "core:healthz": Row(everyone(OK)),
    "core:favicon": Row(everyone(REDIRECT)),
    "privacy": Row(everyone(OK)),
    "lot_public:lot_public": Row(everyone(OK), lot_code),
    "reporting:workspace": Row({ANON: LOGIN, COORD: REDIRECT, ANIM: REDIRECT, VIEWER: REDIRECT, OTHER: REDIRECT}),
    "reporting:dashboard": Row(readers()),
    "reporting:audit": Row(coordinators()),
}

# Each area's rows live in matrix_rows/<area>.py as a ROWS dict (its URL names with their expectations).
MATRIX.update(matrix_rows.all_rows())

# The Django admin: no persona here is staff, so every admin page sends to the admin's login page, except these.
ADMIN_NAMESPACE = "admin"

ADMIN_EXCEPTIONS = {
    "admin:login": everyone(OK),
    "admin:logout": everyone(REDIRECT),
}


def url_names(resolver=None, namespace=""):
    """(name, pattern) of every named URL pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from url_names(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def project_names() -> set[str]:
    return {name for name, _ in url_names() if not name.startswith(ADMIN_NAMESPACE + ":")}


def test_every_url_name_is_in_the_matrix():
    missing = sorted(project_names() - set(MATRIX))
    assert not missing, f"URL names to add to MATRIX in {__file__}: {missing}"
    stale = sorted(set(MATRIX) - project_names())
    assert not stale, f"names in MATRIX that no URL has any more: {stale}"


@pytest.fixture
def users(coordinator, animator, viewer, other_coordinator):
    return {ANON: None, COORD: coordinator, ANIM: animator, VIEWER: viewer, OTHER: other_coordinator}


@pytest.fixture
def world(chain, users, coordinator):
    add_offers(chain, 1)
    add_distributions(chain, 3)
    add_workshops(chain, 1, registrations=1)
    workshop = Workshop.objects.filter(territory=chain.territory).latest("pk")
    workshop.starts_at = timezone.now() + timedelta(days=7)
    workshop.ends_at = workshop.starts_at + timedelta(hours=3)
    workshop.save(update_fields=["starts_at", "ends_at"])
    distribution = Distribution.objects.filter(territory=chain.territory, participant__isnull=False).first()
    lot = ProductionLot.objects.filter(territory=chain.territory).order_by("pk").first()
    return SimpleNamespace(
        **vars(chain),
        users=users,
        recalled=recalled_lot(chain, coordinator),
        offer=SurplusOffer.objects.filter(territory=chain.territory).first(),
        lot=lot,
        workshop=workshop,
        registration=Registration.objects.filter(workshop=workshop).first(),
        distribution=distribution,
        participant=distribution.participant,
        price=price_set(actor=coordinator, territory=chain.territory, jar_format=chain.jar, price_eur=Decimal("3.50")),
    )


def outcome_of(response) -> str | int:
    if 200 <= response.status_code < 300:
        return OK
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        return REDIRECT
    return response.status_code


def matches(expected, actual) -> bool:
    if expected == ALLOWED:
        return actual not in REFUSALS and actual != 500
    return expected == actual


def signed_in(users: dict) -> dict:
    """One client per persona, signed in once: a GET changes nothing a later request depends on."""
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client(raise_request_exception=False)
        if users[persona] is not None:
            clients[persona].force_login(users[persona])
    return clients


def check(users: dict, url: str, expect: dict, method: str = "get", data=None, clients=None) -> list[str]:
    """Request `url` as each persona; the differences from `expect`. A POST gets fresh clients: it may sign out or
    change the session."""
    clients = clients if clients is not None and method == "get" else signed_in(users)
    wrong = []
    for persona in PERSONAS:
        actual = outcome_of(getattr(clients[persona], method)(url, data or {}))
        if not matches(expect[persona], actual):
            wrong.append(f"{method.upper()} {url} as {persona}: expected {expect[persona]}, got {actual}")
    return wrong


def reverse_filled(name: str, kwargs: dict, slug: str) -> str:
    """The URL of `name` with `kwargs`, plus the territory slug when the route has one."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return reverse(name, kwargs={"slug": slug, **kwargs})


def test_every_url_answers_each_persona_as_the_matrix_says(world):
    """One world, every name: the GETs first, then the POSTs (an allowed POST may change the world)."""
    names = project_names()
    rows = sorted(((row.method != "get", name, row) for name, row in MATRIX.items() if name in names))
    wrong = []
    clients = signed_in(world.users)
    for _is_post, name, row in rows:
        url = reverse_filled(name, row.kwargs(world) if row.kwargs else {}, world.territory.slug)
        data = row.data(world) if callable(row.data) else row.data
        wrong += [f"{name}: {line}" for line in check(world.users, url, row.expect, row.method, data, clients)]
    assert not wrong, "\n".join(wrong)


def admin_url(name: str, pattern) -> str:
    """An admin URL with its arguments filled with "1" (an object id) or "auth" (an app label)."""
    regex = pattern.pattern.regex
    for value in ("1", "auth"):
        try:
            if regex.groupindex:
                return reverse(name, kwargs=dict.fromkeys(regex.groupindex, value))
            return reverse(name, args=[value] * regex.groups)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot fill the arguments of {name}")


def test_admin_pages_need_a_staff_account(users):
    wrong = []
    clients = signed_in(users)
    for name, pattern in url_names():
        if name.startswith(ADMIN_NAMESPACE + ":"):
            expect = ADMIN_EXCEPTIONS.get(name, everyone(ADMIN_LOGIN))
            wrong += check(users, admin_url(name, pattern), expect, clients=clients)
    assert not wrong, "\n".join(wrong)
