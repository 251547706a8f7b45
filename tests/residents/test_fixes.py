"""The residents' fixes of issue 19 (item 7): French dates, the home page's places, the workshop's own calendar
file, the short cancel code, the favicon."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation
from icalendar import Calendar

from conserverie.core.formats import human_date
from conserverie.core.scoping import territory_scope
from conserverie.people.cancel_code import ALPHABET, LENGTH, cancel_code, clean_code, find_registration, phone_digits
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_create

from ..pages import assert_flat_queries, text
from ..workshops.public_data import add_future_workshops, future_workshop, person
from ..workshops.test_public import signup


@pytest.mark.parametrize(
    ("day", "fmt", "expected"),
    [
        (date(2026, 12, 7), "j M", "7 déc."),
        (date(2026, 7, 14), "j M Y", "14 juil. 2026"),
        (date(2027, 1, 1), "j F Y", "1er janvier 2027"),
        (date(2027, 1, 1), "l j F", "vendredi 1er janvier"),
        (date(2026, 9, 2), "j N", "2 sept."),
        (date(2026, 5, 1), "d/m/Y", "01/05/2026"),
        (date(2026, 5, 11), "j F", "11 mai"),
    ],
)
def test_french_dates_abbreviate_with_a_point_and_say_1er(day, fmt, expected):
    with translation.override("fr"):
        assert human_date(day, fmt) == expected


def test_english_dates_keep_their_own_form():
    with translation.override("en"):
        assert human_date(date(2027, 1, 1), "j F Y") == "1 January 2027"
        assert human_date(date(2026, 12, 7), "j M") == "7 Dec."


def test_a_template_prints_the_local_day_of_an_aware_time():
    from django.template import Context, Template

    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # in Paris, half past midnight on 1 January
    with translation.override("fr"):
        out = Template('{{ m|human_date:"l j F Y, H\\hi" }}').render(Context({"m": moment}))
    assert out == "vendredi 1er janvier 2027, 00h30"


def test_home_says_places_left_and_complet(client, chain):
    open_one = future_workshop(chain, days=2, capacity=5, title="Confitures")
    full = future_workshop(chain, days=3, capacity=1, title="Coulis")
    registration_create(workshop=full, participant=person(chain), party_size=1)
    registration_create(workshop=open_one, participant=person(chain, "Lina"), party_size=2)
    page = text(client.get("/"))
    assert "3 places libres" in page
    assert "Complet — liste d'attente" in page
    assert page.index("Confitures") < page.index("3 places libres") < page.index("Coulis") < page.index("Complet")


def test_home_query_count_does_not_grow_with_workshops(client, chain, django_assert_num_queries):
    assert_flat_queries(client, "/", lambda n: add_future_workshops(chain, n), django_assert_num_queries, n=2)


def test_the_confirmation_offers_this_workshops_calendar_file(client, chain):
    workshop = future_workshop(chain, title="Confitures de prunes")
    client.post(f"/ateliers/{workshop.pk}/", signup())
    registration = Registration.objects.get()
    page = text(client.get(f"/ateliers/inscription/{registration.token}/"))
    assert f'href="/ateliers/{workshop.pk}.ics"' in page
    assert "Ajouter à mon agenda" in page
    response = client.get(f"/ateliers/{workshop.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Confitures de prunes"]
    assert events[0].decoded("dtstart") == workshop.starts_at
    assert client.get("/ateliers/999999.ics").status_code == 404


def test_the_code_is_six_signs_of_an_unambiguous_alphabet_and_stable():
    code = cancel_code("a" * 32)
    assert len(code) == LENGTH == 6
    assert set(code) <= set(ALPHABET)
    assert not set("0O1IL2Z5S8B6G") & set(ALPHABET)
    assert cancel_code("a" * 32) == code
    codes = {cancel_code(f"token-{i}") for i in range(2000)}
    assert len(codes) > 1990  # practically no two registrations share one


def test_typed_codes_and_phones_are_read_the_way_people_write_them():
    assert clean_code(" k7m-3qx ") == "K7M3QX"
    for typed in ("06 00 00 00 42", "+33 6 00 00 00 42", "0033600000042", "06.00.00.00.42", "600000042"):
        assert phone_digits(typed) == "0600000042"


def signed_up_by_phone(client, chain, phone="06 11 22 33 44"):
    workshop = future_workshop(chain, title="Confitures de prunes")
    client.post(f"/ateliers/{workshop.pk}/", signup(email="", phone=phone))
    return Registration.objects.get()


def test_the_confirmation_shows_the_code_and_the_code_with_the_phone_opens_the_cancel_page(client, chain):
    registration = signed_up_by_phone(client, chain)
    code = cancel_code(registration.token)
    page = text(client.get(f"/ateliers/inscription/{registration.token}/"))
    assert code in page
    assert 'href="/ateliers/annuler/"' in page

    response = client.post("/ateliers/annuler/", {"phone": "+33 6 11 22 33 44", "code": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/ateliers/annuler/{registration.token}/"
    # The cancel page still asks to confirm; then the registration is cancelled.
    client.post(response["Location"])
    registration.refresh_from_db()
    assert registration.is_cancelled
    # A cancelled registration is no longer found by its code.
    again = client.post("/ateliers/annuler/", {"phone": "0611223344", "code": code})
    assert again.status_code == 422


@pytest.mark.parametrize(
    "data",
    [
        {"phone": "06 99 99 99 44", "code": "RIGHT"},  # another phone, same two last digits
        {"phone": "06 11 22 33 44", "code": "AAAAAA"},
        {"phone": "06 11 22 33 44", "code": "ABC"},
        {"phone": "", "code": ""},
    ],
)
def test_a_wrong_phone_or_code_is_refused_with_a_reason_and_cancels_nothing(client, chain, data):
    registration = signed_up_by_phone(client, chain)
    if data["code"] == "RIGHT":
        data = {**data, "code": cancel_code(registration.token)}
    response = client.post("/ateliers/annuler/", data)
    assert response.status_code == 422
    assert 'id="error-summary"' in text(response)
    registration.refresh_from_db()
    assert not registration.is_cancelled


def test_the_code_of_another_territory_is_found_only_with_its_phone(client, chain, other_chain):
    mine = signed_up_by_phone(client, chain)
    with territory_scope(other_chain.territory):
        theirs_workshop = future_workshop(other_chain, title="Ailleurs")
    client.post(f"/ateliers/{theirs_workshop.pk}/", signup(email="", phone="07 00 00 00 44"))
    assert find_registration(Registration, phone="0611223344", code=cancel_code(mine.token)) == mine


def test_gleaning_has_its_cancel_code_page_too(client, db):
    assert client.get("/randos/annuler/").status_code == 200


def test_every_page_has_a_favicon_that_is_served(client, db):
    page = text(client.get("/"))
    assert 'rel="icon"' in page
    assert client.get("/favicon.ico").status_code in (200, 301, 302)
