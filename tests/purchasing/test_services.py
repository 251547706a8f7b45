"""The purchasing group's services: members, rounds, reservations, closing, pick-up, uncollected back to stock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.selectors import credit_of, participant_balance
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import mass_balance_problems
from conserverie.purchasing.models import GroupMember, Order, Round
from conserverie.purchasing.services import (
    free_jars,
    member_add,
    member_by_desk_code,
    member_desk_code,
    member_sign_up,
    member_validate,
    order_cancel,
    order_set,
    pickup_hand_over,
    round_cancel,
    round_close,
    round_finish,
    rounds_finish_due,
)
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import deposit_return, jars_at

from ..helpers import released_lot
from .world import add_member, group, open_round


@pytest.fixture
def g(chain):
    return group(chain)


def test_a_member_added_at_the_desk_is_one_person_of_one_household(chain, g):
    again = add_member(chain, "amina", "+33610000001")
    assert again.pk == g.amina.pk
    sister = add_member(chain, "Leïla", "0610000001")
    assert sister.participant_id != g.amina.participant_id
    assert sister.participant.household_id == g.amina.participant.household_id
    assert g.amina.status == GroupMember.Status.ACTIVE


def test_bad_member_inputs_are_refused_at_the_field(chain, other_chain):
    with pytest.raises(ValidationError) as error:
        add_member(chain, "", "", notify_sms=True)
    assert {"first_name", "phone", "notify_sms"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        add_member(chain, "Zoé", "12")
    assert "phone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_member(chain, "Zoé", "0610000003", household_size=0)
    assert "household_size" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        add_member(chain, "Zoé", "0610000003", tier=None, participant=None) if False else member_sign_up(
            territory=chain.territory,
            structure=other_chain.structure,
            first_name="Zoé",
            phone="0610000003",
            consent=True,
        )
    assert not GroupMember.objects.exists()


def test_an_online_sign_up_waits_for_the_staff_and_cannot_order(chain, g):
    member = member_sign_up(
        territory=chain.territory,
        structure=chain.structure,
        first_name="Chloé",
        email="chloe@example.org",
        consent=True,
    )
    assert member.status == GroupMember.Status.PENDING
    with pytest.raises(ValidationError) as error:
        order_set(actor=None, the_round=g.round, member=member, quantities={g.item.pk: 1})
    assert "member" in error.value.message_dict
    member_validate(actor=chain.actor, member=member, price_tier=g.tier)
    order = order_set(actor=None, the_round=g.round, member=member, quantities={g.item.pk: 1})
    assert order.lines.get().quantity == 1


def test_a_sign_up_needs_consent(chain):
    with pytest.raises(ValidationError) as error:
        member_sign_up(territory=chain.territory, structure=chain.structure, first_name="Chloé", phone="0610000009")
    assert "consent" in error.value.message_dict


def test_a_viewer_cannot_manage_the_group(chain, g, viewer):
    with pytest.raises(PermissionDenied):
        round_close(actor=viewer, the_round=g.round)


def test_a_round_sets_aside_no_more_than_the_free_jars(chain, g):
    assert free_jars(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 4
    with pytest.raises(ValidationError) as error:
        open_round(chain, g.lot, offered=5, title="Trop")
    assert "4 bocal(aux) libre(s)" in error.value.message_dict["items"][0]
    assert Round.objects.count() == 1


def test_a_lot_not_released_is_not_in_a_catalogue(chain):
    from ..helpers import make_lot

    lot = make_lot(chain, jars=4)
    with pytest.raises(ValidationError) as error:
        open_round(chain, lot, offered=2)
    assert "n'est pas libéré" in error.value.message_dict["items"][0]


def test_orders_reserve_change_until_closing_and_never_oversell(chain, g):
    order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 4})
    g.item.refresh_from_db()
    assert (g.item.reserved, g.item.left) == (4, 2)
    with pytest.raises(ValidationError) as error:
        order_set(actor=chain.actor, the_round=g.round, member=g.bruno, quantities={g.item.pk: 3})
    assert "il reste 2 bocal(aux)" in error.value.message_dict["quantities"][0]
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    order_set(actor=chain.actor, the_round=g.round, member=g.bruno, quantities={g.item.pk: 5})
    g.item.refresh_from_db()
    assert (g.item.reserved, g.item.left) == (6, 0)
    order_cancel(actor=None, order=order)
    g.item.refresh_from_db()
    assert g.item.reserved == 5
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_a_first_order_placed_twice_is_refused_as_a_conflict_and_changes_nothing(chain, g):
    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 2}, new_only=True)
    with pytest.raises(ValidationError) as error:
        order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 5}, new_only=True)
    assert error.value.error_dict["member"][0].code == "conflict"
    g.item.refresh_from_db()
    assert g.item.reserved == 2  # the first order stands, the second wrote nothing
    order = Order.objects.get(round=g.round, member=g.amina)
    order_cancel(actor=None, order=order)
    order_set(actor=chain.actor, the_round=g.round, member=g.amina, quantities={g.item.pk: 1}, new_only=True)


def test_closing_turns_reservations_into_the_pick_up_list(chain, g):
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    empty = order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 1})
    order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 0})
    round_close(actor=chain.actor, the_round=g.round)
    statuses = dict(Order.objects.order_by("pk").values_list("member__participant__first_name", "status"))
    assert statuses == {"Amina": Order.Status.READY, "Bruno": Order.Status.CANCELLED}
    with pytest.raises(ValidationError):
        order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 1})
    assert Order.objects.get(pk=empty.pk).lines.count() == 0


def test_orders_end_at_the_closing_time_even_before_the_button(chain, g, time_machine):
    time_machine.move_to(g.round.closes_at + timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    assert "closes" in error.value.message_dict["quantities"][0]


def test_pick_up_writes_a_group_sale_at_the_members_tier_deposit_apart(chain, g):
    order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 3})
    round_close(actor=chain.actor, the_round=g.round)
    line = order.lines.get()
    pickup_hand_over(
        actor=chain.actor, order=order, handed={line.pk: 2}, payment_mode=PaymentMode.VOUCHER, empties={chain.jar.pk: 1}
    )
    sale = Distribution.objects.get()
    assert (sale.kind, sale.payment_mode, sale.price_tier, sale.participant) == (
        Distribution.Kind.GROUP_SALE,
        PaymentMode.VOUCHER,
        g.tier,
        g.amina.participant,
    )
    sold = sale.lines.get()
    assert (sold.quantity, sold.unit_price_eur, sold.deposit_eur) == (2, Decimal("2.00"), Decimal("1.00"))
    assert jars_at(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 8
    empties = StockMovement.objects.get(kind=MovementKind.EMPTY_RETURNED)
    assert (empties.quantity, empties.participant_id, empties.amount_eur) == (1, g.amina.participant_id, Decimal("1"))
    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
    assert order.distribution == sale
    g.item.refresh_from_db()
    assert g.item.reserved == 0
    assert mass_balance_problems(chain.territory) == []


def test_deposits_paid_from_credit_at_pick_up(chain, g):
    """The member's credit pays the deposits of the jars handed over, or the pick-up is refused and nothing written;
    the empty jars brought back at the pick-up are kept as credit first. The group's sales count in the balance."""
    deposit_return(
        actor=chain.actor,
        location=chain.truck,
        jar_format=chain.jar,
        quantity=1,
        participant=g.amina.participant,
        keep_as_credit=True,
    )
    assert credit_of(g.amina.participant) == Decimal("1.00")
    order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 3})
    round_close(actor=chain.actor, the_round=g.round)
    line = order.lines.get()
    returned = StockMovement.objects.filter(kind=MovementKind.EMPTY_RETURNED).count()
    for empties in ({}, {chain.jar.pk: 1}):  # 1.00 then 2.00 of credit for 3.00 of deposits
        with pytest.raises(ValidationError) as refused:
            pickup_hand_over(actor=chain.actor, order=order, handed={line.pk: 3}, empties=empties, use_credit=True)
        assert "ne suffit pas pour les consignes (3,00 €)" in refused.value.message_dict["use_credit"][0]
        assert not Distribution.objects.exists()
        assert StockMovement.objects.filter(kind=MovementKind.EMPTY_RETURNED).count() == returned
        assert Order.objects.get(pk=order.pk).status == Order.Status.READY
    pickup_hand_over(actor=chain.actor, order=order, handed={line.pk: 3}, empties={chain.jar.pk: 2}, use_credit=True)
    sold = Distribution.objects.get().lines.get()
    assert (sold.deposit_total_eur, sold.credit_eur, sold.paid_eur) == (Decimal("3.00"),) * 2 + (Decimal("6.00"),)
    assert set(StockMovement.objects.filter(kind=MovementKind.EMPTY_RETURNED).values_list("amount_eur", flat=True)) == {
        Decimal("0")
    }  # kept as credit, not refunded in cash
    balance = participant_balance(g.amina.participant)
    assert (balance.jars_taken, balance.jars_returned, balance.jars_out) == (3, 3, 0)
    assert (balance.credit, balance.deposits_held) == (Decimal("0"), Decimal("0"))


def test_credit_pays_only_a_persons_deposits(chain, g):
    with pytest.raises(ValidationError) as refused:
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.GROUP_SALE,
            location=chain.truck,
            day=timezone.localdate(),
            lines=[LineSpec(g.lot, chain.jar, 1, Decimal("4"))],
            use_credit=True,
        )
    assert "use_credit" in refused.value.message_dict  # an anonymous till sale has no credit
    assert not Distribution.objects.exists()


def test_a_member_without_a_tier_pays_the_group_price(chain, g):
    order = order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 1})
    round_close(actor=chain.actor, the_round=g.round)
    pickup_hand_over(actor=chain.actor, order=order, handed={order.lines.get().pk: 1})
    assert Distribution.objects.get().lines.get().unit_price_eur == Decimal("4.00")


def test_pick_up_refuses_more_than_ordered_and_writes_nothing(chain, g):
    order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    with pytest.raises(ValidationError):
        pickup_hand_over(actor=chain.actor, order=order, handed={order.lines.get().pk: 1})  # not closed yet
    round_close(actor=chain.actor, the_round=g.round)
    with pytest.raises(ValidationError):
        pickup_hand_over(actor=chain.actor, order=order, handed={order.lines.get().pk: 2})
    with pytest.raises(ValidationError):
        pickup_hand_over(actor=chain.actor, order=order, handed={order.lines.get().pk: 1}, payment_mode="bitcoin")
    assert not Distribution.objects.exists()
    assert Order.objects.get(pk=order.pk).status == Order.Status.READY


def test_uncollected_orders_go_back_to_stock_after_the_slot(chain, g):
    kept = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    taken = order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 3})
    round_close(actor=chain.actor, the_round=g.round)
    pickup_hand_over(actor=chain.actor, order=taken, handed={taken.lines.get().pk: 3})
    # 7 on the shelf, 2 still waiting for Amina; the jar nobody ordered is free since the closing.
    assert free_jars(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 5
    # The rule: the day after the pick-up the round is finished (a command runs it every night).
    assert rounds_finish_due(today=g.round.pickup_day) == []
    (done,) = rounds_finish_due(today=g.round.pickup_day + timedelta(days=1))
    assert done.status == Round.Status.DONE
    assert Order.objects.get(pk=kept.pk).status == Order.Status.UNCOLLECTED
    assert free_jars(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 7
    with pytest.raises(ValidationError):
        round_finish(actor=chain.actor, the_round=done)


def test_a_cancelled_round_frees_its_jars(chain, g):
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    round_cancel(actor=chain.actor, the_round=g.round)
    assert free_jars(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 10
    assert Order.objects.get().status == Order.Status.CANCELLED


def test_the_desk_code_is_hashed_expires_and_dies_with_a_new_one(chain, g, time_machine):
    code = member_desk_code(actor=chain.actor, member=g.amina)
    g.amina.refresh_from_db()
    assert code not in g.amina.desk_code_hash
    assert len(code) == 8
    assert member_by_desk_code(code.lower()) == g.amina
    second = member_desk_code(actor=chain.actor, member=g.amina)
    assert member_by_desk_code(code) is None or code == second
    assert member_by_desk_code(second) == g.amina
    time_machine.move_to(timezone.now() + timedelta(days=61))
    assert member_by_desk_code(second) is None


def test_another_territorys_member_or_round_is_refused(chain, other_chain, g):
    lot = released_lot(other_chain, jars=4)
    foreign = add_member(other_chain, "Yanis", "0610000044")
    with pytest.raises(PermissionDenied):
        order_set(actor=None, the_round=g.round, member=foreign, quantities={g.item.pk: 1})
    foreign_round = open_round(other_chain, lot, offered=2)
    with pytest.raises(PermissionDenied):
        round_close(actor=chain.actor, the_round=foreign_round)


def test_merging_two_members_of_one_group_keeps_one_membership_with_the_orders(chain, g):
    """Two records of one person, both members of the structure's group: one membership stays, the person kept's,
    with the duplicate's orders; both with an order in one round: refused in French until one is cancelled."""
    from conserverie.people.merge import participant_merge
    from conserverie.territories.models import Structure

    twin = add_member(chain, "Amina", "06 10 00 00 09", email="amina@example.org", notify_email=True)
    other_structure = Structure.objects.create(territory=chain.territory, name="Accorderie", city="Romans")
    elsewhere = member_add(  # the same duplicate, found again by phone, joins another structure's group
        actor=chain.actor,
        territory=chain.territory,
        structure=other_structure,
        first_name="Amina",
        phone="06 10 00 00 09",
        consent=True,
    )
    assert elsewhere.participant_id == twin.participant_id
    kept_order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 1})
    dup_order = order_set(actor=None, the_round=g.round, member=twin, quantities={g.item.pk: 2})
    keep, duplicate = g.amina.participant, twin.participant
    with pytest.raises(ValidationError) as refused:
        participant_merge(actor=chain.actor, territory=chain.territory, keep=keep, duplicate=duplicate)
    assert "annulez-en une avant de fusionner" in refused.value.message_dict["duplicate"][0]
    assert GroupMember.objects.filter(participant=duplicate).count() == 2  # nothing moved
    order_cancel(actor=chain.actor, order=dup_order)
    second = open_round(chain, g.lot, offered=2, title="Commande de juillet")
    later = order_set(actor=None, the_round=second, member=twin, quantities={second.items.get().pk: 1})
    participant_merge(actor=chain.actor, territory=chain.territory, keep=keep, duplicate=duplicate)
    (member,) = GroupMember.objects.filter(participant=keep, structure=chain.structure)
    assert member.pk == g.amina.pk
    assert (member.price_tier, member.notify_sms, member.notify_email) == (g.tier, True, True)
    assert set(Order.objects.filter(member=member).values_list("pk", flat=True)) == {kept_order.pk, later.pk}
    assert not Order.objects.filter(pk=dup_order.pk).exists()  # the cancelled one of the two orders of June
    assert not GroupMember.objects.filter(participant=duplicate).exists()
    assert GroupMember.objects.get(pk=elsewhere.pk).participant == keep  # the Accorderie's membership moved
