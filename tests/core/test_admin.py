"""The back office: every registered model lists, searches and opens; the ledgers are read-only (docs/architecture.md
§4.5)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.sourcing.models import RawLotMovement
from conserverie.sourcing.services import raw_lot_lose
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Role

from ..conftest import DAY, build_chain, make_territory, make_user, rows_shared_by_a_module, tomato_product
from ..helpers import released_lot

OUR_APPS = (
    "core",
    "territories",
    "producers",
    "sourcing",
    "recipes",
    "workshops",
    "production",
    "stock",
    "distribution",
    "impact",
    "economics",
)
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


def build_season():
    """At least one row in most tables, so that the lists render real rows; and the superuser who reads them."""
    place = make_territory("romans", "ROM", "Romans")
    chain = build_chain(place, make_user("coord", place.territory, Role.COORDINATOR), tomato_product())
    lot = released_lot(chain, jars=10)
    raw_lot_lose(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("1"), reason="Abîmé", day=DAY)
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 2, Decimal("3"))],
    )
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pass-for-tests-only")
    return SimpleNamespace(chain=chain, superuser=root)


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """Built once for the module: the ~80 tests here only read it (their writes, if any, are rolled back after each
    test); building it for each test cost ~30 s of the suite on PostgreSQL (docs/performance.md, s21)."""
    yield from rows_shared_by_a_module(django_db_blocker, build_season)


@pytest.fixture
def season(db, shared):
    return shared.chain


@pytest.fixture
def superuser(db, shared):
    return shared.superuser


# Edited inside their parent: a recipe, a farm, a round.
INLINE_ONLY = {
    "recipes.RecipeIngredient",
    "recipes.RecipeFormat",
    "producers.ProducerProduct",
    "sourcing.RoundStop",
    "impact.Answer",
}


def test_every_model_is_registered_and_history_models_show_their_history():
    unregistered = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and not model.__name__.startswith("Historical")
        and model not in admin.site._registry
        and model._meta.label not in INLINE_ONLY
    ]
    assert unregistered == []
    without_history_admin = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and hasattr(model, "history")
        and not isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert without_history_admin == []


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_a_superuser_lists_searches_and_opens_each_model(client, superuser, season, app, model):
    client.force_login(superuser)
    changelist = reverse(f"admin:{app}_{model}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "ROM"}).status_code == 200
    model_class = next(m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app, model))
    obj = model_class._default_manager.order_by("pk").first()
    if obj is not None:
        assert client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("model", [StockMovement, RawLotMovement])
def test_the_ledgers_are_read_only_in_the_admin(client, superuser, season, model):
    client.force_login(superuser)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    row = model.objects.order_by("pk").first()
    before = list(model.objects.order_by("pk").values())
    assert client.get(reverse(f"{name}_add")).status_code == 403
    assert client.post(reverse(f"{name}_add"), {}).status_code == 403
    change = client.get(reverse(f"{name}_change", args=[row.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.post(reverse(f"{name}_change", args=[row.pk]), {"reason": "edited"}).status_code == 403
    assert client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse(f"{name}_changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302, 403)
    assert list(model.objects.order_by("pk").values()) == before
    model_admin = admin.site._registry[model]
    request = client.get(reverse(f"{name}_changelist")).wsgi_request
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_history_admins_show_who_changed_a_lot(client, superuser, season):
    client.force_login(superuser)
    lot = season.raw.movements.filter(production_lot__isnull=False).first().production_lot
    response = client.get(reverse("admin:production_productionlot_history", args=[lot.pk]))
    assert response.status_code == 200
    assert season.actor.username in response.content.decode()
