"""Collection rounds, the services: plan, confirm, cancel, record the weighed kg, finish; refusals write nothing."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conserverie.producers.models import Product, SurplusOffer
from conserverie.producers.services import offer_decline
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound, RoundStop
from conserverie.sourcing.rounds.services import (
    offer_prize,
    round_cancel,
    round_candidates,
    round_confirm,
    round_finish,
    round_from_collections,
    round_plan,
    round_stop_record,
    urgency_weight,
)
from conserverie.sourcing.services import collection_record

from ..helpers import forbidden, history_user, refused
from .rounds_world import FAR, FARMS, accepted_offer, accepted_offers, add_vehicle, planned_round, round_day


def plan(actor, territory, vehicle, **extra):
    args = {"day": round_day(), "departure": time(8), "back_by": time(17), "seconds": 0.3}
    args.update(extra)
    return round_plan(actor=actor, territory=territory, vehicle=vehicle, **args)


@pytest.fixture
def truck(romans):
    return add_vehicle(romans.territory)


def minutes(moment):
    return moment.hour * 60 + moment.minute


def test_a_round_visits_the_offers_in_order_within_the_hours(romans, coordinator, tomato, truck):
    offers = accepted_offers(coordinator, romans.territory, tomato, 5)
    collection_round = plan(coordinator, romans.territory, truck)
    stops = list(collection_round.stops.all())
    assert collection_round.status == CollectionRound.Status.DRAFT
    assert sorted(s.offer_id for s in stops) == sorted(o.pk for o in offers)
    assert [s.sequence for s in stops] == [1, 2, 3, 4, 5]
    arrivals = [minutes(s.planned_arrival) for s in stops]
    assert arrivals == sorted(arrivals)
    assert arrivals[0] > 8 * 60
    assert arrivals[-1] < 17 * 60
    assert collection_round.planned_km > 0
    assert 0 < collection_round.planned_minutes <= 9 * 60
    assert collection_round.co2_kg == (collection_round.planned_km * Decimal("0.25")).quantize(Decimal("0.1"))
    assert collection_round.nearest_neighbour_km >= collection_round.planned_km
    assert collection_round.km_saved == collection_round.nearest_neighbour_km - collection_round.planned_km
    assert sum(s.planned_kg for s in stops) == Decimal("250")
    # A proposal books nothing: the offers stay « acceptée » until the coordinator confirms.
    assert set(SurplusOffer.objects.values_list("status", flat=True)) == {SurplusOffer.Status.ACCEPTED}
    assert history_user(collection_round) == coordinator


def test_offers_that_do_not_fit_the_truck_are_left_out_with_the_reason(romans, coordinator, tomato):
    accepted_offers(coordinator, romans.territory, tomato, 5, kg="50")
    small = add_vehicle(romans.territory, capacity_kg=120, name="Petite camionnette")
    collection_round = plan(coordinator, romans.territory, small)
    route = collection_round.stops.filter(sequence__isnull=False)
    skipped = collection_round.stops.filter(sequence__isnull=True)
    assert route.count() == 2
    assert skipped.count() == 3
    assert set(skipped.values_list("skip_reason", flat=True)) == {RoundStop.SkipReason.CAPACITY}
    assert set(skipped.values_list("status", flat=True)) == {RoundStop.Status.SKIPPED}


def test_a_small_far_offer_is_not_worth_the_detour_unless_required(romans, coordinator, tomato, truck):
    accepted_offers(coordinator, romans.territory, tomato, 3)
    far = accepted_offer(coordinator, romans.territory, tomato, FAR, kg="2")
    collection_round = plan(coordinator, romans.territory, truck)
    stop = collection_round.stops.get(offer=far)
    assert (stop.sequence, stop.skip_reason) == (None, RoundStop.SkipReason.DETOUR)

    forced = plan(coordinator, romans.territory, truck, required=[far.pk])
    stop = forced.stops.get(offer=far)
    assert stop.sequence is not None
    assert stop.required
    assert forced.planned_km > collection_round.planned_km


def test_required_offers_that_cannot_all_fit_are_refused_in_french(romans, coordinator, tomato):
    offers = accepted_offers(coordinator, romans.territory, tomato, 2, kg="50")
    small = add_vehicle(romans.territory, capacity_kg=60)
    with refused("required", "ne tiennent pas toutes"):
        plan(coordinator, romans.territory, small, required=[o.pk for o in offers])


def test_hours_too_short_leave_every_offer_out(romans, coordinator, tomato, truck):
    accepted_offers(coordinator, romans.territory, tomato, 2)
    with refused("day", "Aucune offre ne tient"):
        plan(coordinator, romans.territory, truck, departure=time(8), back_by=time(8, 5))


@pytest.mark.parametrize(
    ("extra", "field", "match"),
    [
        ({"day": timezone.localdate() - timedelta(days=1)}, "day", "aujourd'hui ou un jour à venir"),
        ({"departure": time(14), "back_by": time(9)}, "back_by", "doit suivre"),
        ({"day": round_day() + timedelta(days=30)}, "day", "Aucune offre acceptée"),
        ({"required": [999999]}, "required", "n'est pas disponible"),
    ],
)
def test_bad_planning_requests_are_refused(romans, coordinator, tomato, truck, extra, field, match):
    accepted_offers(coordinator, romans.territory, tomato, 2)
    with refused(field, match):
        plan(coordinator, romans.territory, truck, **extra)


def test_only_coordinators_of_the_territory_plan_with_its_trucks(
    romans, other, coordinator, animator, other_coordinator, tomato, truck
):
    accepted_offers(coordinator, romans.territory, tomato, 2)
    with forbidden():
        plan(animator, romans.territory, truck)
    with forbidden():
        plan(other_coordinator, romans.territory, truck)
    their_truck = add_vehicle(other.territory)
    with forbidden():
        plan(coordinator, romans.territory, their_truck)


def test_candidates_are_the_territorys_accepted_offers_to_collect_that_day(
    romans, other, coordinator, other_coordinator, tomato, truck
):
    day = round_day()
    good = accepted_offer(coordinator, romans.territory, tomato, FARMS[0])
    accepted_offer(other_coordinator, other.territory, tomato, FARMS[1])  # another territory, same day and place
    accepted_offer(coordinator, romans.territory, tomato, FARMS[2], accept=False)  # still « proposée »
    accepted_offer(coordinator, romans.territory, tomato, FARMS[3], mode=SurplusOffer.Mode.GLEAN)
    accepted_offer(coordinator, romans.territory, tomato, FARMS[4], mode=SurplusOffer.Mode.DROP)
    accepted_offer(coordinator, romans.territory, tomato, FARMS[5], day=day + timedelta(days=10))
    declined = accepted_offer(coordinator, romans.territory, tomato, FARMS[6])
    offer_decline(actor=coordinator, offer=declined)
    assert list(round_candidates(romans.territory, day)) == [good]
    collection_round = plan(coordinator, romans.territory, truck)
    assert list(collection_round.stops.values_list("offer", flat=True)) == [good.pk]


def test_urgency_weights_the_prize():
    day = round_day()
    keeps = Product(name="Courge", category=Product.Category.VEGETABLE, shelf_life_days=30)
    soft = Product(name="Framboise", category=Product.Category.FRUIT, shelf_life_days=2)

    def offer(product, days_left, kg="20"):
        return SurplusOffer(product=product, kg_estimated=Decimal(kg), available_until=day + timedelta(days=days_left))

    assert urgency_weight(offer(keeps, 10), day) == 1.0
    assert urgency_weight(offer(keeps, 0), day) == 3.0
    assert urgency_weight(offer(keeps, 1), day) == 2.0
    assert urgency_weight(offer(soft, 10), day) == 1.5
    assert urgency_weight(offer(soft, 0), day) == 4.5
    assert offer_prize(offer(keeps, 10), day) == 10.0  # 20 kg × 0.5 km/kg
    assert offer_prize(offer(soft, 0), day) == 45.0


def test_confirm_plans_the_offers_and_cancel_gives_them_back(romans, coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=3)
    round_confirm(actor=coordinator, collection_round=collection_round)
    collection_round.refresh_from_db()
    assert collection_round.status == CollectionRound.Status.PLANNED
    assert set(SurplusOffer.objects.values_list("status", flat=True)) == {SurplusOffer.Status.PLANNED}
    offer = SurplusOffer.objects.first()
    assert history_user(offer) == coordinator
    # A planned offer is no candidate for another round.
    assert not round_candidates(romans.territory, round_day()).exists()
    with refused(match="Planifiée"):
        round_confirm(actor=coordinator, collection_round=collection_round)

    round_cancel(actor=coordinator, collection_round=collection_round)
    collection_round.refresh_from_db()
    assert collection_round.status == CollectionRound.Status.CANCELLED
    assert set(SurplusOffer.objects.values_list("status", flat=True)) == {SurplusOffer.Status.ACCEPTED}
    with refused(match="Annulée"):
        round_cancel(actor=coordinator, collection_round=collection_round)


def test_confirm_is_refused_whole_when_an_offer_was_declined_meanwhile(romans, coordinator, animator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=3)
    offer_decline(actor=coordinator, offer=collection_round.stops.first().offer)
    with refused(match="n'est plus à prendre"):
        round_confirm(actor=coordinator, collection_round=collection_round)
    assert SurplusOffer.objects.filter(status=SurplusOffer.Status.PLANNED).count() == 0
    with forbidden():
        round_confirm(actor=animator, collection_round=collection_round)


def test_the_driver_weighs_each_stop_then_finishes(romans, coordinator, animator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=3)
    round_confirm(actor=coordinator, collection_round=collection_round)
    first, second, third = collection_round.stops.all()
    with refused("kg", "Indiquez le poids"):
        round_stop_record(actor=animator, stop=first, kg=Decimal("0"))

    round_stop_record(actor=animator, stop=first, kg=Decimal("48.5"))
    raw = RawLot.objects.get()
    assert (raw.kg, raw.offer, raw.collection_round, raw.collected_on) == (
        Decimal("48.5"),
        first.offer,
        collection_round,
        round_day(),
    )
    assert raw.recorded_by == animator
    first.refresh_from_db()
    assert first.raw_lot == raw
    assert first.status == RoundStop.Status.COLLECTED
    assert SurplusOffer.objects.get(pk=first.offer_id).status == SurplusOffer.Status.COLLECTED
    with refused(match="déjà enregistré"):
        round_stop_record(actor=animator, stop=first, kg=Decimal("3"))

    round_stop_record(actor=animator, stop=second, nothing=True)
    offer = SurplusOffer.objects.get(pk=second.offer_id)
    assert offer.status == SurplusOffer.Status.EXPIRED
    assert "Rien à prendre" in offer.note
    with refused("km", "chaque arrêt"):
        round_finish(actor=animator, collection_round=collection_round)

    round_stop_record(actor=animator, stop=third, kg=Decimal("52"))
    with refused("km", "supérieurs à zéro"):
        round_finish(actor=animator, collection_round=collection_round, km=Decimal("0"))
    round_finish(actor=animator, collection_round=collection_round)
    collection_round.refresh_from_db()
    assert collection_round.status == CollectionRound.Status.DONE
    assert collection_round.km == collection_round.planned_km
    assert RawLot.objects.filter(collection_round=collection_round).count() == 2


def test_recording_needs_a_confirmed_round_and_a_stop_of_the_route(romans, coordinator, animator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    stop = collection_round.stops.first()
    with refused(match="Proposée"):
        round_stop_record(actor=animator, stop=stop, kg=Decimal("10"))
    round_confirm(actor=coordinator, collection_round=collection_round)
    round_stop_record(actor=animator, stop=stop, kg=Decimal("10"))
    with refused(match="déjà enregistrés"):
        round_cancel(actor=coordinator, collection_round=collection_round)


def test_a_round_rebuilt_from_weighed_collections(romans, coordinator, tomato, truck):
    day = timezone.localdate() - timedelta(days=20)
    raws = []
    for spec in FARMS[:3]:
        offer = accepted_offer(coordinator, romans.territory, tomato, spec, day=day)
        raws.append(
            collection_record(
                actor=coordinator,
                territory=romans.territory,
                producer=offer.producer,
                product=tomato,
                kg=Decimal("40"),
                collected_on=day,
                offer=offer,
            )
        )
    collection_round = round_from_collections(
        actor=coordinator, territory=romans.territory, vehicle=truck, day=day, raw_lots=raws
    )
    assert collection_round.status == CollectionRound.Status.DONE
    assert collection_round.km == collection_round.planned_km > 0
    assert RawLot.objects.filter(collection_round=collection_round).count() == 3
    assert collection_round.stops.filter(status=RoundStop.Status.COLLECTED).count() == 3
    with refused(match="hors tournée"):
        round_from_collections(actor=coordinator, territory=romans.territory, vehicle=truck, day=day, raw_lots=raws)


def test_another_territorys_round_is_out_of_reach(romans, other, coordinator, other_coordinator, tomato):
    collection_round = planned_round(coordinator, romans.territory, tomato, n=2)
    with pytest.raises(PermissionDenied):
        round_confirm(actor=other_coordinator, collection_round=collection_round)
    with pytest.raises(PermissionDenied):
        round_stop_record(actor=other_coordinator, stop=collection_round.stops.first(), kg=Decimal("5"))
