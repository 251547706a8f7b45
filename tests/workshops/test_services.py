import pytest

from conserverie.people.models import Participant
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import (
    participant_create,
    registration_cancel,
    registration_checkin,
    registration_create,
    workshop_open,
)

from ..conftest import DAY, aware
from ..helpers import forbidden, history_user, refused


def _open(place, actor, start_hour=14, hours=3, **over):
    kwargs = {
        "actor": actor,
        "territory": place.territory,
        "title": "Coulis de tomates",
        "site": place.site,
        "structure": place.structure,
        "starts_at": aware(DAY, start_hour),
        "ends_at": aware(DAY, start_hour + hours),
        "capacity": 4,
    }
    kwargs.update(over)
    return workshop_open(**kwargs)


def _person(place, name="Aïcha", **over):
    return participant_create(territory=place.territory, first_name=name, consent=True, **over)


@pytest.fixture
def workshop(romans, animator):
    return _open(romans, animator)


# workshop_open


def test_staff_open_a_workshop_with_animators_and_planned_recipes(chain, animator):
    workshop = _open(chain, animator, animators=[animator], planned_recipes=[chain.recipe])
    assert workshop.status == Workshop.Status.PLANNED
    assert workshop.created_by == animator
    assert list(workshop.animators.all()) == [animator]
    assert list(workshop.planned_recipes.all()) == [chain.recipe]
    assert history_user(workshop) == animator


def test_a_workshop_ends_after_it_starts_and_has_a_place(romans, animator):
    with refused("ends_at", "L'atelier doit finir après son début.") as info:
        _open(romans, animator, hours=0, capacity=0)
    assert info.value.message_dict["capacity"] == ["Un atelier a au moins une place."]


def test_the_truck_cannot_be_at_two_workshops_at_once(romans, animator, workshop):
    with refused("starts_at", "Le camion est déjà pris à cette heure-là"):
        _open(romans, animator, start_hour=16)
    with refused("starts_at"):
        _open(romans, animator, start_hour=13, hours=5)


def test_back_to_back_cancelled_or_other_territory_workshops_do_not_clash(
    romans, other, animator, other_coordinator, workshop
):
    _open(romans, animator, start_hour=17)  # starts when the first ends
    _open(other, other_coordinator, start_hour=14)  # another territory, another truck
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    _open(romans, animator, start_hour=14)
    assert Workshop.objects.count() == 4


def test_a_workshop_cannot_use_a_site_or_recipe_of_another_territory(chain, other_chain, animator):
    with forbidden():
        _open(chain, animator, site=other_chain.site)
    with forbidden():
        _open(chain, animator, structure=other_chain.structure)
    with forbidden():
        _open(chain, animator, planned_recipes=[other_chain.recipe])


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_open_workshops(request, romans, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        _open(romans, actor)


# participant_create


def test_a_participant_keeps_minimal_trimmed_data_and_the_consent_time(romans):
    person = _person(romans, name=" Aïcha ", phone=" 06 00 00 00 00 ", household_size=4, priority_area=True)
    assert (person.first_name, person.phone, person.household_size) == ("Aïcha", "+33600000000", 4)
    assert person.consent_at is not None


def test_a_participant_needs_a_name_consent_and_a_household(romans):
    with refused("consent", "Cochez la case pour accepter que nous gardions ces informations.") as info:
        participant_create(territory=romans.territory, first_name=" ", consent=False, household_size=0)
    assert info.value.message_dict["first_name"] == ["Indiquez un prénom."]
    assert info.value.message_dict["household_size"] == ["Un foyer compte au moins une personne."]


def test_a_participant_email_is_valid(romans):
    with refused("email"):
        _person(romans, email="pas-une-adresse")


# registration_create / registration_cancel


def test_registrations_wait_once_the_workshop_is_full(romans, workshop):
    family = registration_create(workshop=workshop, participant=_person(romans, "Awa"), party_size=3)
    single = registration_create(workshop=workshop, participant=_person(romans, "Bruno"))
    late = registration_create(workshop=workshop, participant=_person(romans, "Chloé"))
    assert [family.status, single.status, late.status] == ["confirmed", "confirmed", "waiting"]
    assert Workshop.objects.with_counts().get(pk=workshop.pk).places_taken == 4


def test_a_walk_in_is_confirmed_and_present_even_when_full(romans, workshop):
    registration_create(workshop=workshop, participant=_person(romans, "Awa"), party_size=4)
    walk_in = registration_create(workshop=workshop, participant=_person(romans, "Dan"), walk_in=True)
    assert walk_in.status == Registration.Status.CONFIRMED
    assert walk_in.attended


def test_a_registration_counts_at_least_one_person(romans, workshop):
    person = _person(romans)
    with refused("party_size", "Au moins une personne."):
        registration_create(workshop=workshop, participant=person, party_size=0)


def test_a_person_registers_once_per_workshop(romans, workshop):
    person = _person(romans)
    registration_create(workshop=workshop, participant=person)
    with refused(match="Cette personne est déjà inscrite à cet atelier."):
        registration_create(workshop=workshop, participant=person, party_size=2)


def test_no_registration_to_a_cancelled_workshop(romans, workshop):
    person = _person(romans)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    with refused(match="Cet atelier est annulé."):
        registration_create(workshop=workshop, participant=person)


def test_a_participant_of_another_territory_cannot_register(other, workshop):
    stranger = _person(other, "Eve")
    with forbidden():
        registration_create(workshop=workshop, participant=stranger)


def test_cancelling_promotes_the_waiting_list_first_come_first_served(romans, workshop):
    first = registration_create(workshop=workshop, participant=_person(romans, "Awa"), party_size=3)
    registration_create(workshop=workshop, participant=_person(romans, "Bruno"))
    big = registration_create(workshop=workshop, participant=_person(romans, "Chloé"), party_size=3)
    small = registration_create(workshop=workshop, participant=_person(romans, "Dan"), party_size=2)
    last = registration_create(workshop=workshop, participant=_person(romans, "Eli"), party_size=1)
    assert [big.status, small.status, last.status] == ["waiting"] * 3

    registration_cancel(registration=first)  # 3 places free: Chloé's party of 3 comes first
    statuses = dict(Registration.objects.values_list("participant__first_name", "status"))
    assert statuses == {
        "Awa": "cancelled",
        "Bruno": "confirmed",
        "Chloé": "confirmed",
        "Dan": "waiting",
        "Eli": "waiting",
    }
    assert history_user(Registration.objects.get(pk=big.pk)) is None  # a public sign-up has no staff user


def test_a_party_that_does_not_fit_lets_smaller_ones_through(romans, workshop):
    registration_create(workshop=workshop, participant=_person(romans, "Awa"), party_size=3)
    leaving = registration_create(workshop=workshop, participant=_person(romans, "Bruno"))
    big = registration_create(workshop=workshop, participant=_person(romans, "Chloé"), party_size=2)
    small = registration_create(workshop=workshop, participant=_person(romans, "Dan"))
    registration_cancel(registration=leaving)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waiting", "confirmed")
    assert Workshop.objects.with_counts().get(pk=workshop.pk).places_taken == 4


def test_cancelling_a_waiting_registration_promotes_nobody(romans, workshop):
    registration_create(workshop=workshop, participant=_person(romans, "Awa"), party_size=4)
    waiting = registration_create(workshop=workshop, participant=_person(romans, "Bruno"))
    other_waiting = registration_create(workshop=workshop, participant=_person(romans, "Chloé"))
    registration_cancel(registration=waiting)
    other_waiting.refresh_from_db()
    assert other_waiting.status == Registration.Status.WAITING


# registration_checkin


def test_staff_check_participants_in(romans, workshop, animator):
    registration = registration_create(workshop=workshop, participant=_person(romans), party_size=2)
    registration = registration_checkin(actor=animator, registration=registration)
    assert registration.attended
    assert history_user(registration) == animator
    assert Workshop.objects.with_counts().get(pk=workshop.pk).people_present == 2
    registration = registration_checkin(actor=animator, registration=registration, attended=False)
    assert not registration.attended


def test_a_cancelled_registration_cannot_be_checked_in(romans, workshop, animator):
    registration = registration_cancel(registration=registration_create(workshop=workshop, participant=_person(romans)))
    with refused(match="Cette inscription est annulée."):
        registration_checkin(actor=animator, registration=registration)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_check_in(request, romans, workshop, persona):
    registration = registration_create(workshop=workshop, participant=_person(romans))
    actor = request.getfixturevalue(persona)
    with forbidden():
        registration_checkin(actor=actor, registration=registration)
    assert not Registration.objects.get(pk=registration.pk).attended


def test_participants_are_scoped_to_their_territory(romans, other):
    _person(romans)
    _person(other)
    assert Participant.objects.filter(territory=romans.territory).count() == 1


def test_animators_come_from_the_territory_team(romans, coordinator, other_coordinator):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from conserverie.workshops.models import Workshop
    from conserverie.workshops.services import workshop_open

    from ..conftest import DAY, aware

    start = aware(DAY, 14)
    with pytest.raises(ValidationError) as refused:
        workshop_open(
            actor=coordinator,
            territory=romans.territory,
            title="Confitures",
            site=romans.site,
            structure=romans.structure,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            animators=[other_coordinator],
        )
    assert "équipe de ce territoire" in str(refused.value)
    assert not Workshop.objects.exists()
