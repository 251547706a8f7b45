"""Gleaning outings: planning, sign-ups with the workshops' waiting-list rules, cancellation, harvest and hours."""

import json
from datetime import date, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conserverie.core import sms
from conserverie.figures.selectors import mass_balance_problems, territory_figures
from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.gleaning.services import (
    HarvestLine,
    outing_cancel,
    outing_checkin,
    outing_harvest_record,
    outing_public_signup,
    outing_register,
    outing_registration_cancel,
    outing_totals,
    outing_update,
)
from conserverie.people.models import Participant
from conserverie.people.privacy import participant_erase, participants_stale, person_export
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import raw_lot_give, raw_lot_lose
from conserverie.workshops.models import VolunteerHours
from conserverie.workshops.volunteers import smic_hourly

from ..helpers import forbidden, history_user, refused
from .gleaning_data import apple, attended, glean_offer, make_outing, person, sign_up

Status = GleaningRegistration.Status


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "conserverie.core.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def statuses(outing):
    return list(outing.registrations.order_by("id").values_list("status", flat=True))


# --- Planning ------------------------------------------------------------------------------------------------------


def test_an_outing_is_planned_and_its_glean_offer_becomes_planned(chain):
    offer = glean_offer(chain)
    assert offer.status == SurplusOffer.Status.PROPOSED
    outing = make_outing(chain, offer=offer, lat=Decimal("45.09"), lon=Decimal("5.04"), note="Prenez des gants.")
    assert outing.status == GleaningOuting.Status.PLANNED
    assert outing.has_point
    assert outing.meeting_point == "Devant le hangar, route de Peyrins"
    assert outing.duration_hours == Decimal("3")
    assert history_user(outing) == chain.actor
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.PLANNED


@pytest.mark.parametrize(
    ("change", "field", "match"),
    [
        ({"meeting_point": "  "}, "meeting_point", "où l'on se retrouve"),
        ({"start_time": time(12), "end_time": time(9)}, "end_time", "finir après"),
        ({"capacity": 0}, "capacity", "au moins une place"),
        ({"lat": Decimal("45.1")}, "lat", "aucune des deux"),
        ({"lat": Decimal("95"), "lon": Decimal("5")}, "lat", "pas sur la Terre"),
    ],
)
def test_bad_outings_are_refused_and_write_nothing(chain, change, field, match):
    with refused(field, match):
        make_outing(chain, **change)


def test_an_offer_that_is_not_to_glean_or_of_another_farm_or_closed_is_refused(chain, other_chain):
    collect = offer_declare(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg_estimated=Decimal("20"),
        grade=SurplusOffer.Grade.SURPLUS,
        mode=SurplusOffer.Mode.COLLECT,
        available_from=timezone.localdate(),
        available_until=timezone.localdate() + timedelta(days=5),
    )
    with refused("offer", "Glanage"):
        make_outing(chain, offer=collect)
    declined = glean_offer(chain)
    SurplusOffer.objects.filter(pk=declined.pk).update(status=SurplusOffer.Status.DECLINED)
    declined.refresh_from_db()
    with refused("offer", "Refusée"):
        make_outing(chain, offer=declined)
    elsewhere = glean_offer(other_chain)
    with forbidden():
        make_outing(chain, offer=elsewhere)


def test_only_staff_of_the_territory_plan_an_outing(chain, viewer, other_chain, other_coordinator):
    with forbidden():
        make_outing(chain, actor=viewer)
    with forbidden():
        make_outing(chain, actor=other_coordinator)
    with forbidden():
        make_outing(chain, producer=other_chain.farm)


def test_more_places_move_the_waiting_list_up_and_fewer_than_taken_are_refused(chain):
    outing = make_outing(chain, capacity=2)
    sign_up(outing, chain, "Amina", party_size=2)
    waiting = sign_up(outing, chain, "Bernard")
    assert waiting.status == Status.WAITING
    with refused("capacity", "déjà inscrites"):
        outing_update(actor=chain.actor, outing=outing, capacity=1)
    outing_update(actor=chain.actor, outing=outing, capacity=3, note="Bottes conseillées")
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    outing.refresh_from_db()
    assert outing.capacity == 3
    assert outing.note == "Bottes conseillées"


def test_changing_the_offer_gives_the_old_one_back(chain):
    first, second = glean_offer(chain), glean_offer(chain)
    outing = make_outing(chain, offer=first)
    outing_update(actor=chain.actor, outing=outing, offer=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SurplusOffer.Status.ACCEPTED
    assert second.status == SurplusOffer.Status.PLANNED


# --- Sign-ups ------------------------------------------------------------------------------------------------------


def test_places_then_waiting_list_then_promotion_on_cancel(chain):
    outing = make_outing(chain, capacity=4)
    family = sign_up(outing, chain, "Amina", party_size=3)
    too_big = sign_up(outing, chain, "Bernard", party_size=2)
    single = sign_up(outing, chain, "Chantal", party_size=1)
    last = sign_up(outing, chain, "Dylan", party_size=1)
    assert statuses(outing) == [Status.CONFIRMED, Status.WAITING, Status.CONFIRMED, Status.WAITING]
    outing_registration_cancel(registration=family)
    # Three places free: the family of two first (first come), then the last single person.
    too_big.refresh_from_db()
    last.refresh_from_db()
    assert too_big.status == Status.CONFIRMED
    assert last.status == Status.CONFIRMED
    assert outing_registration_cancel(registration=single).status == Status.CANCELLED
    taken = sum(r.party_size for r in outing.registrations.filter(status=Status.CONFIRMED))
    assert taken <= outing.capacity


def test_the_same_person_signs_up_once_and_a_participant_is_the_workshops_one(chain, other_chain):
    outing = make_outing(chain)
    amina = person(chain, "Amina")
    outing_register(outing=outing, participant=amina)
    with refused(match="déjà inscrite"):
        outing_register(outing=outing, participant=amina)
    bernard, zoe = person(chain, "Bernard"), person(other_chain, "Zoé")
    with refused("party_size"):
        outing_register(outing=outing, participant=bernard, party_size=0)
    with forbidden():
        outing_register(outing=outing, participant=zoe)
    assert amina.gleaning_registrations.count() == 1


def test_public_sign_up_writes_the_person_and_the_registration_or_nothing(chain):
    outing = make_outing(chain, capacity=1)
    registration = outing_public_signup(
        outing=outing, first_name=" Nadia ", phone="06 00 00 00 42", party_size=1, consent=True
    )
    assert registration.status == Status.CONFIRMED
    assert registration.participant.first_name == "Nadia"
    assert registration.participant.territory == chain.territory
    assert len(registration.token) == 32
    with refused("consent"):
        outing_public_signup(outing=outing, first_name="Karim", consent=False)
    with refused("first_name"):
        outing_public_signup(outing=outing, first_name="", consent=True)
    second = outing_public_signup(outing=outing, first_name="Karim", consent=True)
    assert second.status == Status.WAITING


def test_no_sign_up_to_a_past_or_cancelled_outing(chain):
    past = make_outing(chain, days=-3)
    with refused(match="fermées"):
        outing_public_signup(outing=past, first_name="Nadia", consent=True)
    outing = make_outing(chain)
    outing_cancel(actor=chain.actor, outing=outing, reason="Grêle")
    amina = person(chain)
    with refused(match="fermées"):
        outing_register(outing=outing, participant=amina)


def test_cancelling_an_outing_tells_people_and_gives_the_offer_back(chain, mailoutbox, sms_outbox):
    offer = glean_offer(chain)
    outing = make_outing(chain, capacity=1, offer=offer)
    sign_up(outing, chain, "Amina", email="amina@example.org")
    sign_up(outing, chain, "Bernard", phone="06 00 00 00 07")  # waiting: told as well
    sign_up(outing, chain, "Chantal")  # no way to reach her
    with refused("reason"):
        outing_cancel(actor=chain.actor, outing=outing, reason="  ")
    outing_cancel(actor=chain.actor, outing=outing, reason="Grêle sur les tomates")
    outing.refresh_from_db()
    offer.refresh_from_db()
    assert outing.status == GleaningOuting.Status.CANCELLED
    assert outing.cancel_reason == "Grêle sur les tomates"
    assert offer.status == SurplusOffer.Status.ACCEPTED
    (message,) = mailoutbox
    assert "Sortie de glanage annulée" in message.subject
    assert "Grêle sur les tomates" in message.body
    assert message.to == ["amina@example.org"]
    assert "/randos/" in message.body
    (text_message,) = sms_outbox
    assert text_message.to == "+33600000007"  # E.164 (issue 17)
    assert "glanage" in text_message.text
    with refused(match="ne peut plus être annulée"):
        outing_cancel(actor=chain.actor, outing=outing, reason="Encore")


def test_staff_of_another_territory_cannot_act_on_an_outing(chain, other_coordinator, viewer):
    outing = make_outing(chain)
    registration = sign_up(outing, chain)
    with forbidden():
        outing_cancel(actor=other_coordinator, outing=outing, reason="Non")
    with forbidden():
        outing_update(actor=viewer, outing=outing, capacity=20)
    with forbidden():
        outing_checkin(actor=other_coordinator, registration=registration)


# --- After the outing ----------------------------------------------------------------------------------------------


def test_harvest_becomes_raw_lots_and_hours_are_valued_at_the_smic(chain):
    offer = glean_offer(chain)
    outing = make_outing(chain, days=-2, offer=offer)
    present = attended(outing, chain, ("Amina", "Bernard"))
    absent = GleaningRegistration.objects.create(outing=outing, participant=person(chain, "Chantal"))
    harvest = outing_harvest_record(
        actor=chain.actor,
        outing=outing,
        lines=[
            HarvestLine(chain.tomato, Decimal("42.5"), SurplusOffer.Grade.DOWNGRADED),
            HarvestLine(apple(), Decimal("18"), SurplusOffer.Grade.SURPLUS),
        ],
    )
    tomato_lot, apple_lot = harvest.raw_lots
    assert tomato_lot.gleaning_outing == outing
    assert tomato_lot.offer == offer
    assert apple_lot.offer is None
    assert tomato_lot.producer == chain.farm
    assert tomato_lot.collected_on == outing.date
    assert tomato_lot.grade == "downgraded"
    assert apple_lot.grade == "surplus"
    offer.refresh_from_db()
    outing.refresh_from_db()
    assert offer.status == SurplusOffer.Status.COLLECTED
    assert outing.status == GleaningOuting.Status.DONE
    rows = VolunteerHours.objects.filter(outing=outing)
    assert {row.participant_id for row in rows} == {r.participant_id for r in present}
    assert absent.participant_id not in {row.participant_id for row in rows}
    assert all(row.hours == Decimal("3") and row.date == outing.date for row in rows)
    totals = outing_totals(outing)
    assert totals.kg == Decimal("60.5")
    assert totals.hours == Decimal("6")
    assert totals.people == 2
    # 6 hours at the SMIC in force on the outing's day (the dated table: 12.02 € since 1 January 2026).
    assert totals.value_eur == (Decimal("6") * smic_hourly(outing.date)).quantize(Decimal("0.01"))
    assert smic_hourly(date(2026, 6, 1)) == Decimal("12.02")


def test_gleaned_kilos_keep_the_mass_balance(chain):
    outing = make_outing(chain, days=-1)
    before = territory_figures(chain.territory)
    (lot,) = outing_harvest_record(
        actor=chain.actor, outing=outing, lines=[HarvestLine(chain.tomato, Decimal("30"))], hours=Decimal("2.5")
    ).raw_lots
    raw_lot_give(actor=chain.actor, raw_lot=lot, kg=Decimal("10"), reason="Épicerie solidaire")
    raw_lot_lose(actor=chain.actor, raw_lot=lot, kg=Decimal("2.25"), reason="Abîmées au tri")
    after = territory_figures(chain.territory)
    assert after.kg_collected - before.kg_collected == Decimal("30")
    assert after.kg_in_stock - before.kg_in_stock == Decimal("17.75")
    assert after.kg_collected == after.kg_processed + after.kg_given_raw + after.kg_lost + after.kg_in_stock
    assert mass_balance_problems(chain.territory) == []
    assert RawLot.objects.with_balance().get(pk=lot.pk).kg_left == Decimal("17.75")
    assert RawLotMovement.objects.filter(raw_lot=lot).count() == 2


@pytest.mark.parametrize(
    ("lines", "hours", "field", "match"),
    [
        ([], None, "lines", "au moins un produit"),
        ([("tomato", "0")], None, "lines", "supérieur à zéro"),
        ([("tomato", "5"), ("tomato", "3")], None, "lines", "deux fois"),
        ([("tomato", "5")], Decimal("25"), "hours", "24 heures"),
        ([("tomato", "5")], Decimal("0"), "hours", "24 heures"),
    ],
)
def test_a_bad_harvest_is_refused_and_writes_nothing(chain, lines, hours, field, match):
    outing = make_outing(chain, days=-1)
    attended(outing, chain)
    harvest = [HarvestLine(getattr(chain, product), Decimal(kg)) for product, kg in lines]
    with refused(field, match):
        outing_harvest_record(actor=chain.actor, outing=outing, lines=harvest, hours=hours)


def test_a_harvest_is_recorded_once_after_the_outing_and_never_for_a_cancelled_one(chain, viewer, other_coordinator):
    line = [HarvestLine(chain.tomato, Decimal("5"))]
    future = make_outing(chain, days=2)
    with refused(match="après la sortie"):
        outing_harvest_record(actor=chain.actor, outing=future, lines=line)
    future = outing_cancel(actor=chain.actor, outing=future, reason="Pluie")
    with refused(match="annulée"):
        outing_harvest_record(actor=chain.actor, outing=future, lines=line)
    past = make_outing(chain, days=-1)
    with forbidden():
        outing_harvest_record(actor=viewer, outing=past, lines=line)
    with forbidden():
        outing_harvest_record(actor=other_coordinator, outing=past, lines=line)
    outing_harvest_record(actor=chain.actor, outing=past, lines=line)
    with refused(match="déjà enregistrée"):
        outing_harvest_record(actor=chain.actor, outing=past, lines=line)
    with refused(match="ne se modifie plus"):
        outing_update(actor=chain.actor, outing=past, capacity=30)


def test_an_erased_participant_gets_no_hours_and_a_harvest_without_anyone_present_still_counts(chain, coordinator):
    outing = make_outing(chain, days=-1)
    kept, erased = attended(outing, chain, ("Amina", "Bernard"))
    participant_erase(actor=coordinator, participant=erased.participant, reason="Demande")
    harvest = outing_harvest_record(actor=chain.actor, outing=outing, lines=[HarvestLine(chain.tomato, Decimal("4"))])
    assert [row.participant_id for row in harvest.hours] == [kept.participant_id]
    lonely = make_outing(chain, days=-2)
    assert (
        outing_harvest_record(actor=chain.actor, outing=lonely, lines=[HarvestLine(chain.tomato, Decimal("4"))]).hours
        == []
    )


def test_check_in_marks_presence_and_a_cancelled_registration_cannot_be_checked_in(chain):
    outing = make_outing(chain)
    registration = sign_up(outing, chain)
    assert outing_checkin(actor=chain.actor, registration=registration).attended is True
    assert outing_checkin(actor=chain.actor, registration=registration, attended=False).attended is False
    outing_registration_cancel(registration=registration)
    with refused(match="annulée"):
        outing_checkin(actor=chain.actor, registration=registration)


def test_outings_appear_in_the_person_export_and_count_as_participation_for_retention(chain):
    outing = make_outing(chain, days=-10)
    (registration,) = attended(outing, chain, ("Amina",))
    amina = registration.participant
    (row,) = person_export(amina)["gleaning_outings"]
    assert row["farm"] == chain.farm.name
    assert row["date"] == outing.date.isoformat()
    assert row["attended"] is True
    later = timezone.now() + timedelta(days=200)
    assert amina not in participants_stale(months=12, now=later)
    Participant.objects.filter(pk=amina.pk).update(created_at=later - timedelta(days=400))
    GleaningOuting.objects.filter(pk=outing.pk).update(date=(later - timedelta(days=390)).date())
    assert amina in participants_stale(months=12, now=later)


def run_reminders(*args) -> str:
    out = StringIO()
    call_command("reminders", *args, stdout=out)
    return out.getvalue()


def test_the_day_before_people_who_want_it_get_one_reminder(chain, mailoutbox, sms_outbox):
    outing = make_outing(chain, days=1, capacity=3)
    by_sms = sign_up(outing, chain, "Amina", phone="06 00 00 00 01", reminders=True)
    by_mail = sign_up(outing, chain, "Bernard", email="bernard@example.org", reminders=True)
    sign_up(outing, chain, "Chantal", phone="06 00 00 00 03")  # did not ask for reminders
    sign_up(outing, chain, "Dylan", phone="06 00 00 00 04", reminders=True, party_size=2)  # waiting
    data = json.loads(run_reminders("--json"))
    rows = [row for row in data["rows"] if row.get("outing") == outing.pk]
    assert [row["registration"] for row in rows] == [by_sms.pk, by_mail.pk]
    (text,) = [m.text for m in sms_outbox]
    assert text.startswith("Demain 9h, glanage à Ferme des Tests ROM. RDV : Devant le hangar")
    assert text.endswith(f"/randos/annuler/{by_sms.token}/")
    (message,) = mailoutbox
    assert message.to == ["bernard@example.org"]
    assert "Rendez-vous : Devant le hangar" in message.body
    by_sms.refresh_from_db()
    assert by_sms.reminded_at is not None
    run_reminders()
    assert len(sms_outbox) == 1
    assert len(mailoutbox) == 1
