"""The group's messages (issue 18, item 5): a round opens, the order is ready, tomorrow's pick-up; only to members
who accepted the channel (a box not ticked by default), each naming the sender with a way to stop (CNIL guidance on
SMS and e-mail, CPCE art. L34-5); the nightly command finishes the rounds whose pick-up has passed."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conserverie.core import sms
from conserverie.purchasing.forms import MemberForm
from conserverie.purchasing.models import Order, Round
from conserverie.purchasing.notify import orders_ready, remind_pickups, round_opened
from conserverie.purchasing.public_forms import JoinForm
from conserverie.purchasing.services import member_desk_code, order_set, round_close

from .world import add_member, group


@pytest.fixture
def g(chain):
    return group(chain)


def test_the_message_boxes_are_not_ticked_by_default(chain):
    for form in (MemberForm(territory=chain.territory), JoinForm()):
        assert form["notify_email"].initial in (None, False)
        assert form["notify_sms"].initial in (None, False)


def test_messages_go_only_by_the_channels_a_member_accepted(chain, g):
    add_member(chain, "Chloé", "0610000003", email="chloe@example.org", notify_email=True)
    mail.outbox.clear()
    sms.outbox.clear()
    assert round_opened(g.round) == 2  # Amina by SMS, Chloé by e-mail, Bruno nothing
    assert [m.to for m in sms.outbox] == ["+33610000001"]
    assert "STOP" in sms.outbox[0].text
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
    assert "Ne plus recevoir ces messages" in mail.outbox[0].body


def test_ready_then_reminded_the_day_before_once(chain, g):
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 1})
    round_close(actor=chain.actor, the_round=g.round)
    sms.outbox.clear()
    assert orders_ready(g.round) == 1
    assert orders_ready(g.round) == 0  # once
    assert "commande prête" in sms.outbox[-1].text
    eve = g.round.pickup_day - timedelta(days=1)
    assert remind_pickups(today=eve - timedelta(days=1)) == 0
    assert remind_pickups(today=eve) == 1
    assert remind_pickups(today=eve) == 0
    assert "demain" in sms.outbox[-1].text


def test_the_nightly_command_finishes_past_rounds_and_refuses_bad_input(chain, g):
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    round_close(actor=chain.actor, the_round=g.round)
    out = StringIO()
    call_command("purchasing-rounds", "--date", (g.round.pickup_day + timedelta(days=1)).isoformat(), stdout=out)
    assert "1 commande(s) groupée(s) terminée(s)" in out.getvalue()
    assert Round.objects.get().status == Round.Status.DONE
    assert Order.objects.get().status == Order.Status.UNCOLLECTED
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date illisible"):
        call_command("purchasing-rounds", "--date", "demain")
    with pytest.raises(CommandError, match="Territoire inconnu"):
        call_command("purchasing-rounds", "--territory", "nulle-part")


def test_a_member_stops_the_messages_from_the_space(client, chain, g):
    code = member_desk_code(actor=chain.actor, member=g.amina)
    client.post(reverse("purchasing_public:login"), {"form": "code", "code": code})
    client.post(reverse("purchasing_public:stop_messages"))
    g.amina.refresh_from_db()
    assert (g.amina.notify_email, g.amina.notify_sms) == (False, False)
    sms.outbox.clear()
    round_opened(g.round)
    assert sms.outbox == []
