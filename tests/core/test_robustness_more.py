"""Hostile input to the forms test_robustness.py does not cover (issue 9, item 7).

Workshops (new, series, cancel, walk-in, check-in), recipes (new, new version, scaling), lots (seal check,
corrective action, release/block/recall reasons), stock inventory, price list, deposit return, volunteer hours,
the GET filters of the registry, audit, report and lists (junk dates, huge page numbers), and the password reset,
login and TOTP forms. Never a 500, a French message, the script never echoed, nothing written. Hypothesis throws
arbitrary text at the volunteer hours and price forms.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from ..conftest import DAY
from ..helpers import released_lot
from ..pages import add_participant, text
from ..workshops.public_data import future_workshop
from .test_robustness import BIG_INT, CHOICE_JUNK, DATE_JUNK, ENGLISH, HUGE, LONG, NUMBER_JUNK, SCRIPT
from .test_robustness import refusal_problems as strict_problems

TIME_JUNK = ["25:99", "abc", "-1", SCRIPT, "", "99999"]
ALLOWED = (200, 302, 400, 403, 404, 405, 422)


def all_counts() -> dict:
    """Rows of every table but sessions and axes (which logs failed logins by design): a refusal writes none.

    One query for all tables (a subquery each): the hostile tests call it after every request, and a query per model
    (about 250) made them the slowest of the suite on PostgreSQL."""
    skip = {"sessions", "axes"}
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.app_label not in skip}
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def problems_of(response, where, strict=True) -> list[str]:
    """Nothing wrong with the answer to a hostile request: no 500, French, no script echoed."""
    if response.status_code not in ALLOWED:
        return [f"{where}: answered {response.status_code}"]
    if strict and response.status_code in (200, 422):
        found = strict_problems(response, where)
        if "text-danger" in response.content.decode():  # the login form's error list
            found = [problem for problem in found if not problem.endswith("no error message")]
        return found
    page = text(response) if response.status_code in (200, 422) else ""
    problems = [f"{where}: English {english!r}" for english in ENGLISH if english in page]
    if SCRIPT in response.content.decode():
        problems.append(f"{where}: script echoed unescaped")
    return problems


def hammer(client, url, valid, hostile, strict=True, method="post"):
    """Each hostile value in turn in an otherwise valid request; every problem found, as lines."""
    client.raise_request_exception = False
    before = all_counts()
    problems = []
    for field, values in hostile.items():
        for value in values:
            where = f"{url} {field}={str(value)[:40]!r}"
            data = {**valid, field: value}
            response = client.post(url, data) if method == "post" else client.get(url, data)
            problems += problems_of(response, where, strict)
            if all_counts() != before:
                problems.append(f"{where}: something was written")
                before = all_counts()
    return problems


@pytest.fixture
def anim_client(client, chain, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def coord_client(client, chain, coordinator):
    client.force_login(coordinator)
    return client


# --- Workshops -----------------------------------------------------------------------------------------------------


def workshop_data(chain, animator):
    day = timezone.localdate() + timedelta(days=20)
    return {
        "title": "Coulis au centre social",
        "site": chain.site.pk,
        "structure": chain.structure.pk,
        "day": day.isoformat(),
        "start_time": "14:00",
        "end_time": "17:00",
        "capacity": "10",
        "animators": [animator.pk],
        "planned_recipes": [chain.recipe.pk],
    }


def test_workshop_new(anim_client, chain, animator):
    hostile = {
        "capacity": NUMBER_JUNK + ["0"],
        "day": DATE_JUNK,
        "start_time": TIME_JUNK,
        "end_time": [*TIME_JUNK, "13:00"],  # before the start
        "site": CHOICE_JUNK,
        "structure": CHOICE_JUNK,
        "animators": CHOICE_JUNK,
        "planned_recipes": CHOICE_JUNK,
        "title": [LONG, ""],
    }
    problems = hammer(anim_client, "/t/romans/ateliers/nouveau/", workshop_data(chain, animator), hostile)
    assert not problems, "\n".join(problems)


def test_workshop_series(anim_client, chain, animator):
    start = timezone.localdate() + timedelta(days=20)
    valid = {**workshop_data(chain, animator), "weekday": "2"}
    valid.pop("day")
    valid |= {"first_date": start.isoformat(), "last_date": (start + timedelta(days=60)).isoformat()}
    hostile = {
        "weekday": [*CHOICE_JUNK, "7", "-1", HUGE],
        "first_date": DATE_JUNK,
        "last_date": [*DATE_JUNK, (start - timedelta(days=7)).isoformat(), "9999-12-31", "2999-01-01"],
        "capacity": NUMBER_JUNK + ["0"],
        "start_time": TIME_JUNK,
        "end_time": ["13:00", *TIME_JUNK],
        "site": CHOICE_JUNK,
    }
    problems = hammer(anim_client, "/t/romans/ateliers/serie/", valid, hostile)
    assert not problems, "\n".join(problems)


def test_workshop_cancel_walk_in_and_check_in(anim_client, chain):
    workshop = future_workshop(chain, capacity=3)
    url = f"/t/romans/ateliers/{workshop.pk}/"
    problems = hammer(anim_client, f"{url}annuler/", {"reason": "Orage"}, {"reason": [LONG, "", "   "]}, strict=False)
    walk_in = {"first_name": "Karim", "household_size": "3", "neighbourhood": "Les Ors"}
    hostile = {
        "household_size": NUMBER_JUNK + ["0", "100000"],
        "first_name": [LONG, "", "   "],
        "neighbourhood": [LONG],
    }
    problems += hammer(anim_client, f"{url}camion/sur-place/", walk_in, hostile)
    # Check-in of a registration that does not exist, or of a forged number: 404, nothing written.
    for pk in ("999999", BIG_INT):
        for path in (f"{url}presence/{pk}/", f"{url}camion/presence/{pk}/"):
            problems += hammer(anim_client, path, {"attended": "on"}, {"attended": ["on", SCRIPT]}, strict=False)
    assert not problems, "\n".join(problems)


def test_huge_numbers_in_urls_are_not_found(anim_client, coord_client, chain):
    anim_client.raise_request_exception = False
    for url in (
        f"/t/romans/ateliers/{BIG_INT}/",
        f"/t/romans/ateliers/{BIG_INT}/annuler/",
        f"/t/romans/ateliers/{BIG_INT}/camion/",
        f"/t/romans/recettes/{BIG_INT}/",
        f"/t/romans/participants/{BIG_INT}/",
        f"/t/romans/cessions/{BIG_INT}/",
        f"/t/romans/cessions/consignes/{BIG_INT}/",
        f"/ateliers/{BIG_INT}/",
        f"/ateliers/lieu/{BIG_INT}.ics",
        "/t/romans/lots/%3Cscript%3E/",
        "/t/romans/collectes/%3Cscript%3E/",
        "/l/%3Cscript%3E/",
    ):
        assert anim_client.get(url).status_code in (404, 405), url  # 405: a POST-only page


# --- Recipes -------------------------------------------------------------------------------------------------------


def recipe_data(chain):
    return {
        "code": "CBAS",
        "name": "Coulis de tomate au basilic",
        "shelf_life_days": "300",
        "ph_limit": "4.3",
        "may_contain": ["celery"],
        "method": "Laver\nCuire",
        "ing-TOTAL_FORMS": "3",
        "ing-INITIAL_FORMS": "0",
        "ing-0-item": f"p{chain.tomato.pk}",
        "ing-0-kg": "9",
        "fmt-TOTAL_FORMS": "2",
        "fmt-INITIAL_FORMS": "0",
        "fmt-0-jar_format": chain.jar.pk,
        "fmt-0-jars_per_batch": "18",
        "fmt-0-net_weight_g": "350",
        "fmt-0-treatment": "sterilisation",
        "fmt-0-temperature_c": "115",
        "fmt-0-minutes": "40",
    }


# Fewer values than elsewhere: the recipe page is slow to render and each field is a separate parser.
FEW_NUMBERS = [HUGE, BIG_INT, "-5", "abc", "NaN"]
FEW_CHOICES = ["999999", SCRIPT]
RECIPE_HOSTILE = {
    "ph_limit": FEW_NUMBERS,  # may be left empty
    "shelf_life_days": [*FEW_NUMBERS, "0"],
    "ing-0-kg": [*FEW_NUMBERS, "0"],
    "ing-0-item": FEW_CHOICES,
    "fmt-0-jars_per_batch": [*FEW_NUMBERS, "0"],
    "fmt-0-net_weight_g": [BIG_INT, "-5", "0"],
    "fmt-0-temperature_c": FEW_NUMBERS,
    "fmt-0-minutes": [BIG_INT, "-5", "0"],
    "fmt-0-treatment": FEW_CHOICES,
    "fmt-0-jar_format": FEW_CHOICES,
    "may_contain": FEW_CHOICES,
    "name": [LONG, ""],
}


def test_recipe_new_and_new_version(coord_client, chain):
    hostile = {**RECIPE_HOSTILE, "code": [SCRIPT, LONG, ""]}
    problems = hammer(coord_client, "/t/romans/recettes/nouvelle/", recipe_data(chain), hostile)
    url = f"/t/romans/recettes/{chain.recipe.pk}/nouvelle-version/"
    problems += hammer(coord_client, url, recipe_data(chain), RECIPE_HOSTILE)
    for prefix in ("ing", "fmt"):  # forged management forms
        hostile = {f"{prefix}-TOTAL_FORMS": ["abc", BIG_INT, SCRIPT]}
        problems += hammer(coord_client, "/t/romans/recettes/nouvelle/", recipe_data(chain), hostile, strict=False)
    assert not problems, "\n".join(problems)


def test_recipe_scaling_with_junk_kilos(anim_client, chain):
    url = f"/t/romans/recettes/{chain.recipe.pk}/"
    anim_client.raise_request_exception = False
    for value in NUMBER_JUNK + [LONG, "0"]:
        response = anim_client.get(url, {f"kg_{chain.tomato.pk}": value})
        assert response.status_code == 200, value
        page = text(response)
        assert not any(english in page for english in ENGLISH), value
        assert SCRIPT not in response.content.decode()


# --- Lots ----------------------------------------------------------------------------------------------------------


def test_lot_seal_check_corrective_action_and_reasons(coord_client, chain):
    from conserverie.production.models import LotStatus

    from ..helpers import make_lot

    lot = released_lot(chain)
    blocked = make_lot(chain, status=LotStatus.BLOCKED)  # a corrective action is for a blocked lot
    url = f"/t/romans/lots/{lot.code}/"
    hostile = {
        "jars_checked": NUMBER_JUNK,
        "jars_failed": [*NUMBER_JUNK, "11"],  # more failed than checked
        "note": [LONG],
    }
    problems = hammer(coord_client, f"{url}fermetures/", {"jars_checked": "10", "jars_failed": "1"}, hostile)
    hostile = {"action": [*CHOICE_JUNK, ""], "note": [LONG]}
    correct = f"/t/romans/lots/{blocked.code}/action-corrective/"
    problems += hammer(coord_client, correct, {"action": "retreat", "note": "x"}, hostile)
    for action in ("bloquer", "rappel"):
        hostile = {"reason": [LONG, "", "   "]}
        problems += hammer(coord_client, f"{url}{action}/", {"reason": "Couvercles bombés"}, hostile, strict=False)
    assert not problems, "\n".join(problems)
    lot.refresh_from_db()
    assert lot.status == "released"


def test_lot_release_reason(coord_client, chain):
    from conserverie.production.models import LotStatus

    from ..helpers import make_lot, seal_checked

    lot = make_lot(chain, status=LotStatus.BLOCKED)
    seal_checked(chain, lot)
    url = f"/t/romans/lots/{lot.code}/liberer/"
    problems = hammer(coord_client, url, {"reason": "Relevé refait"}, {"reason": [LONG, "", "   "]}, strict=False)
    assert not problems, "\n".join(problems)


# --- Stock, prices, deposits ---------------------------------------------------------------------------------------


def test_stock_inventory(coord_client, chain):
    lot = released_lot(chain)
    valid = {
        "lot": lot.pk,
        "jar_format": chain.jar.pk,
        "location": chain.truck.pk,
        "counted": "8",
        "day": DAY.isoformat(),
        "reason": "Comptage",
    }
    hostile = {
        "counted": NUMBER_JUNK,
        "day": DATE_JUNK,
        "lot": CHOICE_JUNK,
        "jar_format": CHOICE_JUNK,
        "location": CHOICE_JUNK,
        "reason": [LONG],
    }
    problems = hammer(coord_client, "/t/romans/stock/inventaire/", valid, hostile)
    assert not problems, "\n".join(problems)


def test_price_list(coord_client, chain):
    valid = {"recipe_code": "CTOM", "jar_format": chain.jar.pk, "price_eur": "4.50", "social_price_eur": "3"}
    hostile = {
        "price_eur": NUMBER_JUNK,
        "social_price_eur": [HUGE, BIG_INT, "-5", "abc", SCRIPT, "NaN"],
        "recipe_code": CHOICE_JUNK,
        "jar_format": CHOICE_JUNK,
    }
    problems = hammer(coord_client, "/t/romans/cessions/tarifs/", valid, hostile)
    coord_client.raise_request_exception = False
    for pk in ("999999", BIG_INT):
        response = coord_client.post(f"/t/romans/cessions/tarifs/{pk}/retirer/")
        problems += problems_of(response, f"retirer {pk}", strict=False)
    assert not problems, "\n".join(problems)


def test_deposit_return_credit_choice(anim_client, chain):
    participant = add_participant(chain)
    valid = {
        "location": chain.shop.pk,
        "jar_format": chain.jar.pk,
        "quantity": "4",
        "participant": participant.pk,
        "keep_as_credit": "1",
        "refunded_eur": "",
        "day": DAY.isoformat(),
    }
    hostile = {"keep_as_credit": CHOICE_JUNK, "participant": CHOICE_JUNK, "quantity": [BIG_INT, "-5"]}
    problems = hammer(anim_client, "/t/romans/stock/consignes/", valid, hostile)
    assert not problems, "\n".join(problems)


# --- Volunteer hours -----------------------------------------------------------------------------------------------


def hours_data(chain):
    return {"participant": add_participant(chain, "Amina").pk, "date": DAY.isoformat(), "hours": "2", "activity": "V"}


def test_volunteer_hours(anim_client, chain):
    hostile = {
        "hours": NUMBER_JUNK + ["0", "30"],
        "date": DATE_JUNK,
        "participant": CHOICE_JUNK,
        "user": CHOICE_JUNK,
        "workshop": CHOICE_JUNK,
        "activity": [LONG, ""],
    }
    problems = hammer(anim_client, "/t/romans/participants/benevoles/", hours_data(chain), hostile)
    assert not problems, "\n".join(problems)


# --- GET filters: junk dates, huge pages, hostile search ---------------------------------------------------------


PAGE_JUNK = [BIG_INT, "-5", "0", "abc", HUGE, SCRIPT, "1e3", "99999"]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/t/romans/audit/", {"since": DATE_JUNK, "until": DATE_JUNK, "page": PAGE_JUNK, "kind": CHOICE_JUNK}),
        ("/t/romans/audit/", {"person": CHOICE_JUNK}),
        ("/t/romans/lots/registre/", {"from": DATE_JUNK + [LONG], "to": DATE_JUNK + ["2000-01-01"]}),
        ("/t/romans/lots/registre.xlsx", {"from": DATE_JUNK, "to": ["0001-01-01"]}),
        ("/t/romans/cessions/bilan/", {"from": DATE_JUNK, "to": DATE_JUNK}),
        ("/t/romans/participants/", {"page": PAGE_JUNK, "q": [LONG, SCRIPT, "%", "\\"]}),
        ("/t/romans/lots/", {"page": PAGE_JUNK, "status": CHOICE_JUNK}),
        ("/t/romans/stock/mouvements/", {"page": PAGE_JUNK, "kind": CHOICE_JUNK}),
        ("/t/romans/cessions/", {"page": PAGE_JUNK, "kind": CHOICE_JUNK}),
        ("/t/romans/ateliers/calendrier/", {"mois": [*DATE_JUNK, "2026-13", "99999-01", BIG_INT]}),
        ("/t/romans/stock/transfert/", {"quantity": [BIG_INT, SCRIPT], "lot": CHOICE_JUNK}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_get_filters_never_fail(coord_client, chain, url, params):
    coord_client.raise_request_exception = False
    before = all_counts()
    problems = []
    for name, values in params.items():
        for value in values:
            response = coord_client.get(url, {name: value})
            where = f"{url}?{name}={value[:40]!r}"
            if response.status_code not in (200, 302, 404):
                problems.append(f"{where}: answered {response.status_code}")
            elif SCRIPT in response.content.decode(errors="replace"):
                problems.append(f"{where}: script echoed")
    assert not problems, "\n".join(problems)
    assert all_counts() == before


# --- Password reset, login, TOTP -----------------------------------------------------------------------------------


@pytest.fixture
def no_limits(settings):
    settings.RATELIMIT_ENABLED = False
    cache.clear()
    yield
    cache.clear()


def test_password_reset_request(client, coordinator, no_limits):
    coordinator.email = "coordination@example.org"
    coordinator.save(update_fields=["email"])
    for email in [LONG + "@example.org", SCRIPT, "", "pas-une-adresse", "a@b@c", "\x00@example.org"]:
        response = client.post("/mot-de-passe/oublie/", {"email": email})
        problems = problems_of(response, f"reset {email[:30]!r}", strict=response.status_code != 302)
        assert not problems, problems
    assert mail.outbox == []
    for path in ("/mot-de-passe/nouveau/MQ/faux-jeton/", f"/mot-de-passe/nouveau/{BIG_INT}/x-y/"):
        assert client.get(path).status_code in (200, 302, 404)


def test_login(client, coordinator, no_limits):
    client.raise_request_exception = False
    before = all_counts()
    for username, password in [
        (LONG, "x"),
        ("coord", LONG),
        (SCRIPT, SCRIPT),
        ("", ""),
        ("coord", ""),
        ("coord\x00", "pass-for-tests-only"),
    ]:
        response = client.post("/connexion/", {"username": username, "password": password})
        problems = problems_of(response, f"login {username[:20]!r}")
        assert not problems, problems
        assert "_auth_user_id" not in client.session
    assert all_counts() == before


def test_totp_codes(client, coordinator, no_limits):
    from .test_two_factor import CODE, SETUP, enable, login

    client.force_login(coordinator)
    client.get(SETUP)
    before = all_counts()
    junk = [LONG, SCRIPT, "abc", "-1", BIG_INT, "", "12 34 56", "0" * 6]
    for code in junk:
        problems = problems_of(client.post(SETUP, {"code": code}), f"setup {code[:20]!r}")
        assert not problems, problems
    assert all_counts() == before
    enable(client, coordinator)
    visitor = login()
    for code in junk:
        response = visitor.post(CODE, {"code": code, "next": SCRIPT})
        assert not problems_of(response, f"verify {code[:20]!r}", strict=False)
        assert SCRIPT not in response.content.decode()
    assert visitor.get("/t/romans/").status_code == 302  # still not through


# --- Hypothesis ---------------------------------------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?[0-9]{1,30}([.,][0-9]{0,10})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=junk, day=junk)
def test_volunteer_hours_never_fail_on_arbitrary_input(anim_client, chain, hours, day):
    data = {**hours_data(chain), "hours": hours, "date": day}
    before = all_counts()
    anim_client.raise_request_exception = False
    response = anim_client.post("/t/romans/participants/benevoles/", data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert all_counts() == before
        assert not any(english in text(response) for english in ENGLISH)


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=junk, social=junk)
def test_price_list_never_fails_on_arbitrary_input(coord_client, chain, price, social):
    data = {"recipe_code": "CTOM", "jar_format": chain.jar.pk, "price_eur": price, "social_price_eur": social}
    coord_client.raise_request_exception = False
    response = coord_client.post("/t/romans/cessions/tarifs/", data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert not any(english in text(response) for english in ENGLISH)


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(since=junk, until=junk, page=junk)
def test_audit_filters_never_fail(coord_client, chain, since, until, page):
    coord_client.raise_request_exception = False
    response = coord_client.get("/t/romans/audit/", {"since": since, "until": until, "page": page})
    assert response.status_code == 200


def test_forged_formset_counts_build_at_most_a_hundred_rows():
    """Django builds up to 2000 rows for a forged TOTAL_FORMS (seconds of work per request): capped at 100."""
    from conserverie.distribution.forms import LineFormSet
    from conserverie.production.forms import PantryInputFormSet, RawInputFormSet
    from conserverie.recipes.forms import FormatFormSet, IngredientFormSet

    for formset in (IngredientFormSet, FormatFormSet, RawInputFormSet, PantryInputFormSet, LineFormSet):
        assert formset.absolute_max == formset.max_num == 100, formset
