"""The one sign-up that workshops and gleaning outings share (docs/architecture.md §3, "One sign-up"): places taken
and left, the waiting list and its promotion, `live()`, and the database's own refusal of an empty party. Every rule
is checked on both bookables: a workshop and a gleaning outing."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.people import signup
from conserverie.people.models import RegistrationStatus
from conserverie.workshops.models import Registration, Workshop

from ..helpers import refused
from ..sourcing.gleaning_data import make_outing
from ..workshops.public_data import future_workshop, person


@dataclass
class Kind:
    """One kind of bookable: how to make one and what its sign-ups are."""

    model: type
    registration: type
    make: object


KINDS = {
    "workshop": Kind(Workshop, Registration, lambda chain, capacity: future_workshop(chain, capacity=capacity)),
    "outing": Kind(GleaningOuting, GleaningRegistration, lambda chain, capacity: make_outing(chain, capacity=capacity)),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


def new_bookable(kind, chain, capacity=4):
    return kind.make(chain, capacity)


def sign(bookable, chain, name, party_size=1):
    return signup.register(
        bookable=bookable, participant=person(chain, name), party_size=party_size, already="déjà inscrite"
    )


def counted(kind, bookable):
    """The bookable read again with `with_counts()`, as the lists and the public pages read it."""
    return kind.model.objects.with_counts().get(pk=bookable.pk)


def test_both_sign_ups_use_the_same_statuses_with_the_same_stored_strings():
    assert Registration.Status is GleaningRegistration.Status is RegistrationStatus
    assert RegistrationStatus.values == ["confirmed", "waiting", "cancelled"]


def test_places_taken_and_left_count_the_confirmed_party_sizes(kind, chain):
    bookable = new_bookable(kind, chain, capacity=5)
    assert (bookable.count_places_taken(), bookable.places_left) == (0, 5)
    sign(bookable, chain, "Amina", party_size=2)
    sign(bookable, chain, "Bernard", party_size=2)
    cancelled = sign(bookable, chain, "Chloé", party_size=1)
    signup.cancel(registration=cancelled)
    waiting = sign(bookable, chain, "Driss", party_size=3)
    assert waiting.status == RegistrationStatus.WAITING
    assert (bookable.count_places_taken(), bookable.places_left) == (4, 1)
    annotated = counted(kind, bookable)
    assert (annotated.places_taken, annotated.people_waiting, annotated.places_left) == (4, 3, 1)


def test_places_left_never_goes_below_zero_and_reads_the_annotation_without_a_query(
    kind, chain, django_assert_num_queries
):
    bookable = new_bookable(kind, chain, capacity=2)
    sign(bookable, chain, "Amina", party_size=2)
    kind.model.objects.filter(pk=bookable.pk).update(capacity=1)  # fewer places than people already confirmed
    annotated = counted(kind, bookable)
    with django_assert_num_queries(0):
        assert annotated.places_left == 0
    assert kind.model.objects.get(pk=bookable.pk).places_left == 0


def test_an_empty_bookable_counts_none_as_zero(kind, chain):
    annotated = counted(kind, new_bookable(kind, chain, capacity=3))
    assert (annotated.places_taken, annotated.people_waiting, annotated.people_present) == (None, None, None)
    assert annotated.places_left == 3


def test_full_then_waiting_list_then_promotion_first_come_first_served(kind, chain):
    bookable = new_bookable(kind, chain, capacity=3)
    first = sign(bookable, chain, "Amina", party_size=2)
    second = sign(bookable, chain, "Bernard", party_size=1)
    big = sign(bookable, chain, "Chloé", party_size=2)
    small = sign(bookable, chain, "Driss", party_size=1)
    assert [r.status for r in (first, second, big, small)] == ["confirmed", "confirmed", "waiting", "waiting"]

    signup.cancel(registration=second)  # one place: Chloé's party of 2 does not fit, Driss comes up
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waiting", "confirmed")

    signup.cancel(registration=first)  # two places: Chloé comes up
    big.refresh_from_db()
    assert big.status == "confirmed"
    assert bookable.count_places_taken() == 3


def test_cancelling_twice_changes_nothing_and_leaving_the_waiting_list_promotes_nobody(kind, chain):
    bookable = new_bookable(kind, chain, capacity=1)
    confirmed = sign(bookable, chain, "Amina")
    waiting = sign(bookable, chain, "Bernard")
    third = sign(bookable, chain, "Chloé")
    signup.cancel(registration=waiting)
    third.refresh_from_db()
    assert third.status == "waiting"
    history = confirmed.history.count()
    signup.cancel(registration=confirmed)
    signup.cancel(registration=confirmed)
    confirmed.refresh_from_db()
    third.refresh_from_db()
    assert (confirmed.status, third.status) == ("cancelled", "confirmed")
    assert confirmed.history.count() == history + 1


def test_seat_status_and_promote_waiting_are_the_bookables_own_rules(kind, chain):
    bookable = new_bookable(kind, chain, capacity=2)
    assert bookable.seat_status(2) == RegistrationStatus.CONFIRMED
    assert bookable.seat_status(3) == RegistrationStatus.WAITING
    waiting = sign(bookable, chain, "Amina", party_size=3)
    kind.model.objects.filter(pk=bookable.pk).update(capacity=3)
    bookable.refresh_from_db()
    bookable.promote_waiting()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_live_leaves_out_the_cancelled_only(kind, chain):
    bookable = new_bookable(kind, chain, capacity=1)
    confirmed = sign(bookable, chain, "Amina")
    waiting = sign(bookable, chain, "Bernard")
    gone = sign(bookable, chain, "Chloé")
    signup.cancel(registration=gone)
    assert set(bookable.registrations.live()) == {confirmed, waiting}
    assert set(kind.registration.objects.live()) == {confirmed, waiting}
    assert list(bookable.registrations.to_tell()) == [confirmed, waiting]
    assert (confirmed.is_confirmed, waiting.is_waiting) == (True, True)
    gone.refresh_from_db()
    assert gone.is_cancelled
    assert not gone.can_cancel_online


def test_accepts_signups_while_planned_and_not_started(kind, chain):
    bookable = new_bookable(kind, chain)
    assert bookable.accepts_signups
    assert bookable.is_planned
    assert not bookable.is_cancelled
    for status in (kind.model.Status.CANCELLED, kind.model.Status.DONE):
        bookable.status = status
        assert not bookable.accepts_signups


def test_a_person_signs_up_once_and_a_party_counts_at_least_one(kind, chain):
    bookable = new_bookable(kind, chain)
    amina = person(chain, "Amina")
    signup.register(bookable=bookable, participant=amina, already="Déjà là.")
    with refused(match="Déjà là."):
        signup.register(bookable=bookable, participant=amina, already="Déjà là.")
    with pytest.raises(ValidationError, match="Au moins une personne"):
        signup.register(bookable=bookable, participant=person(chain, "Bernard"), party_size=0, already="")


def test_check_in_marks_presence_and_refuses_a_cancelled_registration(kind, chain):
    bookable = new_bookable(kind, chain)
    registration = sign(bookable, chain, "Amina", party_size=2)
    signup.checkin(actor=chain.actor, registration=registration)
    assert counted(kind, bookable).people_present == 2
    signup.cancel(registration=registration)
    with refused(match="annulée"):
        signup.checkin(actor=chain.actor, registration=registration)


@pytest.mark.parametrize("party_size", [0, 1])
def test_the_database_refuses_a_party_of_nobody_in_both_registration_tables(kind, chain, party_size):
    bookable = new_bookable(kind, chain)
    key = kind.registration.bookable_field
    row = kind.registration(**{key: bookable}, participant=person(chain, "Amina"), party_size=party_size)
    if party_size >= 1:
        kind.registration.objects.bulk_create([row])
        return
    name = f"{kind.registration._meta.db_table}_party_size_min"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        kind.registration.objects.bulk_create([row])
    assert not kind.registration.objects.exists()
