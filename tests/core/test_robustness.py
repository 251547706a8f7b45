"""Hostile input to every staff form and to the public sign-up (issue 9, item 7).

Each form is first posted valid-looking data with one field replaced by something hostile: a very long string, a
huge number, a negative quantity, a date in the wrong order or not a date, an unknown code, HTML and script,
letters where a number is expected. The page must never answer 500, must say what is wrong in French, must not
echo the script unescaped, and must write nothing. Hypothesis then throws arbitrary text at two forms' fields.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from ..conftest import DAY
from ..pages import add_lots, row_counts, text
from ..workshops.public_data import future_workshop

SCRIPT = "<script>alert('x')</script>"
HUGE = "1e30"
BIG_INT = "9" * 30
LONG = "x" * 5000
NUMBER_JUNK = [HUGE, BIG_INT, "-5", "abc", "NaN", "Infinity", "1,2,3", SCRIPT, ""]
DATE_JUNK = ["2026-13-45", "hier", "99999-01-01", "0000-00-00", SCRIPT, ""]
CHOICE_JUNK = ["999999", "ZZZ", "-1", "1 OR 1=1", SCRIPT]
# What Django says when its French catalogue is missing: none of it may reach a page.
ENGLISH = ("This field is required", "Enter a ", "Ensure this value", "Select a valid choice", "Enter a whole number")


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def released(chain):
    (lot,) = add_lots(chain, 1, jars=12, release=True)
    return lot


def offer(w):
    return (
        "/t/romans/offres/nouvelle/",
        {
            "producer": w.farm.pk,
            "product": w.tomato.pk,
            "kg_estimated": "45",
            "grade": "downgraded",
            "mode": "collect",
            "available_from": DAY.isoformat(),
            "available_until": (DAY + timedelta(days=4)).isoformat(),
            "note": "Tomates tachées",
        },
        {
            "kg_estimated": NUMBER_JUNK,
            "available_from": DATE_JUNK,
            "available_until": [*DATE_JUNK, (DAY - timedelta(days=3)).isoformat()],  # before available_from
            "producer": CHOICE_JUNK,
            "product": CHOICE_JUNK,
            "grade": CHOICE_JUNK,
            "mode": CHOICE_JUNK,
        },
    )


def collection(w):
    return (
        "/t/romans/collectes/nouvelle/",
        {
            "producer": w.farm.pk,
            "product": w.tomato.pk,
            "kg": "23.5",
            "collected_on": DAY.isoformat(),
            "grade": "surplus",
            "offer": "",
        },
        {
            "kg": NUMBER_JUNK + ["0"],
            "collected_on": DATE_JUNK,
            "producer": CHOICE_JUNK,
            "product": CHOICE_JUNK,
            "grade": CHOICE_JUNK,
            "offer": CHOICE_JUNK,
        },
    )


def lot(w):
    return (
        "/t/romans/lots/nouveau/",
        {
            "recipe": w.recipe.pk,
            "produced_on": DAY.isoformat(),
            "location": w.truck.pk,
            "batches": "1",
            "raw-TOTAL_FORMS": "3",
            "raw-INITIAL_FORMS": "0",
            "raw-0-raw_lot": w.raw.pk,
            "raw-0-kg": "12",
            "pantry-TOTAL_FORMS": "2",
            "pantry-INITIAL_FORMS": "0",
            f"jars_{w.jar.pk}": "15",
        },
        {
            "raw-0-kg": NUMBER_JUNK,
            f"jars_{w.jar.pk}": [HUGE, BIG_INT, "-5", "abc", SCRIPT, "0"],
            f"temp_{w.jar.pk}": [HUGE, "abc", SCRIPT],  # and no duration: refused as half a reading
            "batches": [HUGE, BIG_INT, "-1", "0", "abc"],
            "ph_measured": [HUGE, "-1", "15", "abc"],
            "produced_on": DATE_JUNK,
            "recipe": CHOICE_JUNK,
            "location": CHOICE_JUNK,
            "raw-0-raw_lot": CHOICE_JUNK,
        },
    )


def move(w):
    return (
        "/t/romans/stock/transfert/",
        {
            "lot": w.lot.pk,
            "jar_format": w.jar.pk,
            "source": w.truck.pk,
            "destination": w.shop.pk,
            "quantity": "5",
            "day": DAY.isoformat(),
            "reason": "",
        },
        {
            "quantity": NUMBER_JUNK + ["0"],
            "day": DATE_JUNK,
            "reason": [LONG],
            "lot": CHOICE_JUNK,
            "source": CHOICE_JUNK,
            "destination": [*CHOICE_JUNK, str(w.truck.pk)],  # to where it already is
        },
    )


def discard(w):
    return (
        "/t/romans/stock/sortie/",
        {
            "lot": w.lot.pk,
            "jar_format": w.jar.pk,
            "location": w.truck.pk,
            "quantity": "2",
            "day": DAY.isoformat(),
            "reason": "Tombés",
        },
        {"quantity": NUMBER_JUNK + ["0"], "day": DATE_JUNK, "reason": [LONG, ""], "location": CHOICE_JUNK},
    )


def deposit(w):
    return (
        "/t/romans/stock/consignes/",
        {"location": w.shop.pk, "jar_format": w.jar.pk, "quantity": "4", "refunded_eur": "", "day": DAY.isoformat()},
        {
            "quantity": NUMBER_JUNK + ["0"],
            "refunded_eur": [HUGE, BIG_INT, "-5", "abc", SCRIPT],
            "day": DATE_JUNK,
            "participant": CHOICE_JUNK,
            "location": CHOICE_JUNK,
            "jar_format": CHOICE_JUNK,
        },
    )


def sale(w):
    return (
        "/t/romans/cessions/nouvelle/",
        {
            "kind": "group_sale",
            "location": w.truck.pk,
            "day": DAY.isoformat(),
            "payment_mode": "cash",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-lot": w.lot.pk,
            "lines-0-jar_format": w.jar.pk,
            "lines-0-quantity": "3",
            "lines-0-unit_price_eur": "3.50",
        },
        {
            "lines-0-quantity": NUMBER_JUNK + ["0"],
            "lines-0-unit_price_eur": [HUGE, BIG_INT, "-5", "abc", SCRIPT],
            "kind": CHOICE_JUNK,
            "payment_mode": CHOICE_JUNK,
            "day": DATE_JUNK,
            "lines-0-lot": CHOICE_JUNK,
            "note": [LONG],
        },
    )


FORMS = [offer, collection, lot, move, discard, deposit, sale]


def world(chain, released):
    chain.lot = released
    return chain


def refusal_problems(response, where) -> list[str]:
    """What is wrong with the answer to a hostile POST (empty when it is a French refusal)."""
    if response.status_code not in (200, 422):
        return [f"{where}: answered {response.status_code}"]
    page = text(response)
    problems = []
    if not ("invalid-feedback" in page or "alert-danger" in page or "errorlist" in page):
        problems.append(f"{where}: no error message")
    problems += [f"{where}: English {english!r}" for english in ENGLISH if english in page]
    if SCRIPT in response.content.decode():
        problems.append(f"{where}: script echoed unescaped")
    return problems


def assert_refused_in_french(response, where):
    problems = refusal_problems(response, where)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.__name__)
def test_hostile_values_are_refused_in_french_and_write_nothing(staff_client, chain, released, form):
    url, valid, hostile = form(world(chain, released))
    staff_client.raise_request_exception = False
    before = row_counts()
    problems = []
    for field, values in hostile.items():
        for value in values:
            where = f"{url} {field}={value[:40]!r}"
            problems += refusal_problems(staff_client.post(url, {**valid, field: value}), where)
            if row_counts() != before:
                problems.append(f"{where}: something was written")
                before = row_counts()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.__name__)
def test_script_in_a_free_text_field_is_stored_as_text_and_shown_escaped(staff_client, chain, released, form):
    """HTML is not refused (a note may contain '<'), but it never comes back as markup."""
    url, valid, _hostile = form(world(chain, released))
    for field in ("note", "reason"):
        if field in valid or form in (sale,):
            data = {**valid, field: SCRIPT}
            response = staff_client.post(url, data, follow=True)
            assert response.status_code in (200, 422), url
            assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize(("form", "prefix"), [(lot, "raw"), (sale, "lines")], ids=["lot-raw", "sale-lines"])
def test_forged_formset_counts_never_fail_nor_write(staff_client, chain, released, form, prefix):
    """A forged management form (hidden fields no person types) is refused without a 500 and writes nothing."""
    url, valid, _hostile = form(world(chain, released))
    staff_client.raise_request_exception = False
    before = row_counts()
    for total in ("abc", "-1", BIG_INT, "", SCRIPT):
        response = staff_client.post(url, {**valid, f"{prefix}-TOTAL_FORMS": total})
        assert response.status_code in (200, 422), (total, response.status_code)
        assert SCRIPT not in response.content.decode()
    assert row_counts() == before


def test_a_huge_jar_count_on_the_lot_form_is_refused_at_the_field(staff_client, chain, released):
    url, valid, _hostile = lot(world(chain, released))
    staff_client.raise_request_exception = False
    before = row_counts()
    response = staff_client.post(url, {**valid, f"jars_{chain.jar.pk}": BIG_INT})
    assert response.status_code == 422
    assert row_counts() == before


def test_an_empty_post_never_fails_nor_writes(staff_client, chain, released):
    """An empty POST is refused, or shown as the blank form (some views treat it as unbound): never a 500."""
    staff_client.raise_request_exception = False
    before = row_counts()
    for form in FORMS:
        url, _valid, _hostile = form(world(chain, released))
        response = staff_client.post(url, {})
        assert response.status_code in (200, 422), url
        assert not any(english in text(response) for english in ENGLISH), url
    assert row_counts() == before


# The public sign-up ---------------------------------------------------------------------------------------------


@pytest.fixture
def public(chain, settings):
    settings.RATELIMIT_ENABLED = False
    cache.clear()
    workshop = future_workshop(chain, capacity=20)
    return f"/ateliers/{workshop.pk}/"


def signup():
    return {
        "first_name": "Nadia",
        "phone": "06 00 00 00 42",
        "email": "nadia@example.org",
        "neighbourhood": "La Monnaie",
        "household_size": "4",
        "party_size": "2",
        "consent": "on",
        "website": "",
    }


PUBLIC_HOSTILE = {
    "first_name": [LONG, "", "   "],
    "phone": [LONG],
    "email": ["pas-une-adresse", SCRIPT, LONG + "@example.org"],
    "neighbourhood": [LONG],
    "household_size": NUMBER_JUNK + ["0"],
    "party_size": NUMBER_JUNK + ["0", "500"],
    "consent": [""],
}


def test_public_signup_refuses_hostile_values_in_french(client, public):
    before = row_counts()
    for field, values in PUBLIC_HOSTILE.items():
        for value in values:
            response = client.post(public, {**signup(), field: value})
            assert_refused_in_french(response, f"sign-up {field}={value[:40]!r}")
            assert row_counts() == before, f"sign-up {field}={value[:40]!r} wrote something"


def test_public_signup_with_a_script_as_first_name_never_echoes_it(client, public):
    response = client.post(public, {**signup(), "first_name": SCRIPT}, follow=True)
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


# Hypothesis: arbitrary text in the number and date fields -------------------------------------------------------

junk = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"-?[0-9]{1,40}([.,][0-9]{0,12})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kg=junk, day=junk)
def test_collection_form_never_fails_on_arbitrary_input(staff_client, chain, kg, day):
    url, valid, _ = collection(chain)
    before = row_counts()
    response = staff_client.post(url, {**valid, "kg": kg, "collected_on": day})
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert row_counts() == before
        assert not any(english in text(response) for english in ENGLISH)
    else:
        amount = Decimal(kg.strip().replace(",", "."))
        assert Decimal("0") < amount < Decimal("1000000")


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(household=junk, party=junk)
def test_public_signup_never_fails_on_arbitrary_numbers(client, public, household, party):
    before = row_counts()
    response = client.post(public, {**signup(), "household_size": household, "party_size": party})
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert row_counts() == before
