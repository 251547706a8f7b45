"""The public side: calendar, workshop page, sign-up, the personal cancel link; no account needed."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from conserverie.core.scoping import territory_scope
from conserverie.people.models import Participant
from conserverie.producers.models import Product
from conserverie.territories.models import Role
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import public_signup, registration_create

from ..conftest import build_chain, make_territory, make_user
from ..pages import add_workshops, assert_flat_queries, row_counts, text
from .public_data import add_future_workshops, future_workshop, person, place_on_map

CALENDAR = "/ateliers/"


def page_of(workshop):
    return f"/ateliers/{workshop.pk}/"


def signup(**extra):
    data = {
        "first_name": "Nadia",
        "phone": "06 00 00 00 42",
        "email": "nadia@example.org",
        "neighbourhood": "La Monnaie",
        "household_size": "4",
        "party_size": "2",
        "consent": "on",
        "reminders": "on",
        "website": "",
    }
    data.update(extra)
    return data


def test_calendar_lists_upcoming_workshops_by_week_with_a_map(client, chain):
    place_on_map(chain)
    add_workshops(chain, 1)  # June 2026: past
    first = future_workshop(chain, days=2, title="Confitures de prunes")
    future_workshop(chain, days=10, title="Coulis de tomates")
    cancelled = future_workshop(chain, days=4, title="Atelier annulé")
    Workshop.objects.filter(pk=cancelled.pk).update(status=Workshop.Status.CANCELLED)

    response = client.get(CALENDAR)
    page = text(response)
    assert response.status_code == 200
    assert "Confitures de prunes" in page
    assert "Coulis de tomates" in page
    assert "Atelier coulis 0" not in page
    assert "Atelier annulé" not in page
    assert page.count("Semaine du") == 2
    assert f'href="{page_of(first)}"' in page
    assert "12 places libres" in page
    # The map's data travel in a json_script tag; every other script is a static file.
    assert 'id="workshop-map-data" type="application/json"' in page
    assert "place Jules-Nadi" in page
    assert "45.043512" in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts, scripts
    assert all("src=" in attrs or "application/json" in attrs for attrs in scripts), scripts
    assert "/static/js/workshop-map.js" in page
    assert "/static/vendor/leaflet/leaflet.js" in page


def test_calendar_without_workshops_says_so(client, db):
    page = text(client.get(CALENDAR))
    assert "Aucun atelier prévu" in page
    assert "workshop-map" not in page


def test_workshop_page_tells_where_when_who_and_places_left(client, chain):
    place_on_map(chain)
    workshop = future_workshop(chain, capacity=3)
    registration_create(workshop=workshop, participant=person(chain), party_size=2)
    page = text(client.get(page_of(workshop)))
    assert "Atelier confitures" in page
    assert "place Jules-Nadi, Romans" in page
    assert "Maison de quartier Romans" in page
    assert "14h00–17h00" in page
    assert "1 place libre" in page
    assert "Je m'inscris" in page
    assert "votre consentement" in page  # purpose and legal basis, in plain words


def test_a_full_workshop_offers_the_waiting_list(client, chain):
    workshop = future_workshop(chain, capacity=2)
    registration_create(workshop=workshop, participant=person(chain), party_size=2)
    page = text(client.get(page_of(workshop)))
    assert "Complet — liste d'attente" in page
    assert "Je m'inscris sur la liste d'attente" in page


def test_sign_up_writes_the_person_and_the_registration_and_mails_the_link(client, chain, mailoutbox):
    workshop = future_workshop(chain)
    response = client.post(page_of(workshop), signup())
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ateliers/inscription/{registration.token}/"
    assert len(registration.token) == 32
    participant = registration.participant
    assert (participant.first_name, participant.phone, participant.email) == (
        "Nadia",
        "+33600000042",  # E.164 (issue 17)
        "nadia@example.org",
    )
    assert (participant.neighbourhood, participant.household_size, participant.territory) == (
        "La Monnaie",
        4,
        chain.territory,
    )
    assert participant.consent_at is not None
    assert participant.reminders is True
    assert (registration.party_size, registration.status, registration.walk_in) == (2, "confirmed", False)

    page = text(client.get(response["Location"]))
    assert "vous êtes inscrit·e" in page
    assert f"/ateliers/annuler/{registration.token}/" in page
    (mail,) = mailoutbox
    assert mail.to == ["nadia@example.org"]
    assert "Atelier confitures" in mail.subject
    assert f"/ateliers/annuler/{registration.token}/" in mail.body


def test_sign_up_with_a_first_name_only_is_enough(client, chain, mailoutbox):
    workshop = future_workshop(chain)
    data = signup(phone="", email="", neighbourhood="", reminders="")
    assert client.post(page_of(workshop), data).status_code == 302
    participant = Participant.objects.get()
    assert (participant.phone, participant.email, participant.reminders) == ("", "", False)
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first_name": "  "}, "Indiquez un prénom."),
        ({"consent": ""}, "Cochez la case pour accepter que nous gardions ces informations."),
        ({"household_size": "0"}, "Un foyer compte au moins une personne."),
        ({"party_size": "0"}, "Au moins une personne."),
        ({"email": "pas-un-mail"}, "Cette adresse e-mail ne semble pas juste"),
        ({"website": "http://spam.example"}, "n'a pas pu être enregistrée"),
    ],
    ids=["no-first-name", "no-consent", "household-0", "party-0", "bad-email", "honeypot"],
)
def test_a_bad_sign_up_is_refused_and_writes_nothing(client, chain, mailoutbox, change, message):
    workshop = future_workshop(chain)
    before = row_counts()
    response = client.post(page_of(workshop), signup(**change))
    assert response.status_code == 422
    assert message in text(response)
    assert row_counts() == before
    assert mailoutbox == []


@pytest.mark.parametrize("when", ["cancelled", "past", "done"])
def test_a_cancelled_or_past_workshop_refuses_sign_up(client, chain, when):
    workshop = future_workshop(chain)
    if when == "past":
        workshop = add_workshops(chain, 1) or Workshop.objects.get(title="Atelier coulis 1")
    else:
        status = Workshop.Status.CANCELLED if when == "cancelled" else Workshop.Status.DONE
        Workshop.objects.filter(pk=workshop.pk).update(status=status)
    assert "Je m'inscris" not in text(client.get(page_of(workshop)))
    before = row_counts()
    response = client.post(page_of(workshop), signup())
    assert response.status_code == 422
    assert row_counts() == before
    with pytest.raises(ValidationError, match="fermées"):
        public_signup(workshop=Workshop.objects.get(pk=workshop.pk), first_name="Léa", consent=True)
    assert row_counts() == before


def test_waiting_list_then_promotion_through_the_personal_cancel_link(client, chain):
    workshop = future_workshop(chain, capacity=2)
    client.post(page_of(workshop), signup(first_name="Amina", party_size="2"))
    response = client.post(page_of(workshop), signup(first_name="Bernard", party_size="1"))
    amina, bernard = Registration.objects.order_by("id")
    assert (amina.status, bernard.status) == ("confirmed", "waiting")
    assert "liste d'attente" in text(client.get(response["Location"]))

    cancel = f"/ateliers/annuler/{amina.token}/"
    page = text(client.get(cancel))
    assert "J'annule mon inscription" in page
    amina.refresh_from_db()
    assert amina.status == "confirmed", "a GET (a link preview, a crawler) must not cancel"

    response = client.post(cancel)
    assert response.status_code == 302
    amina.refresh_from_db()
    bernard.refresh_from_db()
    assert (amina.status, bernard.status) == ("cancelled", "confirmed")
    assert "votre inscription est annulée" in text(client.get(cancel, follow=True))

    before = row_counts()
    client.post(cancel)  # twice: nothing more happens
    assert row_counts() == before


def test_leaving_the_waiting_list(client, chain):
    workshop = future_workshop(chain, capacity=1)
    registration_create(workshop=workshop, participant=person(chain), party_size=1)
    client.post(page_of(workshop), signup(party_size="1"))
    waiting = Registration.objects.get(status="waiting")
    assert "Je quitte la liste d'attente" in text(client.get(f"/ateliers/annuler/{waiting.token}/"))
    client.post(f"/ateliers/annuler/{waiting.token}/")
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"


def test_an_unknown_token_is_not_found(client, db):
    assert client.get("/ateliers/annuler/nimportequoi/").status_code == 404
    assert client.post("/ateliers/annuler/nimportequoi/").status_code == 404
    assert client.get("/ateliers/inscription/nimportequoi/").status_code == 404


def test_public_pages_show_no_personal_data_of_participants(client, chain):
    workshop = future_workshop(chain)
    someone = person(chain, "Zéphyrine", phone="06 00 00 00 77", email="zephyrine@example.org", neighbourhood="Les Ors")
    registration_create(workshop=workshop, participant=someone)
    for url in (CALENDAR, page_of(workshop), "/", "/ateliers.ics", f"/ateliers/lieu/{chain.site.pk}.ics"):
        page = text(client.get(url))
        for secret in ("Zéphyrine", "06 00 00 00 77", "zephyrine@example.org", "Les Ors"):
            assert secret not in page, (url, secret)


def test_home_links_each_upcoming_workshop_to_its_public_page(client, chain):
    workshop = future_workshop(chain)
    page = text(client.get("/"))
    assert f'href="{page_of(workshop)}"' in page
    assert 'href="/ateliers/"' in page


def test_calendar_queries_do_not_grow(client, chain, django_assert_num_queries):
    place_on_map(chain)
    count = assert_flat_queries(client, CALENDAR, lambda n: add_future_workshops(chain, n), django_assert_num_queries)
    assert count <= 2, count


def test_workshop_page_queries_do_not_grow(client, chain, django_assert_num_queries):
    workshop = future_workshop(chain, capacity=100)

    def grow(n):
        for i in range(n):
            registration_create(workshop=workshop, participant=person(chain, f"Q{i}"))

    count = assert_flat_queries(client, page_of(workshop), grow, django_assert_num_queries)
    assert count <= 2, count


@pytest.mark.django_db(transaction=True)
def test_capacity_is_never_exceeded_under_concurrent_sign_ups():
    place = make_territory("romans", "ROM", "Romans")
    coordinator = make_user("coord", place.territory, Role.COORDINATOR)
    tomato = Product.objects.create(name="Tomate", category=Product.Category.VEGETABLE, shelf_life_days=5)
    chain = build_chain(place, coordinator, tomato)
    workshop = future_workshop(chain, capacity=3)
    n = 6
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            with territory_scope(workshop.territory):  # a new thread starts outside any scope, as a request
                public_signup(workshop=workshop, first_name=f"Personne {i}", consent=True, party_size=1)
            outcomes[i] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["ok"] * n, outcomes
    confirmed = Registration.objects.filter(workshop=workshop, status="confirmed")
    assert confirmed.aggregate(n=Sum("party_size"))["n"] == 3
    assert Registration.objects.filter(workshop=workshop, status="waiting").count() == 3
    assert Participant.objects.count() == n


def test_the_cancel_link_of_a_past_workshop_no_longer_cancels(client, chain):
    add_workshops(chain, 1, registrations=1)  # June 2026: past
    registration = Registration.objects.get()
    cancel = f"/ateliers/annuler/{registration.token}/"
    assert "déjà commencé" in text(client.get(cancel))
    client.post(cancel)
    registration.refresh_from_db()
    assert registration.status == "confirmed"
