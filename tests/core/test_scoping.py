"""Territory scoping is automatic (docs/architecture.md §4.8, §8): a territory-owned model queried outside a scope
raises, and inside a territory's scope a query sees that territory's rows only, even without a filter of its own.

The test bodies of this project run with scoping off (tests/conftest.py); the tests below turn it on themselves.
"""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.http import JsonResponse
from django.test import RequestFactory
from django.urls import path
from django.utils import timezone
from simple_history.models import HistoricalChanges

from conserverie.core.scoping import (
    DIMENSION,
    ScopeError,
    ScopeMiddleware,
    every_territory,
    no_territory,
    scopes_disabled,
    territory_scope,
)
from conserverie.people.models import Participant
from conserverie.producers.models import Product
from conserverie.production.models import LabellingProfile, ProductionLot
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.territories.models import Membership, Territory
from conserverie.territories.staff import territory_view
from conserverie.workshops.models import Registration, Workshop

from ..pages import add_lots, add_workshops
from ..workshops.public_data import future_workshop

# The models that are not scoped, and why (docs/architecture.md §8). Django's User and the history models of
# django-simple-history are not scoped either; the test finds the history models by their base class.
EXCEPTIONS = {
    "territories.Territory": "the scope's own dimension",
    "territories.Membership": "decides which territory a person may enter (for_user, role_in, the staff menu)",
    "producers.Product": "raw produce, shared by every territory",
    "core.EncryptedTOTPDevice": "a person's second factor, the same in every territory where they work",
    "core.RecoveryCodes": "a person's recovery codes (django-otp's static device), as their second factor",
    "core.SecurityEvent": "a person's sign-in events; the audit page shows them to each territory of the person",
    "workshops.MinimumWage": "the national minimum wage, dated: the same for every territory",
}


def project_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("conserverie.")
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


SCOPED = [model for model in project_models() if label(model) not in EXCEPTIONS]


def test_the_exceptions_are_models_of_the_project():
    assert set(EXCEPTIONS) <= {label(model) for model in project_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_every_territory_owned_model_refuses_a_query_outside_a_scope(model):
    with no_territory(), pytest.raises(ScopeError):
        model.objects.count()


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_the_scoped_manager_is_the_default_one_and_its_path_leads_to_the_territory(model):
    assert model._default_manager is model.objects
    assert model.objects.territory_path.split("__")[-1] == DIMENSION
    target = model
    for step in model.objects.territory_path.split("__"):
        target = target._meta.get_field(step).related_model
    assert target is Territory
    # Foreign-key access (`lot.workshop`) and the deletion collector read through the base manager: a plain one.
    assert model._meta.base_manager_name is None
    assert type(model._base_manager) is models.Manager


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_the_exceptions_are_read_without_a_scope(name):
    model = apps.get_model(name)
    assert not hasattr(model.objects, "territory_path")
    with no_territory():
        model.objects.count()


@pytest.fixture
def two_seasons(chain, other_chain):
    """A workshop with sign-ups and a production lot (with its raw-lot movements) in Romans and in Vercors."""
    for place in (chain, other_chain):
        add_workshops(place, 1, registrations=2)
        add_lots(place, 1)
    return chain, other_chain


def territories_of(rows) -> set[str]:
    return {row.territory.slug for row in rows}


@pytest.mark.django_db
def test_a_territory_scope_sees_its_own_rows_only(two_seasons, romans):
    with territory_scope(romans.territory):
        assert territories_of(Workshop.objects.all()) == {"romans"}
        assert territories_of(RawLot.objects.all()) == {"romans"}
        assert {r.workshop.territory.slug for r in Registration.objects.all()} == {"romans"}
        assert Registration.objects.count() == 2
        assert {m.raw_lot.territory.slug for m in RawLotMovement.objects.all()} == {"romans"}
        assert territories_of(Participant.objects.all()) == {"romans"}
        assert Workshop.objects.filter(territory__slug="vercors").count() == 0  # even when asked for
    with every_territory():
        assert territories_of(Workshop.objects.all()) == {"romans", "vercors"}
        assert Registration.objects.count() == 4
    with territory_scope([romans.territory.pk]):  # a list of territories: the volunteer's space, a replication
        assert territories_of(Workshop.objects.all()) == {"romans"}


@pytest.mark.django_db
def test_related_managers_and_custom_querysets_are_scoped_too(two_seasons, romans, other):
    with territory_scope(romans.territory):
        assert other.territory.workshops.count() == 0
        assert romans.territory.workshops.count() == 1
        assert Registration.objects.live().count() == 2
        assert territories_of(RawLot.objects.in_stock()) == {"romans"}


@pytest.mark.django_db
def test_update_and_delete_in_a_scope_touch_its_rows_only(two_seasons, romans):
    now = timezone.now()
    with territory_scope(romans.territory):
        assert Registration.objects.update(reminded_at=now) == 2
    with every_territory():
        assert Registration.objects.filter(reminded_at=now).count() == 2
        assert Registration.objects.filter(reminded_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_a_parent_is_not_locked_with_its_children(two_seasons, romans):
    """A model owned through a parent is filtered by EXISTS, not a join: SELECT … FOR UPDATE locks it alone (§5)."""
    with territory_scope(romans.territory):
        sql = str(Registration.objects.select_for_update().filter(status="confirmed").query)
    assert "EXISTS" in sql
    assert "JOIN" not in sql


@pytest.mark.django_db
def test_custom_queryset_methods_outside_a_scope_raise_scope_error(two_seasons):
    with no_territory():
        for call in (
            lambda: Workshop.objects.upcoming(),
            lambda: Workshop.objects.with_counts(),
            lambda: Registration.objects.live(),
            lambda: RawLot.objects.in_stock(),
            lambda: ProductionLot.objects.released(),
            lambda: Workshop.objects.all(),
            lambda: Workshop.objects.exists(),  # django-scopes' own DisabledQuerySet lets exists() through
            lambda: Workshop.objects.exclude(title=""),
            lambda: Workshop.objects.select_related("site"),
            lambda: Workshop.objects.get(pk=1),
        ):
            with pytest.raises(ScopeError):
                call()
        assert list(Workshop.objects.none()) == []  # forms declare `queryset=Model.objects.none()` at import


@pytest.mark.django_db
def test_without_any_scope_at_all_a_query_raises(two_seasons):
    """A new thread, a script or a shell starts with no scope: the queries raise as in a request."""
    from django_scopes.state import state

    token = state.set(None)
    try:
        with pytest.raises(ScopeError):
            Participant.objects.count()
    finally:
        state.reset(token)


@pytest.mark.django_db
def test_what_stays_readable_outside_a_scope(two_seasons, romans):
    with no_territory():
        lot = ProductionLot._base_manager.select_related(None).first()
        assert lot.territory.slug  # foreign keys: the base manager
        assert lot.recipe.territory_id == lot.territory_id
        assert lot.history.count() >= 1  # django-simple-history's own manager
        assert Territory.objects.count() == 2
        assert Membership.objects.count() == 2
        participant = Participant(territory=romans.territory, first_name="Nouvelle", consent_at=timezone.now())
        participant.save()  # an insert names its territory itself
        participant.first_name = "Nouvelle bis"
        participant.save()  # an update goes through the base manager
        Participant.objects.create(territory=romans.territory, first_name="Créée", consent_at=timezone.now())
        participant.refresh_from_db()


def test_territory_scope_refuses_none():
    with pytest.raises(ValueError, match="every_territory"):
        territory_scope(None)


# --- Requests: the middleware and the staff decorator --------------------------------------------------------------


def forgetful_view(request):
    """A view that forgot to enter a scope."""
    return JsonResponse({"workshops": Workshop.objects.count()})


@territory_view()
def staff_list_without_filter(request, territory):
    """A staff page whose query forgot its territory filter: the scope of `territory_view` is the filter."""
    return JsonResponse(
        {
            "workshops": sorted(Workshop.objects.values_list("territory__slug", flat=True)),
            "registrations": sorted(r.workshop.territory.slug for r in Registration.objects.live()),
            "movements": sorted(m.raw_lot.territory.slug for m in RawLotMovement.objects.select_related("raw_lot")),
        }
    )


urlpatterns = [
    path("oubli/", forgetful_view),
    path("t/<slug:slug>/sans-filtre/", staff_list_without_filter),
]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_staff_page_sees_its_territory_only_even_without_a_filter(client, two_seasons, coordinator):
    client.force_login(coordinator)
    data = client.get("/t/romans/sans-filtre/").json()
    assert data["workshops"] == ["romans"]
    assert data["registrations"] == ["romans", "romans"]
    assert set(data["movements"]) == {"romans"}
    assert client.get("/t/vercors/sans-filtre/").status_code == 404


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_view_that_forgets_its_scope_fails_instead_of_leaking(client, two_seasons, romans):
    with pytest.raises(ScopeError):
        client.get("/oubli/")
    # Whatever scope the caller is in: each request starts with scoping on and no territory.
    with territory_scope(romans.territory), pytest.raises(ScopeError):
        client.get("/oubli/")
    client.raise_request_exception = False
    assert client.get("/oubli/").status_code == 500


@pytest.mark.django_db
def test_the_middleware_runs_the_view_with_scoping_on_and_no_territory(two_seasons):
    middleware = ScopeMiddleware(forgetful_view)
    with scopes_disabled(), pytest.raises(ScopeError):
        middleware(RequestFactory().get("/oubli/"))

    def view_in_every_territory(request):
        with every_territory():
            return forgetful_view(request)

    assert ScopeMiddleware(view_in_every_territory)(RequestFactory().get("/")).content == b'{"workshops": 2}'


@pytest.mark.django_db
def test_the_admin_reads_every_territory(client, two_seasons):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pass-for-tests-only")
    client.force_login(root)
    response = client.get("/admin/workshops/workshop/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


@pytest.mark.django_db
def test_public_pages_look_an_object_up_in_every_territory_then_work_in_its_own(client, other_chain):
    """The workshop page of Vercors opens (every territory), and its sign-up works in Vercors' scope."""
    workshop = future_workshop(other_chain, title="Atelier de Vercors")
    assert client.get(f"/ateliers/{workshop.pk}/").status_code == 200
    assert b"Atelier de Vercors" in client.get("/ateliers/").content
    response = client.post(
        f"/ateliers/{workshop.pk}/", {"first_name": "Zoé", "party_size": "1", "consent": "on", "household_size": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(workshop=workshop)
    assert registration.participant.territory == other_chain.territory
    assert client.get(f"/ateliers/annuler/{registration.token}/").status_code == 200


@pytest.mark.django_db
def test_a_product_is_shared_by_every_territory(tomato, romans):
    with territory_scope(romans.territory):
        assert Product.objects.filter(pk=tomato.pk).exists()


# --- Commands: each opens its own scope ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_command_opens_its_scope(two_seasons, romans, tmp_path):
    """The test bodies run with scoping off: here the commands run as from a shell, scoping on and no territory."""
    from django.core.management import call_command

    from ..producers.test_imports import GOOD, HEADER

    lot = ProductionLot.objects.filter(territory=romans.territory).first()
    participant = Participant.objects.filter(territory=romans.territory).first()
    farms = tmp_path / "fermes.csv"
    farms.write_text("\n".join([HEADER, *GOOD]), encoding="utf-8")
    # A label needs the operator's address and a nutrition declaration or its exemption (docs/labels-en.md).
    romans.territory.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    romans.territory.save()
    LabellingProfile.objects.create(territory=romans.territory, nutrition_exemption="annex_v_19")
    commands = [
        ("report", "--territory", "romans", "--json"),
        ("report", "--territory", "romans", "--distribution", "--json"),
        ("impact", "--territory", "romans", "--period", "2026", "--json"),
        ("simulate", "--territory", "romans", "--json"),
        ("expire-offers", "--json"),
        ("expire-offers", "--territory", "romans", "--json"),
        ("reminders", "--dry-run", "--json"),
        ("retention", "--dry-run"),
        ("person-export", str(participant.pk), "--json"),
        ("labels", lot.code, "--out", str(tmp_path / "etiquettes.pdf"), "--json"),
        ("label-data", lot.code, "--json"),
        ("import-producers", str(farms), "--territory", "romans", "--json"),
        ("recall", lot.code, "--reason", "Essai de rappel", "--json"),
        ("person-erase", str(participant.pk), "--as", "coord", "--reason", "Essai"),
    ]
    for command in commands:
        with no_territory():
            call_command(*command, stdout=io.StringIO())
