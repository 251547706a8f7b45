from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.producers.models import Producer, SurplusOffer
from conserverie.producers.services import offer_accept, offer_declare, offer_decline, producer_create
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import forbidden, history_user, refused


def _producer_kwargs(**over):
    kwargs = {
        "name": "  Ferme du Chêne  ",
        "commune": "Peyrins",
        "lat": Decimal("45.09"),
        "lon": Decimal("5.04"),
        "distance_km": Decimal("6.2"),
    }
    kwargs.update(over)
    return kwargs


def _offer_kwargs(chain, **over):
    kwargs = {
        "territory": chain.territory,
        "producer": chain.farm,
        "product": chain.tomato,
        "kg_estimated": Decimal("80"),
        "grade": SurplusOffer.Grade.DOWNGRADED,
        "available_from": DAY,
        "available_until": DAY + timedelta(days=3),
    }
    kwargs.update(over)
    return kwargs


@pytest.fixture
def farmer(chain):
    return make_user("farmer", chain.territory, Role.PRODUCER, producer=chain.farm)


@pytest.fixture
def offer(chain):
    return offer_declare(actor=chain.actor, **_offer_kwargs(chain))


# producer_create


def test_coordinator_creates_a_producer_with_a_trimmed_name(romans, coordinator):
    producer = producer_create(actor=coordinator, territory=romans.territory, **_producer_kwargs())
    assert producer.name == "Ferme du Chêne"
    assert producer.territory == romans.territory
    assert producer.organic_certified


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_creates_producers(request, romans, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        producer_create(actor=actor, territory=romans.territory, **_producer_kwargs())


def test_producer_distance_cannot_be_negative(romans, coordinator):
    with refused("distance_km", "La distance ne peut pas être négative."):
        producer_create(actor=coordinator, territory=romans.territory, **_producer_kwargs(distance_km=Decimal("-1")))


def test_producer_name_is_unique_within_a_territory_only(romans, other, coordinator, other_coordinator):
    producer_create(actor=coordinator, territory=romans.territory, **_producer_kwargs())
    with refused():
        producer_create(actor=coordinator, territory=romans.territory, **_producer_kwargs())
    producer_create(actor=other_coordinator, territory=other.territory, **_producer_kwargs())
    assert Producer.objects.filter(name="Ferme du Chêne").count() == 2


# offer_declare


@pytest.mark.parametrize("persona", ["coordinator", "animator"])
def test_staff_declare_an_offer_for_any_farm_of_the_territory(request, chain, persona):
    actor = request.getfixturevalue(persona)
    offer = offer_declare(actor=actor, **_offer_kwargs(chain, note="Sous serre"))
    assert offer.status == SurplusOffer.Status.PROPOSED
    assert offer.created_by == actor
    assert history_user(offer) == actor


def test_a_producer_declares_an_offer_for_its_own_farm(chain, farmer):
    offer = offer_declare(actor=farmer, **_offer_kwargs(chain, mode=SurplusOffer.Mode.GLEAN))
    assert offer.producer == chain.farm
    assert history_user(offer) == farmer


def test_a_producer_cannot_declare_for_another_farm(chain, farmer, coordinator):
    neighbour = producer_create(actor=coordinator, territory=chain.territory, **_producer_kwargs(name="Ferme Voisine"))
    with refused("producer", "Vous ne pouvez déclarer une offre que pour votre propre ferme."):
        offer_declare(actor=farmer, **_offer_kwargs(chain, producer=neighbour))


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_viewers_and_other_territories_cannot_declare(request, chain, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        offer_declare(actor=actor, **_offer_kwargs(chain))


def test_an_offer_cannot_name_a_farm_of_another_territory(chain, other_chain):
    with forbidden():
        offer_declare(actor=chain.actor, **_offer_kwargs(chain, producer=other_chain.farm))


@pytest.mark.parametrize("kg", [Decimal("0"), Decimal("-5"), None])
def test_an_offer_weighs_more_than_zero(chain, kg):
    with refused("kg_estimated", "Indiquez un poids supérieur à zéro."):
        offer_declare(actor=chain.actor, **_offer_kwargs(chain, kg_estimated=kg))


def test_an_offer_window_ends_after_it_starts(chain):
    with refused("available_until", "La fin de disponibilité doit suivre le début.") as info:
        offer_declare(
            actor=chain.actor,
            **_offer_kwargs(chain, kg_estimated=Decimal("0"), available_until=DAY - timedelta(days=1)),
        )
    assert set(info.value.message_dict) == {"kg_estimated", "available_until"}


def test_an_offer_has_a_known_grade(chain):
    with refused("grade"):
        offer_declare(actor=chain.actor, **_offer_kwargs(chain, grade="rotten"))


def test_open_on_lists_proposed_and_accepted_offers_of_the_day(chain, offer):
    assert list(SurplusOffer.objects.open_on(DAY + timedelta(days=1))) == [offer]
    assert not SurplusOffer.objects.open_on(DAY + timedelta(days=4)).exists()
    offer_decline(actor=chain.actor, offer=offer)
    assert not SurplusOffer.objects.open_on(DAY).exists()


# offer_accept / offer_decline


def test_accept_then_decline_with_a_note(chain, offer, animator):
    offer = offer_accept(actor=animator, offer=offer)
    assert offer.status == SurplusOffer.Status.ACCEPTED
    assert history_user(offer) == animator
    offer = offer_decline(actor=chain.actor, offer=offer, message="Camion en panne")
    assert offer.status == SurplusOffer.Status.DECLINED
    assert offer.status_message == "Camion en panne"
    assert offer.note == ""
    assert history_user(offer) == chain.actor
    assert offer.history.count() == 3


def test_an_accepted_offer_cannot_be_accepted_again(chain, offer):
    offer_accept(actor=chain.actor, offer=offer)
    with refused(match="Cette offre est « Acceptée » : action impossible."):
        offer_accept(actor=chain.actor, offer=offer)


@pytest.mark.parametrize("status", [SurplusOffer.Status.COLLECTED, SurplusOffer.Status.DECLINED])
def test_a_collected_or_declined_offer_cannot_be_declined(chain, offer, status):
    SurplusOffer.objects.filter(pk=offer.pk).update(status=status)
    with refused(match="action impossible"):
        offer_decline(actor=chain.actor, offer=offer)
    offer.refresh_from_db()
    assert offer.status == status


@pytest.mark.parametrize("persona", ["farmer", "viewer", "other_coordinator"])
def test_only_staff_of_the_territory_accept_or_decline(request, offer, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        offer_accept(actor=actor, offer=offer)
    with forbidden():
        offer_decline(actor=actor, offer=offer)
    offer.refresh_from_db()
    assert offer.status == SurplusOffer.Status.PROPOSED
