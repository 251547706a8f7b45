import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from conserverie.producers.models import Product, SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import collection_record, raw_lot_draw, raw_lot_give, raw_lot_lose
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import forbidden, history_user, refused


def _collect(chain, **over):
    kwargs = {
        "actor": chain.actor,
        "territory": chain.territory,
        "producer": chain.farm,
        "product": chain.tomato,
        "kg": Decimal("12.5"),
        "collected_on": DAY,
    }
    kwargs.update(over)
    return collection_record(**kwargs)


@pytest.fixture
def offer(chain):
    return offer_declare(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg_estimated=Decimal("50"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY + timedelta(days=2),
    )


@pytest.fixture
def carrot(db):
    return Product.objects.create(name="Carotte", category=Product.Category.VEGETABLE, shelf_life_days=14)


# collection_record


def test_a_collection_becomes_a_raw_lot_with_a_readable_unique_code(chain, other_chain, animator):
    second = _collect(chain, actor=animator)
    third = _collect(chain, collected_on=DAY + timedelta(days=1))
    assert chain.raw.code == "ROM-B260610-01"
    assert second.code == "ROM-B260610-02"
    assert third.code == "ROM-B260611-01"
    assert other_chain.raw.code == "VER-B260610-01"
    codes = list(RawLot.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 4
    assert all(re.fullmatch(r"[A-Z]{3}-B\d{6}-\d{2}", code) for code in codes)
    assert second.use_before == DAY + timedelta(days=chain.tomato.shelf_life_days)
    assert second.recorded_by == animator
    assert history_user(second) == animator


def test_collecting_an_offer_marks_it_collected(chain, offer, animator):
    raw = _collect(chain, actor=animator, offer=offer)
    offer.refresh_from_db()
    assert raw.offer == offer
    assert offer.status == SurplusOffer.Status.COLLECTED
    assert history_user(offer) == animator
    # A second pick-up of the same offer is another raw lot; the offer stays collected.
    _collect(chain, offer=offer)
    assert offer.raw_lots.count() == 2


@pytest.mark.parametrize("kg", [Decimal("0"), Decimal("-3"), None])
def test_a_collection_weighs_more_than_zero(chain, kg):
    with refused("kg", "Le poids pesé doit être supérieur à zéro."):
        _collect(chain, kg=kg)


def test_a_collection_must_match_its_offer(chain, offer, carrot):
    with refused("offer", "Cette offre ne correspond pas à ce producteur et ce produit."):
        _collect(chain, offer=offer, product=carrot)


@pytest.mark.parametrize("status", [SurplusOffer.Status.DECLINED, SurplusOffer.Status.EXPIRED])
def test_a_declined_or_expired_offer_cannot_be_collected(chain, offer, status):
    SurplusOffer.objects.filter(pk=offer.pk).update(status=status)
    offer.refresh_from_db()
    with refused("offer", "Cette offre a été refusée ou a expiré."):
        _collect(chain, offer=offer)


def test_a_collection_cannot_name_a_farm_or_offer_of_another_territory(chain, other_chain):
    with forbidden():
        _collect(chain, producer=other_chain.farm)
    foreign_offer = offer_declare(
        actor=other_chain.actor,
        territory=other_chain.territory,
        producer=other_chain.farm,
        product=chain.tomato,
        kg_estimated=Decimal("5"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY,
    )
    with forbidden():
        _collect(chain, offer=foreign_offer)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator", "farmer"])
def test_only_staff_of_the_territory_record_collections(request, chain, persona):
    if persona == "farmer":
        actor = make_user("farmer", chain.territory, Role.PRODUCER, producer=chain.farm)
    else:
        actor = request.getfixturevalue(persona)
    with forbidden():
        _collect(chain, actor=actor)


# raw_lot_give / raw_lot_lose / raw_lot_draw


def test_giving_and_losing_kilos_keeps_the_raw_lot_balance(chain, animator):
    given = raw_lot_give(actor=animator, raw_lot=chain.raw, kg=Decimal("5"), reason="Épicerie solidaire", day=DAY)
    lost = raw_lot_lose(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("2.5"), reason="Moisissures")
    assert (given.kind, given.kg, given.created_by) == (RawLotMovement.Kind.GIVEN, Decimal("5"), animator)
    assert lost.kind == RawLotMovement.Kind.LOST
    assert lost.day == timezone.localdate()
    raw = RawLot.objects.with_balance().get(pk=chain.raw.pk)
    assert raw.kg_out == Decimal("7.5")
    assert raw.kg_left == Decimal("32.5")
    assert raw.kg == raw.kg_out + raw.kg_left


def test_the_last_kilo_can_go_but_not_one_gram_more(chain):
    raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("39"), day=DAY)
    raw_lot_lose(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("1"), reason="Abîmé", day=DAY)
    assert not RawLot.objects.in_stock().filter(pk=chain.raw.pk).exists()
    with refused("kg", "Le lot ROM-B260610-01 ne contient plus que 0"):
        raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("0.01"), day=DAY)


def test_cannot_take_more_kilos_than_a_raw_lot_holds(chain):
    with refused("kg", "impossible d'en prendre 40.5 kg"):
        raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("40.5"), day=DAY)


@pytest.mark.parametrize("kg", [Decimal("0"), Decimal("-1"), None])
def test_a_raw_movement_moves_more_than_zero(chain, kg):
    with refused("kg", "La quantité doit être supérieure à zéro."):
        raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=kg, day=DAY)
    with refused("kg"):
        raw_lot_lose(actor=chain.actor, raw_lot=chain.raw, kg=kg, reason="x", day=DAY)


def test_a_loss_says_why(chain):
    with refused("reason", "Indiquez la raison de la perte."):
        raw_lot_lose(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("1"), reason="  ", day=DAY)


def test_a_raw_lot_cannot_leave_before_it_was_collected(chain):
    with refused("day", "Un lot brut ne peut pas sortir avant sa collecte."):
        raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("1"), day=DAY - timedelta(days=1))


def test_kilos_used_always_name_their_production_lot(chain):
    with refused(), transaction.atomic():
        raw_lot_draw(actor=chain.actor, raw_lot=chain.raw, kg=Decimal("1"), kind=RawLotMovement.Kind.USED, day=DAY)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_give_or_lose_raw_kilos(request, chain, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        raw_lot_give(actor=actor, raw_lot=chain.raw, kg=Decimal("1"), day=DAY)
    with forbidden():
        raw_lot_lose(actor=actor, raw_lot=chain.raw, kg=Decimal("1"), reason="x", day=DAY)
