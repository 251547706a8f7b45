"""An offer's life: proposed → accepted → planned → collected, or declined with a message, or expired."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conserverie.producers.models import SurplusOffer
from conserverie.producers.selectors import offer_timeline
from conserverie.producers.services import offer_accept, offer_declare, offer_decline, offer_plan, offers_expire
from conserverie.sourcing.selectors import expiring_raw_lots
from conserverie.sourcing.services import collection_record, raw_lot_lose

from ..conftest import DAY
from ..helpers import forbidden, refused
from ..pages import add_offers, add_raw_lots, assert_flat_queries, text

INBOX = "/t/romans/offres/"


def declare(chain, start=DAY, days=3, farm=None, territory=None):
    return offer_declare(
        actor=chain.actor,
        territory=territory or chain.territory,
        producer=farm or chain.farm,
        product=chain.tomato,
        kg_estimated=Decimal("30"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=start,
        available_until=start + timedelta(days=days),
    )


def test_the_whole_way_to_collected_is_in_the_timeline(chain, coordinator):
    offer = declare(chain)
    offer = offer_plan(actor=coordinator, offer=offer_accept(actor=coordinator, offer=offer))
    collection_record(
        actor=coordinator,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("28"),
        collected_on=DAY,
        offer=offer,
    )
    offer.refresh_from_db()
    assert [e["status"] for e in offer_timeline(offer)] == ["proposed", "accepted", "planned", "collected"]


def test_only_an_accepted_offer_is_planned(chain, coordinator):
    offer = declare(chain)
    with refused(match="Cette offre est « Proposée » : action impossible."):
        offer_plan(actor=coordinator, offer=offer)


def test_a_decline_message_is_kept_for_the_farmer_and_in_the_history(chain, coordinator):
    offer = offer_decline(actor=coordinator, offer=declare(chain), message="  Camion complet, merci !  ")
    assert offer.status_message == "Camion complet, merci !"
    timeline = offer_timeline(offer)
    assert timeline[-1]["status"] == "declined"
    assert timeline[-1]["message"] == "Camion complet, merci !"


def test_a_planned_offer_can_still_be_declined(chain, coordinator):
    offer = offer_plan(actor=coordinator, offer=offer_accept(actor=coordinator, offer=declare(chain)))
    assert offer_decline(actor=coordinator, offer=offer, message="Tournée annulée").status == "declined"


def test_offers_past_their_window_expire_and_others_stay(chain, coordinator, other_chain):
    stale = declare(chain, start=DAY - timedelta(days=10))
    stale_accepted = offer_accept(actor=coordinator, offer=declare(chain, start=DAY - timedelta(days=10)))
    planned = offer_plan(
        actor=coordinator, offer=offer_accept(actor=coordinator, offer=declare(chain, start=DAY - timedelta(days=10)))
    )
    last_day = declare(chain, start=DAY - timedelta(days=3))  # ends on DAY: still open today
    declined = offer_decline(actor=coordinator, offer=declare(chain, start=DAY - timedelta(days=10)))
    elsewhere = declare(other_chain, start=DAY - timedelta(days=10))
    assert offers_expire(territory=chain.territory, today=DAY) == 2
    status = dict(SurplusOffer.objects.values_list("pk", "status"))
    assert status[stale.pk] == status[stale_accepted.pk] == "expired"
    assert status[planned.pk] == "planned"
    assert status[last_day.pk] == "proposed"
    assert status[declined.pk] == "declined"
    assert status[elsewhere.pk] == "proposed"
    assert offer_timeline(SurplusOffer.objects.get(pk=stale.pk))[-1]["status"] == "expired"
    assert offers_expire(today=DAY) == 1  # every territory: the other one's
    assert offers_expire(today=DAY) == 0


def test_an_expired_offer_cannot_be_accepted_nor_collected(chain, coordinator):
    offer = declare(chain, start=DAY - timedelta(days=10))
    offers_expire(today=DAY)
    with refused(match="Cette offre est « Expirée » : action impossible."):
        offer_accept(actor=coordinator, offer=offer)


def test_the_command_expires_offers_and_speaks_json(chain):
    declare(chain, start=DAY - timedelta(days=10))
    out = StringIO()
    call_command("expire-offers", "--date", DAY.isoformat(), "--territory", "romans", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"expired": 1, "date": "2026-06-10"}
    out = StringIO()
    call_command("expire-offers", "--date", DAY.isoformat(), stdout=out)
    assert "0 offre(s) expirée(s) au 10/06/2026." in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "10/06/2026"], "Date illisible : « 10/06/2026 » (attendu AAAA-MM-JJ)."),
        (["--territory", "nulle-part"], "Territoire inconnu : « nulle-part »."),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(db, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("expire-offers", *args)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_plan_is_for_staff_of_the_territory(request, chain, coordinator, persona):
    offer = offer_accept(actor=coordinator, offer=declare(chain))
    actor = request.getfixturevalue(persona)
    with forbidden():
        offer_plan(actor=actor, offer=offer)


# The inbox


@pytest.fixture
def staff_client(client, animator, clock):
    clock(DAY)
    client.force_login(animator)
    return client


def test_opening_the_inbox_expires_stale_offers(staff_client, chain):
    offer = declare(chain, start=DAY - timedelta(days=10))
    page = text(staff_client.get(INBOX))
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert "Expirée" in page


def test_declining_from_the_inbox_sends_the_message(staff_client, chain):
    offer = declare(chain)
    response = staff_client.post(f"{INBOX}{offer.pk}/refuser/", {"message": "Plus de place cette semaine"}, follow=True)
    offer.refresh_from_db()
    assert offer.status == "declined"
    assert offer.status_message == "Plus de place cette semaine"
    assert "« Plus de place cette semaine »" in text(response)


def test_the_inbox_counts_offers_waiting_for_an_answer(staff_client, chain):
    add_offers(chain, 3)
    assert "3 offres attendent une réponse." in text(staff_client.get(INBOX))


def test_the_inbox_warns_about_raw_lots_near_the_end_of_their_shelf_life(staff_client, chain, coordinator):
    # chain.raw: 40 kg of tomatoes collected on DAY, to process within 5 days: not yet a worry.
    assert "Lots bruts à transformer très vite" not in text(staff_client.get(INBOX))
    old = collection_record(
        actor=coordinator,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("12"),
        collected_on=DAY - timedelta(days=4),
    )  # use before DAY + 1
    gone = collection_record(
        actor=coordinator,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("5"),
        collected_on=DAY - timedelta(days=4),
    )
    raw_lot_lose(actor=coordinator, raw_lot=gone, kg=Decimal("5"), reason="Pourri", day=DAY)  # nothing left
    forgotten = collection_record(
        actor=coordinator,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("3"),
        collected_on=DAY - timedelta(days=30),
    )  # long past its date, kilos still in the books
    assert [r.code for r in expiring_raw_lots(chain.territory, DAY)] == [old.code]
    page = text(staff_client.get(INBOX))
    assert "Lots bruts à transformer très vite" in page
    assert old.code in page
    assert gone.code not in page
    assert "12 kg" in page
    assert forgotten.code not in page
    assert "1 lot brut a dépassé sa date et garde des kilos en stock : déclarez-le donné ou perdu." in page


def test_inbox_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    def grow(n):
        add_offers(chain, n)
        add_raw_lots(chain, n)
        for i in range(n):
            declare(chain, start=DAY - timedelta(days=20 + i))  # expired on the first visit

    assert_flat_queries(staff_client, INBOX, grow, django_assert_num_queries)
