"""Duplicates and their merge (issue 17, item 1): every record of the duplicate moves to the person kept, one seat per
person and workshop (the waiting list moves up), households reached counted once, the history kept, territories
apart, bad input refused in French."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conserverie.distribution.models import Distribution
from conserverie.figures.selectors import territory_figures
from conserverie.gleaning.models import GleaningRegistration
from conserverie.people.audit import log_participant_read
from conserverie.people.merge import duplicates_proposed, participant_merge
from conserverie.people.models import AccessLog, Consent, Participant
from conserverie.people.privacy import consent_record
from conserverie.people.relations import participant_links
from conserverie.stock.models import StockMovement
from conserverie.stock.services import deposit_return
from conserverie.workshops.models import Registration, VolunteerHours, Workshop
from conserverie.workshops.services import participant_create, registration_checkin, registration_create
from conserverie.workshops.volunteers import volunteer_hours_record

from ..conftest import DAY
from ..helpers import refused, table_counts
from ..pages import add_workshops, queries_on, text
from ..sourcing.gleaning_data import make_outing
from ..workshops.test_registry import give_jars


def future_workshop(chain, capacity=2, days=7):
    """A workshop `days` from now (next week) with `capacity` places."""
    from conserverie.workshops.services import workshop_open

    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title="Atelier confitures",
        site=chain.site,
        structure=chain.structure,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        animators=[chain.actor],
        planned_recipes=[chain.recipe],
    )


@pytest.fixture
def pair(chain, coordinator):
    """Nadia signed up twice: once by phone, once by e-mail (another household, the same commune). Both records
    came to the same past workshop; the duplicate also took jars, returned one, gave hours, went gleaning, and
    both hold a seat of a full workshop next week, where Bruno waits."""
    keep = participant_create(
        territory=chain.territory, first_name="Nadia", phone="06 11 22 33 44", neighbourhood="La Monnaie", consent=True
    )
    dup = participant_create(
        territory=chain.territory,
        first_name="nadia",
        email="Nadia@example.org",
        neighbourhood="la monnaie",
        household_size=4,
        consent=True,
    )
    consent_record(participant=keep, scopes=["photos"])
    consent_record(participant=dup, scopes=["photos", "surveys"])
    add_workshops(chain, 1, registrations=0)
    past = Workshop.objects.get(territory=chain.territory)
    for person in (keep, dup):
        registration_checkin(actor=coordinator, registration=registration_create(workshop=past, participant=person))
    give_jars(chain, dup)
    deposit_return(actor=coordinator, location=chain.truck, jar_format=chain.jar, quantity=1, participant=dup)
    volunteer_hours_record(
        actor=coordinator, territory=chain.territory, date=DAY, hours=Decimal("2"), activity="Tri", participant=dup
    )
    log_participant_read(actor=coordinator, territory=chain.territory, participants=[dup], fields=["x"], purpose="t")
    outing = make_outing(chain)
    GleaningRegistration.objects.create(outing=outing, participant=dup)
    soon = future_workshop(chain, capacity=2)
    registration_create(workshop=soon, participant=keep)
    registration_create(workshop=soon, participant=dup)
    bruno = participant_create(territory=chain.territory, first_name="Bruno", consent=True)
    waiting = registration_create(workshop=soon, participant=bruno)
    assert waiting.status == Registration.Status.WAITING
    return keep, dup, past, soon, waiting


def test_merge_moves_every_record_and_counts_the_household_once(pair, chain, coordinator):
    keep, dup, past, soon, waiting = pair
    before = territory_figures(chain.territory, mass_balance=False)
    assert before.households == 2  # one person counted as two homes: what the merge repairs
    participant_merge(actor=coordinator, territory=chain.territory, keep=keep, duplicate=dup)

    after = territory_figures(chain.territory, mass_balance=False)
    assert after.households == 1
    assert after.participants == 1  # the two sign-ups to the past workshop are one person present
    assert after.jars_given == before.jars_given
    # Every record of the duplicate is now the person's; only the cancelled second seats stay on the duplicate.
    for link in participant_links():
        left = link.rows([dup.pk])
        if link.is_registration:
            assert set(left.values_list("status", flat=True)) <= {"cancelled"}, link.label
        else:
            assert not left.exists(), link.label
    assert Distribution.objects.get(participant__isnull=False).participant_id == keep.pk
    assert StockMovement.objects.filter(participant=keep).count() == 2  # the jars given, the jar returned
    assert VolunteerHours.objects.get().participant_id == keep.pk
    assert GleaningRegistration.objects.get().participant_id == keep.pk
    assert AccessLog.objects.get(purpose="t").participant_id == keep.pk
    assert set(Consent.objects.filter(participant=keep).values_list("scope", flat=True)) == {
        "contact",
        "photos",
        "surveys",
    }
    # One seat per person and workshop: the duplicate's seat is freed and Bruno, who waited, has it.
    assert soon.registrations.filter(participant=keep).get().status == "confirmed"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert past.registrations.get(participant=keep).attended
    # One household, the larger size; the duplicate stays, merged, with its contact taken over.
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into_id == keep.pk
    assert dup.household_id == keep.household_id
    assert keep.household.size == 4
    assert keep.email == "Nadia@example.org"
    # The history is kept and says who merged: the audit trail's participant rows.
    last = dup.history.order_by("-history_id").first()
    assert last.history_user == coordinator
    assert f"fusionné dans n° {keep.pk}" in last.history_change_reason
    assert dup.history.count() >= 2
    # Sign-ups now find the person kept, not the merged record.
    assert duplicates_proposed(territory=chain.territory) == []


def test_a_better_seat_of_the_duplicate_becomes_the_persons(chain, coordinator):
    soon = future_workshop(chain, capacity=1)
    dup = participant_create(territory=chain.territory, first_name="Léa", phone="0611223355", consent=True)
    keep = participant_create(territory=chain.territory, first_name="Lea", phone="+33611223355", consent=True)
    registration_create(workshop=soon, participant=dup)
    assert registration_create(workshop=soon, participant=keep).status == "waiting"
    participant_merge(actor=coordinator, territory=chain.territory, keep=keep, duplicate=dup)
    assert soon.registrations.get(participant=keep).status == "confirmed"
    assert soon.registrations.get(participant=dup).status == "cancelled"
    assert soon.count_places_taken() == 1


def test_bad_merges_are_refused_in_french_and_write_nothing(
    chain, other_chain, coordinator, other_coordinator, animator
):
    nadia = participant_create(territory=chain.territory, first_name="Nadia", consent=True)
    nadia2 = participant_create(territory=chain.territory, first_name="Nadia", consent=True)
    elsewhere = participant_create(territory=other_chain.territory, first_name="Nadia", consent=True)
    counts = table_counts()
    with refused("duplicate", match="elle-même"):
        participant_merge(actor=coordinator, territory=chain.territory, keep=nadia, duplicate=nadia)
    with refused("duplicate", match="même territoire"):
        participant_merge(actor=coordinator, territory=chain.territory, keep=nadia, duplicate=elsewhere)
    with refused(exc=PermissionDenied):  # a coordinator of B merges nothing of A
        participant_merge(actor=other_coordinator, territory=chain.territory, keep=nadia, duplicate=nadia2)
    with refused("duplicate", match="même territoire"):
        participant_merge(actor=other_coordinator, territory=other_chain.territory, keep=elsewhere, duplicate=nadia)
    with refused(exc=PermissionDenied):
        participant_merge(actor=animator, territory=chain.territory, keep=nadia, duplicate=nadia2)
    assert table_counts() == counts
    participant_merge(actor=coordinator, territory=chain.territory, keep=nadia, duplicate=nadia2)
    with refused("duplicate", match="déjà fusionné"):
        participant_merge(actor=coordinator, territory=chain.territory, keep=nadia2, duplicate=nadia)


def test_duplicates_proposed_say_why(chain):
    def make(name, **extra):
        return participant_create(territory=chain.territory, first_name=name, consent=True, **extra)

    a = make("Aïcha", phone="06 12 34 56 78")
    b = make("Aicha", phone="+33 6 12 34 56 78", email="a@example.org")
    c = make("Sam", email="A@EXAMPLE.org")
    d = make("Ines", neighbourhood="Les Ors")
    e = make("Inès", neighbourhood="les ors")
    make("Ines", neighbourhood="Bourg-de-Péage")
    reasons = {(p.first.pk, p.second.pk): p.reasons for p in duplicates_proposed(territory=chain.territory)}
    assert reasons == {(a.pk, b.pk): ["phone"], (b.pk, c.pk): ["email"], (d.pk, e.pk): ["name_commune"]}
    assert [(p.first.pk, p.second.pk) for p in duplicates_proposed(territory=chain.territory, q="sam")] == [
        (b.pk, c.pk)
    ]


# --- Pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_duplicates_page_lists_pairs_with_reasons_in_flat_queries(coordinator_client, chain, django_assert_num_queries):
    url = reverse("people:duplicates", args=[chain.territory.slug])

    def grow(n):
        start = Participant.objects.count()
        for i in range(start, start + n):
            for name in (f"P{i}", f"Q{i}"):
                participant_create(territory=chain.territory, first_name=name, phone=f"06000{i:03d}01", consent=True)

    grow(3)
    page = text(coordinator_client.get(url))
    assert "même numéro de téléphone" in page
    assert "P0 #" in page
    with_3 = queries_on(coordinator_client, url)
    grow(6)
    assert queries_on(coordinator_client, url) == with_3
    with django_assert_num_queries(with_3):
        coordinator_client.get(url + "?q=P1")


def test_merge_page_confirms_then_merges(coordinator_client, pair, chain, coordinator):
    keep, dup, *_ = pair
    url = reverse("people:merge", args=[chain.territory.slug])
    page = coordinator_client.get(url, {"keep": keep.pk, "duplicate": dup.pk})
    assert page.status_code == 200
    assert "passent sur la fiche gardée" in text(page)
    # The page costs the same whatever the number of records to move (one count per kind of record).
    compare = f"{url}?keep={keep.pk}&duplicate={dup.pk}"
    before = queries_on(coordinator_client, compare)
    for day in range(3):
        volunteer_hours_record(
            actor=coordinator,
            territory=chain.territory,
            date=DAY + timedelta(days=day),
            hours=Decimal("1"),
            activity="Tri",
            participant=dup,
        )
    assert queries_on(coordinator_client, compare) == before
    unconfirmed = coordinator_client.post(url, {"keep": keep.pk, "duplicate": dup.pk})
    assert unconfirmed.status_code == 422
    assert "Cochez la case pour confirmer la fusion." in text(unconfirmed)
    assert Participant.objects.get(pk=dup.pk).merged_into_id is None
    done = coordinator_client.post(url, {"keep": keep.pk, "duplicate": dup.pk, "confirm": "on"})
    assert done.status_code == 302
    assert Participant.objects.get(pk=dup.pk).merged_into_id == keep.pk
    # The participants list shows the person once; the merged record only under its filter.
    listing = reverse("participants:list", args=[chain.territory.slug])
    shown = [row.pk for row in coordinator_client.get(listing).context["page"].object_list]
    assert keep.pk in shown
    assert dup.pk not in shown
    merged = [row.pk for row in coordinator_client.get(listing, {"qui": "fusionnes"}).context["page"].object_list]
    assert merged == [dup.pk]
    same = coordinator_client.post(url, {"keep": keep.pk, "duplicate": keep.pk, "confirm": "on"})
    assert same.status_code == 422
    assert "elle-même" in text(same)


def test_another_territory_and_an_animator_get_404(client, pair, chain, other_chain, other_coordinator, animator):
    keep, dup, *_ = pair
    for user in (other_coordinator, animator):
        client.force_login(user)
        assert client.get(reverse("people:duplicates", args=[chain.territory.slug])).status_code == 404
        merge = reverse("people:merge", args=[chain.territory.slug])
        assert client.post(merge, {"keep": keep.pk, "duplicate": dup.pk, "confirm": "on"}).status_code == 404
    client.force_login(other_coordinator)
    # Through B's own address, A's people are not found either.
    merge_b = reverse("people:merge", args=[other_chain.territory.slug])
    assert client.post(merge_b, {"keep": keep.pk, "duplicate": dup.pk, "confirm": "on"}).status_code == 404
    assert client.get(reverse("people:duplicates", args=[other_chain.territory.slug])).status_code == 200
    assert Participant.objects.get(pk=dup.pk).merged_into_id is None
