"""Gleaning pages: the staff list, outing page, check-in and harvest; the public list, sign-up and cancel link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.people.models import Consent
from conserverie.producers.models import SurplusOffer
from conserverie.sourcing.models import RawLot
from conserverie.workshops.models import VolunteerHours

from ..pages import assert_flat_queries, row_counts, text
from .gleaning_data import apple, attended, glean_offer, make_outing, sign_up

STAFF = "/t/romans/glanages/"
PUBLIC = "/randos/"
Status = GleaningRegistration.Status


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The sign-up counters live in the cache: each test starts from zero and leaves nothing to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def outing_post(chain, **extra):
    data = {
        "producer": chain.farm.pk,
        "offer": "",
        "date": (timezone.localdate() + timedelta(days=9)).isoformat(),
        "start_time": "09:00",
        "end_time": "12:30",
        "meeting_point": "Parking de la ferme",
        "lat": "",
        "lon": "",
        "capacity": "10",
        "products_expected": "Pommes",
        "note": "",
    }
    return {**data, **extra}


def signup(**extra):
    data = {
        "first_name": "Nadia",
        "phone": "",
        "email": "nadia@example.org",
        "neighbourhood": "La Monnaie",
        "household_size": "4",
        "party_size": "2",
        "consent": "on",
        "website": "",
    }
    return {**data, **extra}


def add_outings(chain, n, people=2, days=3):
    start = GleaningOuting.objects.filter(territory=chain.territory).count()
    for i in range(start, start + n):
        outing = make_outing(chain, days=days + i, capacity=people + 1)
        for j in range(people):
            sign_up(outing, chain, f"P{i}-{j}")


# --- Staff ---------------------------------------------------------------------------------------------------------


def test_staff_list_shows_this_territory_only_and_searches(staff_client, chain, other_chain):
    mine = make_outing(chain, products_expected="Courges")
    theirs = make_outing(other_chain, actor=other_chain.actor, producer=other_chain.farm)
    page = text(staff_client.get(STAFF))
    assert f"{STAFF}{mine.pk}/" in page
    assert "Courges" in page
    assert f"/glanages/{theirs.pk}/" not in page
    assert "Ferme des Tests VER" not in page
    assert "Courges" not in text(staff_client.get(STAFF, {"q": "poireaux"}))
    assert staff_client.get(f"{STAFF}{theirs.pk}/").status_code == 404


def test_staff_list_pages_through_many_outings(staff_client, chain):
    add_outings(chain, 27, people=0)
    first = text(staff_client.get(STAFF))
    assert "Page 1 sur 2" in first
    assert staff_client.get(STAFF, {"page": 2}).status_code == 200


def test_planning_an_outing_from_the_form(staff_client, chain, animator):
    offer = glean_offer(chain)
    response = staff_client.post(f"{STAFF}nouvelle/", outing_post(chain, offer=offer.pk))
    outing = GleaningOuting.objects.get()
    assert response.status_code == 302
    assert response.url == f"{STAFF}{outing.pk}/"
    assert outing.created_by == animator
    assert outing.offer == offer
    assert outing.duration_hours == Decimal("3.5")
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.PLANNED


def test_a_bad_outing_form_is_refused_with_422_and_writes_nothing(staff_client, chain):
    before = row_counts()
    response = staff_client.post(f"{STAFF}nouvelle/", outing_post(chain, end_time="08:00", lat="45.1"))
    assert response.status_code == 422
    page = text(response)
    assert "finir après" in page
    assert "aucune des deux" in page
    assert row_counts() == before


def test_editing_an_outing_raises_the_places(staff_client, chain):
    outing = make_outing(chain, capacity=1)
    sign_up(outing, chain, "Amina")
    waiting = sign_up(outing, chain, "Bernard")
    data = outing_post(chain, date=outing.date.isoformat(), capacity="2")
    assert staff_client.get(f"{STAFF}{outing.pk}/modifier/").status_code == 200
    response = staff_client.post(f"{STAFF}{outing.pk}/modifier/", data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    before = row_counts()
    response = staff_client.post(f"{STAFF}{outing.pk}/modifier/", {**data, "capacity": "1"})
    assert response.status_code == 422
    assert "déjà inscrites" in text(response)
    assert row_counts() == before


def test_outing_page_checks_people_in_and_cancels(staff_client, chain, mailoutbox):
    outing = make_outing(chain)
    registration = sign_up(outing, chain, "Amina", email="amina@example.org")
    page = text(staff_client.get(f"{STAFF}{outing.pk}/"))
    assert "Amina" in page
    assert "Marquer présent·e" in page
    response = staff_client.post(f"{STAFF}{outing.pk}/presence/{registration.pk}/", {"attended": "on"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attended
    response = staff_client.post(f"{STAFF}{outing.pk}/annuler/", {"reason": "Orage annoncé"})
    assert response.status_code == 302
    outing.refresh_from_db()
    assert outing.status == GleaningOuting.Status.CANCELLED
    assert len(mailoutbox) == 1


def test_recording_the_harvest_makes_raw_lots_and_hours_shown_on_the_outing(staff_client, chain, settings):
    outing = make_outing(chain, days=-1)
    attended(outing, chain, ("Amina", "Bernard", "Chantal"))
    url = f"{STAFF}{outing.pk}/recolte/"
    page = text(staff_client.get(url))
    assert "Les 3 personnes notées présentes" in page
    assert 'value="3"' in page
    data = {
        "line-TOTAL_FORMS": "4",
        "line-INITIAL_FORMS": "0",
        "line-0-product": chain.tomato.pk,
        "line-0-kg": "25.4",
        "line-0-grade": "downgraded",
        "line-1-product": apple().pk,
        "line-1-kg": "12",
        "line-1-grade": "surplus",
        "line-2-grade": "surplus",
        "line-3-grade": "surplus",
        "hours": "2.5",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, text(response)
    assert RawLot.objects.filter(gleaning_outing=outing).count() == 2
    assert VolunteerHours.objects.filter(outing=outing).count() == 3
    page = text(staff_client.get(f"{STAFF}{outing.pk}/"))
    assert "37,40" in page  # kg gleaned
    assert "90,15 €" in page  # 3 × 2.5 h × 12.02 € (the SMIC in force on the outing day, 2026)
    assert "Réalisée" in page


def test_a_bad_harvest_form_is_refused_and_writes_nothing(staff_client, chain):
    outing = make_outing(chain, days=-1)
    url = f"{STAFF}{outing.pk}/recolte/"
    base = {"line-TOTAL_FORMS": "2", "line-INITIAL_FORMS": "0", "line-1-grade": "surplus", "hours": "3"}
    before = row_counts()
    for data, message in (
        ({**base, "line-0-kg": "12", "line-0-grade": "surplus"}, "Choisissez le produit pesé"),
        ({**base, "line-0-grade": "surplus"}, "Indiquez au moins un produit"),
        ({**base, "line-0-product": chain.tomato.pk, "line-0-kg": "4", "line-0-grade": "surplus", "hours": "40"}, "24"),
    ):
        response = staff_client.post(url, data)
        assert response.status_code == 422, message
        assert message in text(response), message
    assert row_counts() == before


def test_staff_list_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    assert_flat_queries(staff_client, f"{STAFF}?when=all", lambda n: add_outings(chain, n), django_assert_num_queries)


def test_outing_page_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    outing = make_outing(chain, capacity=100)

    def grow(n):
        for i in range(n):
            sign_up(outing, chain, f"Q{outing.registrations.count()}-{i}")

    assert_flat_queries(staff_client, f"{STAFF}{outing.pk}/", grow, django_assert_num_queries)


# --- Public --------------------------------------------------------------------------------------------------------


def test_public_list_shows_upcoming_outings_of_every_territory_only(client, chain, other_chain):
    soon = make_outing(chain, products_expected="Tomates cerises")
    elsewhere = make_outing(other_chain, actor=other_chain.actor, producer=other_chain.farm, products_expected="Noix")
    past = make_outing(chain, days=-3, products_expected="Poires d'hier")
    cancelled = make_outing(chain, products_expected="Annulées")
    GleaningOuting.objects.filter(pk=cancelled.pk).update(status=GleaningOuting.Status.CANCELLED)
    page = text(client.get(PUBLIC))
    assert f"{PUBLIC}{soon.pk}/" in page
    assert f"{PUBLIC}{elsewhere.pk}/" in page
    assert "Poires d'hier" not in page
    assert "Annulées" not in page
    assert f"{PUBLIC}{past.pk}/" not in page
    assert "4 places libres" in page


def test_home_page_links_to_the_outings(client, db):
    assert 'href="/randos/"' in text(client.get("/"))


def test_public_sign_up_then_waiting_list_then_cancel_link_promotes(client, chain, mailoutbox):
    outing = make_outing(chain, capacity=2)
    page = text(client.get(f"{PUBLIC}{outing.pk}/"))
    assert "Devant le hangar" in page
    assert "votre consentement" in page
    assert "cette sortie" in page
    response = client.post(f"{PUBLIC}{outing.pk}/", signup(reminders="on", photos="on"))
    first = GleaningRegistration.objects.get()
    assert response.status_code == 302
    assert response.url == f"{PUBLIC}inscription/{first.token}/"
    assert first.status == Status.CONFIRMED
    assert first.party_size == 2
    assert set(Consent.objects.filter(participant=first.participant).values_list("scope", flat=True)) == {
        "contact",
        "reminders",
        "photos",
    }
    (mail,) = mailoutbox
    assert f"/randos/annuler/{first.token}/" in mail.body
    assert "Glanage à Ferme des Tests ROM" in mail.body
    assert "vous êtes inscrit" in text(client.get(response.url))

    full = text(client.get(f"{PUBLIC}{outing.pk}/"))
    assert "Je m'inscris sur la liste d'attente" in full
    client.post(f"{PUBLIC}{outing.pk}/", signup(first_name="Karim", email="", party_size="1"))
    second = GleaningRegistration.objects.latest("id")
    assert second.status == Status.WAITING
    assert "liste d'attente" in text(client.get(f"{PUBLIC}inscription/{second.token}/"))

    cancel = f"{PUBLIC}annuler/{first.token}/"
    assert "J'annule mon inscription" in text(client.get(cancel))
    assert client.post(cancel).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED
    assert "Cette inscription est annulée" in text(client.get(cancel))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "Cochez la case"),
        ({"first_name": ""}, "Indiquez un prénom"),
        ({"party_size": "0"}, "Au moins une personne"),
        ({"email": "pas-une-adresse"}, "ne semble pas juste"),
        ({"website": "http://spam.example"}, "n'a pas pu être enregistrée"),
    ],
)
def test_a_bad_public_sign_up_is_refused_and_writes_nothing(client, chain, mailoutbox, change, message):
    outing = make_outing(chain)
    before = row_counts()
    response = client.post(f"{PUBLIC}{outing.pk}/", signup(**change))
    assert response.status_code == 422
    assert message in text(response)
    assert row_counts() == before
    assert mailoutbox == []


def test_public_sign_up_is_rate_limited(client, chain, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup": "2/600"}
    outing = make_outing(chain, capacity=50)
    for name in ("Amina", "Bernard"):
        assert client.post(f"{PUBLIC}{outing.pk}/", signup(first_name=name, email="")).status_code == 302
    before = row_counts()
    refused = client.post(f"{PUBLIC}{outing.pk}/", signup(first_name="Chantal", email=""))
    assert refused.status_code == 429
    assert row_counts() == before


def test_a_past_or_cancelled_outing_takes_no_sign_up(client, chain):
    past = make_outing(chain, days=-1)
    assert "fermées" in text(client.get(f"{PUBLIC}{past.pk}/"))
    before = row_counts()
    client.post(f"{PUBLIC}{past.pk}/", signup())
    assert row_counts() == before
    assert client.get(f"{PUBLIC}annuler/pas-un-lien/").status_code == 404


def test_public_list_query_count_does_not_grow(client, chain, other_chain, django_assert_num_queries):
    assert_flat_queries(client, PUBLIC, lambda n: add_outings(chain, n), django_assert_num_queries)


def test_public_outing_page_query_count_does_not_grow(client, chain, django_assert_num_queries):
    outing = make_outing(chain, capacity=100)

    def grow(n):
        for i in range(n):
            sign_up(outing, chain, f"R{outing.registrations.count()}-{i}")

    assert_flat_queries(client, f"{PUBLIC}{outing.pk}/", grow, django_assert_num_queries)


SCRIPT = "<script>alert('x')</script>"
HOSTILE = {
    "date": ["2026-13-45", "hier", "99999-01-01", SCRIPT, ""],
    "start_time": ["25:99", SCRIPT, ""],
    "capacity": ["1e30", "9" * 30, "-5", "abc", "NaN", SCRIPT, ""],
    "lat": ["1e30", "Infinity", "abc", SCRIPT],
    "producer": ["999999", "ZZZ", "1 OR 1=1", SCRIPT, ""],
    "offer": ["999999", "ZZZ", SCRIPT],
    "meeting_point": ["x" * 5000, ""],
    "products_expected": ["x" * 5000],
}


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, values in HOSTILE.items() for v in values])
def test_hostile_input_to_the_outing_form_is_refused_in_french_and_writes_nothing(staff_client, chain, field, value):
    before = row_counts()
    response = staff_client.post(f"{STAFF}nouvelle/", outing_post(chain, **{field: value}))
    page = text(response)
    assert response.status_code == 422, (field, value)
    assert SCRIPT not in response.content.decode()
    assert "This field" not in page
    assert "Enter a" not in page
    assert row_counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("line-0-kg", v) for v in ("1e30", "-5", "abc", "NaN", SCRIPT)]
    + [("line-0-product", v) for v in ("999999", SCRIPT)]
    + [("line-0-grade", v) for v in ("ZZZ", SCRIPT)]
    + [("hours", v) for v in ("1e30", "-1", "Infinity", SCRIPT, "")]
    + [("line-TOTAL_FORMS", v) for v in ("abc", "100000")],
)
def test_hostile_input_to_the_harvest_form_writes_nothing(staff_client, chain, field, value):
    outing = make_outing(chain, days=-1)
    data = {
        "line-TOTAL_FORMS": "1",
        "line-INITIAL_FORMS": "0",
        "line-0-product": chain.tomato.pk,
        "line-0-kg": "12",
        "line-0-grade": "surplus",
        "hours": "3",
        field: value,
    }
    before = row_counts()
    response = staff_client.post(f"{STAFF}{outing.pk}/recolte/", data)
    assert response.status_code in (200, 422), (field, value)
    assert SCRIPT not in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_name", "x" * 5000), ("first_name", SCRIPT), ("party_size", "1e30"), ("household_size", "-1")],
)
def test_hostile_input_to_the_public_sign_up_writes_nothing(client, chain, field, value):
    outing = make_outing(chain)
    before = row_counts()
    response = client.post(f"{PUBLIC}{outing.pk}/", signup(**{field: value}))
    if field == "first_name" and value == SCRIPT:
        # A name is free text: it is kept, and shown escaped.
        assert response.status_code == 302
        assert SCRIPT not in client.get(response.url).content.decode()
        return
    assert response.status_code == 422
    assert row_counts() == before


def test_the_participant_page_lists_the_persons_outings(staff_client, chain):
    outing = make_outing(chain)
    registration = sign_up(outing, chain, "Amina")
    page = text(staff_client.get(f"/t/romans/participants/{registration.participant_id}/"))
    assert "Sorties de glanage" in page
    assert f'href="{STAFF}{outing.pk}/"' in page
