"""API tokens: stored hashed, made by `conserverie api-token`, sent as a Bearer, acting with the person's role in
one territory, revocable from the account page, rate-limited and audited (docs/api-en.md)."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from conserverie.api.models import ApiCall, ApiToken
from conserverie.core.scoping import no_territory
from conserverie.territories.models import Membership, Role
from tests.api.conftest import bearer, new_token
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    with no_territory():  # as from a shell: the command opens its own scope
        call_command("api-token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_the_command_prints_a_token_once_and_the_database_keeps_only_its_digest(coordinator, romans, client):
    token = run("--user", "coord", "--scope", "write", "--expires", "30", "--name", "Boutique")
    assert token.startswith("cnsv_")
    assert len(token) == 5 + 64
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.digest, row.prefix, row.name}
    assert token.startswith(row.prefix)
    assert row.scope == "write"
    assert row.territory == romans.territory
    assert row.user == coordinator
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    assert client.get("/api/v1/territories", **bearer(token)).json()["items"][0]["slug"] == "romans"


def test_a_read_token_by_default_without_end(coordinator):
    run("--user", "coord")
    row = ApiToken.objects.get()
    assert row.scope == "read"
    assert row.expires_at is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--user", "personne"), "Personne inconnue"),
        (("--user", "coord", "--scope", "admin"), "--scope"),
        (("--user", "coord", "--expires", "0"), "--expires"),
        (("--user", "coord", "--expires", "deux"), "--expires"),
        (("--user", "coord", "--expires", "99999"), "--expires"),
        (("--user", "coord", "--territory", "nulle-part"), "Territoire inconnu"),
        (("--user", "coord", "--territory", "vercors"), "pas de rôle sur ce territoire"),
        (("--user", "sans-role"), "aucun territoire"),
    ],
)
def test_the_command_refuses_bad_input_with_one_line_and_writes_nothing(coordinator, other, args, message):
    make_user("sans-role")
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.exists()


def test_a_person_of_two_territories_names_one(coordinator, romans, other):
    Membership.objects.create(user=coordinator, territory=other.territory, role=Role.VIEWER)
    with pytest.raises(CommandError, match="--territory"):
        run("--user", "coord")
    run("--user", "coord", "--territory", "vercors")
    assert ApiToken.objects.get().territory == other.territory


def problem_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["detail"]
    return body


def test_no_token_an_unknown_one_a_revoked_or_expired_one_get_401(client, coordinator, romans, time_machine):
    assert problem_of(client.get("/api/v1/producers"), 401)
    assert client.get("/api/v1/producers")["WWW-Authenticate"] == "Bearer"
    problem_of(client.get("/api/v1/producers", **bearer("cnsv_" + "0" * 64)), 401)
    problem_of(client.get("/api/v1/producers", HTTP_AUTHORIZATION="Basic Y29vcmQ6cGFzcw=="), 401)
    token = new_token(coordinator, romans.territory, days=1)
    assert client.get("/api/v1/producers", **bearer(token)).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))
    problem_of(client.get("/api/v1/producers", **bearer(token)), 401)


def test_a_token_follows_its_person_a_lost_role_or_a_disabled_account_closes_it(client, coordinator, romans):
    token = new_token(coordinator, romans.territory)
    assert client.get("/api/v1/producers", **bearer(token)).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    problem_of(client.get("/api/v1/producers", **bearer(token)), 401)
    coordinator.is_active = True
    coordinator.save()
    Membership.objects.filter(user=coordinator).delete()
    problem_of(client.get("/api/v1/producers", **bearer(token)), 401)


def test_a_read_only_token_never_writes(client, coordinator, romans):
    token = new_token(coordinator, romans.territory, scope="read")
    payload = {"name": "Ferme Neuve", "commune": "Peyrins", "lat": "45.1", "lon": "5.0"}
    response = client.post("/api/v1/producers", payload, content_type="application/json", **bearer(token))
    assert "lecture seule" in problem_of(response, 403)["detail"]
    assert not romans.territory.producers.exists()


def test_a_token_acts_with_its_persons_role_only(client, viewer, animator, romans, chain):
    viewer_token = new_token(viewer, romans.territory, scope="write")
    problem_of(client.get("/api/v1/producers", **bearer(viewer_token)), 403)  # viewers read figures, not farms
    problem_of(client.get("/api/v1/distributions", **bearer(viewer_token)), 403)
    assert client.get("/api/v1/impact", **bearer(viewer_token)).status_code == 200
    animator_token = new_token(animator, romans.territory, scope="write")
    payload = {"name": "Ferme Neuve", "commune": "Peyrins", "lat": "45.1", "lon": "5.0"}
    response = client.post("/api/v1/producers", payload, content_type="application/json", **bearer(animator_token))
    problem_of(response, 403)  # only coordinators add a farm (producer.manage)
    assert romans.territory.producers.count() == 1


def test_every_call_is_audited_refusals_included(client, coordinator, romans):
    token = new_token(coordinator, romans.territory, scope="read")
    client.get("/api/v1/producers", **bearer(token))
    client.post("/api/v1/producers", {}, content_type="application/json", **bearer(token))
    calls = list(ApiCall.objects.order_by("id").values_list("method", "path", "status", "token__user__username"))
    assert calls == [("GET", "/api/v1/producers", 200, "coord"), ("POST", "/api/v1/producers", 403, "coord")]


def test_calls_are_rate_limited_per_token_with_retry_after(client, coordinator, romans, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {**settings.RATELIMITS, "api": "3/60"}
    token = new_token(coordinator, romans.territory)
    statuses = [client.get("/api/v1/producers", **bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get("/api/v1/producers", **bearer(token))
    problem_of(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = new_token(coordinator, romans.territory)  # another token has its own counter
    assert client.get("/api/v1/producers", **bearer(other)).status_code == 200
    assert ApiCall.objects.filter(status=429).count() == 1


def test_the_account_page_lists_the_persons_tokens_and_revokes_one(client, coordinator, animator, romans):
    mine = new_token(coordinator, romans.territory)
    theirs = new_token(animator, romans.territory)
    mine_row = ApiToken.objects.get(user=coordinator)
    theirs_row = ApiToken.objects.get(user=animator)
    client.force_login(coordinator)
    page = client.get("/compte/jetons-api/").content.decode()
    assert mine_row.prefix in page
    assert theirs_row.prefix not in page
    assert client.post(f"/compte/jetons-api/{theirs_row.pk}/revoquer/").status_code == 404
    assert client.post(f"/compte/jetons-api/{mine_row.pk}/revoquer/").status_code == 302
    mine_row.refresh_from_db()
    assert mine_row.revoked_at is not None
    assert "Révoqué le" in client.get("/compte/jetons-api/").content.decode()
    client.logout()
    problem_of(client.get("/api/v1/producers", **bearer(mine)), 401)
    assert client.get("/api/v1/producers", **bearer(theirs)).status_code == 200
    assert mine_row.history.filter(revoked_at__isnull=False).get().history_user == coordinator


def test_the_tokens_page_reads_a_fixed_number_of_queries(client, coordinator, romans, django_assert_num_queries):
    client.force_login(coordinator)
    new_token(coordinator, romans.territory)
    client.get("/compte/jetons-api/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/compte/jetons-api/")
    for _ in range(5):
        new_token(coordinator, romans.territory)
    with django_assert_num_queries(len(one)):
        page = client.get("/compte/jetons-api/")
    assert page.content.decode().count("Révoquer</button>") == 6
