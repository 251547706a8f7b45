"""Sign-up abuse stopped and one person across sign-ups (issue 17): the attack cases of the audit, on both bookables
(a workshop and a gleaning outing) through their public pages, and on the anonymous survey link."""

import html
import re

import pytest
from django.core.exceptions import ValidationError

from conserverie.gleaning.models import GleaningRegistration
from conserverie.people.models import Household, Participant
from conserverie.people.phones import email_normalise, name_key, phone_display, phone_normalise
from conserverie.people.signup import participant_find_or_create
from conserverie.workshops.models import Registration

from ..sourcing.gleaning_data import make_outing
from ..workshops.public_data import future_workshop

KINDS = {
    "workshop": (lambda chain, capacity: future_workshop(chain, capacity=capacity), "/ateliers/", Registration),
    "outing": (lambda chain, capacity: make_outing(chain, capacity=capacity), "/randos/", GleaningRegistration),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


def form(**extra):
    data = {
        "first_name": "Nadia",
        "phone": "06 12 34 56 78",
        "email": "",
        "household_size": "3",
        "party_size": "2",
        "consent": "on",
        "website": "",
    }
    data.update(extra)
    return data


def post(client, kind, bookable, **extra):
    return client.post(f"{kind[1]}{bookable.pk}/", form(**extra))


def key_of(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)


# --- Phones, e-mails, names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("04 75 02 00 00", "+33475020000"),
        ("+44 7911 123456", "+447911123456"),
        ("", ""),
    ],
)
def test_phones_are_stored_in_e164_french_by_default(raw, e164):
    assert phone_normalise(raw) == e164


@pytest.mark.parametrize("raw", ["12", "06 1", "bonjour", "0612345678901234", "+33 6", "9" * 40])
def test_a_wrong_phone_is_refused(raw):
    with pytest.raises(ValidationError, match="ne semble pas juste"):
        phone_normalise(raw)


def test_display_email_and_names():
    assert phone_display("+33612345678") == "06 12 34 56 78"
    assert phone_display("+447911123456") == "+44 7911 123456"
    assert phone_display("n'importe") == "n'importe"
    assert email_normalise(" Nadia@Example.ORG ") == "Nadia@example.org"
    assert name_key(" Aïcha ") == name_key("aicha") == name_key("AÏCHA")
    assert name_key("Marie-Claire") == name_key("marie claire")


def test_the_public_form_says_a_wrong_phone_at_the_field(client, chain):
    workshop = future_workshop(chain)
    response = post(client, KINDS["workshop"], workshop, phone="06 1")
    assert response.status_code == 422
    assert "ne semble pas juste" in response.content.decode()
    assert not Participant.objects.exists()


# --- One person, one household -------------------------------------------------------------------------------------


def test_a_second_sign_up_finds_the_person_by_phone_or_email(client, chain):
    first, second, third = (future_workshop(chain, days=d, title=f"Atelier {d}") for d in (2, 3, 4))
    workshops = KINDS["workshop"]
    assert post(client, workshops, first, email="nadia@example.org").status_code == 302
    assert post(client, workshops, second, first_name="nadia", phone="+33 6 12 34 56 78").status_code == 302
    assert post(client, workshops, third, first_name="NADIA", phone="", email="NADIA@example.org").status_code == 302
    (nadia,) = Participant.objects.all()
    assert Registration.objects.filter(participant=nadia).count() == 3
    assert Household.objects.count() == 1


def test_another_first_name_on_the_same_phone_is_another_person_of_the_same_home(client, chain):
    workshop = future_workshop(chain)
    post(client, KINDS["workshop"], workshop, party_size="1")
    post(client, KINDS["workshop"], workshop, first_name="Inès", party_size="1")
    nadia, ines = Participant.objects.order_by("pk")
    assert nadia.household_id == ines.household_id
    assert Household.objects.count() == 1


def test_an_erased_person_is_not_found_again(chain):
    from conserverie.people.privacy import _erase

    nadia = participant_find_or_create(territory=chain.territory, first_name="Nadia", phone="0612345678", consent=True)
    _erase(participant=nadia, actor=None, reason="", retention=False)
    again = participant_find_or_create(territory=chain.territory, first_name="Nadia", phone="0612345678", consent=True)
    assert again.pk != nadia.pk


def test_households_reached_count_a_home_once(chain):
    """Two people of one home at a workshop count as one household (issue 17: "households reached" was inflated)."""
    from conserverie.figures.selectors import territory_figures
    from conserverie.workshops.services import registration_checkin

    from ..conftest import DAY

    workshop = future_workshop(chain)
    people = [
        participant_find_or_create(territory=chain.territory, first_name=name, phone="0612345678", consent=True)
        for name in ("Nadia", "Inès")
    ]
    people.append(participant_find_or_create(territory=chain.territory, first_name="Paul", consent=True))
    from conserverie.workshops.services import registration_create

    for person in people:
        registration_checkin(actor=chain.actor, registration=registration_create(workshop=workshop, participant=person))
    # Only a workshop held counts (issue 16): the workshop took place yesterday.
    from datetime import timedelta

    from django.utils import timezone

    length = workshop.ends_at - workshop.starts_at
    starts = timezone.now() - timedelta(days=1)
    type(workshop).objects.filter(pk=workshop.pk).update(starts_at=starts, ends_at=starts + length)
    # Written past the services: the households reached per day are rebuilt from the facts (issue 20).
    from conserverie.distribution.reach import reach_rebuild

    reach_rebuild([chain.territory.pk])
    day = starts.date()
    figures = territory_figures(chain.territory, min(day, DAY), day)
    assert figures.households == 2


# --- Sign-up abuse ------------------------------------------------------------------------------------------------


def test_a_double_sign_up_gives_back_the_first_registration(client, kind, chain):
    bookable = kind[0](chain, 10)
    first = post(client, kind, bookable)
    again = post(client, kind, bookable, party_size="3")
    model = kind[2]
    (registration,) = model.objects.all()
    assert first["Location"] == again["Location"]
    assert registration.party_size == 2  # the second sign-up changed nothing


def test_four_posts_cannot_drain_the_places(client, kind, chain):
    """The audit's attack: one anonymous client emptied four events with four POSTs of 10 people each."""
    bookable = kind[0](chain, 12)
    for name in ("Anna", "Bea", "Cleo", "Dora"):
        post(client, kind, bookable, first_name=name, phone="", email="", party_size="10")
    assert not kind[2].objects.exists()  # more than the territory's cap of 6: refused
    for name in ("Anna", "Bea", "Cleo", "Dora"):
        post(client, kind, bookable, first_name=name, phone="06 12 34 56 78", party_size="4")
    # One home (one phone) holds 6 places at most, whatever the names.
    assert kind[2].objects.live().places() == 4
    response = post(client, kind, bookable, first_name="Eve", phone="06 12 34 56 78", party_size="3")
    assert "pas plus de 6 personnes par foyer" in response.content.decode()


def test_the_party_size_is_capped_by_the_territory_setting_and_the_places_left(client, kind, chain):
    bookable = kind[0](chain, 5)
    response = post(client, kind, bookable, party_size="7")
    assert response.status_code == 422
    assert "Pas plus de 6 personnes" in response.content.decode()
    chain.territory.signup_party_max = 8
    chain.territory.save()
    response = post(client, kind, bookable, party_size="7")
    assert "Il ne reste que 5 places" in response.content.decode()
    assert not kind[2].objects.exists()
    assert post(client, kind, bookable, party_size="5").status_code == 302
    # Full: the waiting list takes a party up to the cap.
    assert post(client, kind, bookable, first_name="Zoé", phone="0698765432", party_size="4").status_code == 302
    assert kind[2].objects.waiting().places() == 4


def test_a_double_click_creates_nothing_twice(client, kind, chain):
    bookable = kind[0](chain, 10)
    key = key_of(client.get(f"{kind[1]}{bookable.pk}/").content.decode())
    # No phone, no e-mail: only the form's key tells that the second POST is the same sign-up.
    first = post(client, kind, bookable, phone="", idempotency_key=key)
    second = post(client, kind, bookable, phone="", idempotency_key=key)
    assert first["Location"] == second["Location"]
    assert kind[2].objects.count() == 1
    assert Participant.objects.count() == 1
    other = key_of(client.get(f"{kind[1]}{bookable.pk}/").content.decode())
    assert other != key
    post(client, kind, bookable, phone="", idempotency_key=other)
    assert kind[2].objects.count() == 2  # another form is another sign-up (two people named Nadia may exist)


def test_a_bad_idempotency_key_is_refused(client, chain):
    workshop = future_workshop(chain)
    response = post(client, KINDS["workshop"], workshop, idempotency_key="../../etc")
    assert response.status_code == 422
    assert not Registration.objects.exists()


def test_a_person_who_cancelled_may_sign_up_again(client, kind, chain):
    bookable = kind[0](chain, 10)
    post(client, kind, bookable)
    registration = kind[2].objects.get()
    client.post(f"{kind[1]}annuler/{registration.token}/")
    registration.refresh_from_db()
    assert registration.is_cancelled
    assert post(client, kind, bookable, party_size="1").status_code == 302
    registration.refresh_from_db()
    assert registration.is_confirmed
    assert registration.party_size == 1


def test_one_contact_cannot_sign_up_without_end(client, chain, settings):
    settings.RATELIMITS = {"signup_contact": "3/3600"}
    workshops = [future_workshop(chain, days=d, title=f"Atelier {d}") for d in range(2, 7)]
    codes = [post(client, KINDS["workshop"], w, party_size="1").status_code for w in workshops]
    assert codes == [302, 302, 302, 422, 422]
    assert Registration.objects.count() == 3


def test_the_contact_and_address_limits_hold_for_gleaning_outings_too(client, chain, settings):
    settings.RATELIMITS = {"signup_contact": "2/3600", "signup": "4/600"}
    outings = [make_outing(chain, days=d, capacity=10) for d in range(2, 8)]
    codes = [post(client, KINDS["outing"], o, party_size="1").status_code for o in outings[:3]]
    assert codes == [302, 302, 422]  # the same phone a third time
    refused = client.post(f"/randos/{outings[3].pk}/", form(party_size="1"))
    assert "Trop d'inscriptions avec ce téléphone" in html.unescape(refused.content.decode())
    # Another phone from the same address: the address's limit (4 POSTs in the window) is reached.
    assert post(client, KINDS["outing"], outings[4], phone="07 55 12 34 56").status_code == 429
    assert GleaningRegistration.objects.count() == 2


# --- Input bounds ---------------------------------------------------------------------------------------------------


def test_an_offers_note_is_bounded(chain):
    """The audit stored a 100,000-character note on an offer."""
    from datetime import timedelta
    from decimal import Decimal

    from conserverie.producers.models import SurplusOffer
    from conserverie.producers.services import OFFER_NOTE_MAX, offer_declare

    from ..conftest import DAY

    def declare(note):
        return offer_declare(
            actor=chain.actor,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg_estimated=Decimal("30"),
            grade=SurplusOffer.Grade.SURPLUS,
            available_from=DAY,
            available_until=DAY + timedelta(days=3),
            note=note,
        )

    with pytest.raises(ValidationError, match="remarque courte"):
        declare("x" * 100_000)
    assert not SurplusOffer.objects.exists()
    assert declare("x" * OFFER_NOTE_MAX).note == "x" * OFFER_NOTE_MAX
