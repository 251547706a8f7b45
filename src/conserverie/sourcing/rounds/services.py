"""Collection rounds: plan with the solver, confirm, drive (weighed kg become raw lots), finish or cancel.

How an offer is valued (docs/rounds-en.md): prize = estimated kg × km per kg (planner.KM_PER_KG, 0.5: a 20 kg
crate is worth a 10 km detour; setting ROUND_KM_PER_KG) × urgency, in km of detour.
The planner leaves out an offer when the detour it costs is longer than its prize.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_plan
from conserverie.sourcing.rounds import planner
from conserverie.sourcing.rounds.models import CollectionRound, RoundStop
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Territory, Vehicle
from conserverie.territories.permissions import require, require_role, require_same_territory

# Minutes at a farm: greet, load, weigh.
SERVICE_MIN = 10
SOLVER_SECONDS = 3.0
# Rounds rebuilt from past collections with this many stops or fewer are solved exactly (5! orders).
EXACT_UP_TO = planner.MAX_EXACT_STOPS
TENTH = Decimal("0.1")


def _km(value) -> Decimal:
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(minutes: int) -> time:
    minutes = max(0, min(int(round(minutes)), 24 * 60 - 1))
    return time(minutes // 60, minutes % 60)


def round_candidates(territory: Territory, day: date):
    """Accepted offers to collect by truck whose availability covers `day`."""
    return (
        SurplusOffer.objects.filter(
            territory=territory,
            status=SurplusOffer.Status.ACCEPTED,
            mode=SurplusOffer.Mode.COLLECT,
            available_from__lte=day,
            available_until__gte=day,
        )
        .select_related("producer", "product")
        .order_by("available_until", "producer__name", "pk")
    )


def urgency_weight(offer: SurplusOffer, day: date) -> float:
    """The planner's weight for the days left in the offer's window (×3 on its last day, ×2 the day before,
    ×1.5 within three days), times ×1.5 for produce that keeps 3 days or less raw, ×1.2 for 7 days or less."""
    keeps = offer.product.shelf_life_days
    shelf = 1.5 if keeps <= 3 else 1.2 if keeps <= 7 else 1.0
    return planner.urgency_weight((offer.available_until - day).days) * shelf


def offer_prize(offer: SurplusOffer, day: date) -> float:
    """What collecting the offer is worth, in km of detour."""
    km_per_kg = float(getattr(settings, "ROUND_KM_PER_KG", planner.KM_PER_KG))
    return round(float(offer.kg_estimated) * km_per_kg * urgency_weight(offer, day), 3)


@dataclass(frozen=True)
class Outline:
    """What the solver is given for one round."""

    problem: object
    offers: dict  # stop id -> offer


def pickup_window(producer) -> tuple[int, int] | None:
    """The farm's pickup hours in minutes since midnight (the planner's window), when it gave both ends."""
    if producer.pickup_from is None or producer.pickup_until is None:
        return None
    start, end = producer.pickup_from, producer.pickup_until
    return (start.hour * 60 + start.minute, end.hour * 60 + end.minute)


def _stop(offer, day, required: bool):
    return planner.Stop(
        id=str(offer.pk),
        lat=float(offer.producer.lat),
        lon=float(offer.producer.lon),
        kg=float(offer.kg_estimated),
        service_min=SERVICE_MIN,
        window=pickup_window(offer.producer),
        required=required,
        prize=None if required else offer_prize(offer, day),
    )


def round_outline(territory, vehicle, day, departure: time, back_by: time, offers, required=()) -> Outline:
    required = {int(pk) for pk in required}
    problem = planner.Problem(
        depot=(float(territory.hub_lat), float(territory.hub_lon)),
        vehicle=planner.Vehicle(
            capacity_kg=float(vehicle.capacity_kg),
            start=_minutes(departure),
            end=_minutes(back_by),
            speed_kmh=float(vehicle.speed_kmh),
        ),
        stops=tuple(_stop(offer, day, offer.pk in required) for offer in offers),
    )
    return Outline(problem=problem, offers={str(offer.pk): offer for offer in offers})


def _skip_reason(problem, plan, stop_id: str) -> str:
    """Why the solver left a stop out: it would not fit (load, hours), or it was not worth the detour."""
    stop = next(s for s in problem.stops if s.id == stop_id)
    if plan.load_kg + stop.kg > problem.vehicle.capacity_kg:
        return RoundStop.SkipReason.CAPACITY
    route = list(plan.route)
    for position in range(len(route) + 1):
        if planner.evaluate(problem, route[:position] + [stop_id] + route[position:]) is not None:
            return RoundStop.SkipReason.DETOUR
    return RoundStop.SkipReason.TIME


def _validate_request(territory, vehicle, day, departure, back_by, required) -> list:
    errors = {}
    if day is None:
        errors["day"] = _("Indiquez la date de la tournée.")
    elif day < timezone.localdate():
        errors["day"] = _("Une tournée se prépare pour aujourd'hui ou un jour à venir.")
    if departure is None or back_by is None or back_by <= departure:
        errors["back_by"] = _("L'heure de retour doit suivre l'heure de départ.")
    if errors:
        raise ValidationError(errors)
    offers = list(round_candidates(territory, day))
    if not offers:
        raise ValidationError(
            {"day": _("Aucune offre acceptée à collecter par le camion n'est disponible ce jour-là.")}
        )
    unknown = {int(pk) for pk in required} - {offer.pk for offer in offers}
    if unknown:
        raise ValidationError({"required": _("Une offre à prendre absolument n'est pas disponible ce jour-là.")})
    return offers


def round_plan(
    *,
    actor,
    territory: Territory,
    vehicle: Vehicle,
    day: date,
    departure: time,
    back_by: time,
    required=(),
    seconds: float | None = None,
) -> CollectionRound:
    """Ask the planner for a round through the day's accepted offers; store it as a proposal (nothing is booked)."""
    require(actor, territory, "round.plan")
    require_same_territory(territory, vehicle)
    offers = _validate_request(territory, vehicle, day, departure, back_by, required)
    outline = round_outline(territory, vehicle, day, departure, back_by, offers, required)
    try:
        plan = planner.plan_round(outline.problem, seconds=SOLVER_SECONDS if seconds is None else seconds)
    except planner.InfeasibleRound as exc:
        message = _(
            "Les offres à prendre absolument ne tiennent pas toutes dans cette tournée (charge du camion "
            "ou horaires) : retirez-en une, partez plus tôt ou rentrez plus tard."
        )
        raise ValidationError({"required": f"{message} {exc}".strip()}) from None
    except ValueError as exc:  # the planner names the faulty value (a truck without capacity…)
        raise ValidationError({"vehicle": str(exc)}) from None
    if not plan.route:
        raise ValidationError(
            {"day": _("Aucune offre ne tient dans cette tournée : vérifiez les horaires et la charge du camion.")}
        )
    naive = planner.nearest_neighbour(outline.problem, list(plan.route))
    with transaction.atomic():
        collection_round = save_as(
            CollectionRound(
                territory=territory,
                vehicle=vehicle,
                date=day,
                status=CollectionRound.Status.DRAFT,
                departure=departure,
                back_by=back_by,
                planned_km=_km(plan.distance_km),
                planned_minutes=int(round(plan.duration_min)),
                nearest_neighbour_km=None if naive is None else _km(naive.distance_km),
                co2_kg=_km(Decimal(str(plan.distance_km)) * vehicle.co2_kg_per_km),
                created_by=actor,
            ),
            actor,
        )
        for sequence, stop_id in enumerate(plan.route, start=1):
            stop = next(s for s in outline.problem.stops if s.id == stop_id)
            save_as(
                RoundStop(
                    collection_round=collection_round,
                    offer=outline.offers[stop_id],
                    sequence=sequence,
                    planned_arrival=_clock(plan.arrivals[stop_id]),
                    planned_kg=outline.offers[stop_id].kg_estimated,
                    required=stop.required,
                ),
                actor,
            )
        for stop_id in plan.skipped:
            save_as(
                RoundStop(
                    collection_round=collection_round,
                    offer=outline.offers[stop_id],
                    planned_kg=outline.offers[stop_id].kg_estimated,
                    status=RoundStop.Status.SKIPPED,
                    skip_reason=_skip_reason(outline.problem, plan, stop_id),
                ),
                actor,
            )
        return collection_round


def _lock_round(collection_round: CollectionRound, allowed: tuple) -> CollectionRound:
    locked = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("Cette tournée est « %(status)s » : action impossible.") % {"status": locked.get_status_display()}
        )
    return locked


def _route_stops(collection_round):
    return collection_round.stops.filter(sequence__isnull=False).select_related("offer__producer")


def round_confirm(*, actor, collection_round: CollectionRound) -> CollectionRound:
    """Book the proposed round: its offers become « planifiée » (the farms see it on their page)."""
    require(actor, collection_round.territory, "round.plan")
    with transaction.atomic():
        locked = _lock_round(collection_round, (CollectionRound.Status.DRAFT,))
        stops = list(_route_stops(locked))
        offers = SurplusOffer.objects.select_for_update().in_bulk([stop.offer_id for stop in stops])
        for stop in stops:
            offer = offers[stop.offer_id]
            if offer.status != SurplusOffer.Status.ACCEPTED:
                raise ValidationError(
                    _("L'offre de %(farm)s est « %(status)s » : elle n'est plus à prendre. Refaites le calcul.")
                    % {"farm": stop.offer.producer.name, "status": offer.get_status_display()}
                )
        for stop in stops:
            offer_plan(actor=actor, offer=offers[stop.offer_id])
        locked.status = CollectionRound.Status.PLANNED
        return save_as(locked, actor)


def round_cancel(*, actor, collection_round: CollectionRound) -> CollectionRound:
    """Give up a proposed or planned round: its offers are back to « acceptée », to plan another day."""
    require(actor, collection_round.territory, "round.plan")
    with transaction.atomic():
        locked = _lock_round(collection_round, (CollectionRound.Status.DRAFT, CollectionRound.Status.PLANNED))
        stops = list(_route_stops(locked))
        if any(stop.done for stop in stops):
            raise ValidationError(
                _("Des arrêts de cette tournée sont déjà enregistrés : elle ne peut plus être annulée.")
            )
        offers = SurplusOffer.objects.select_for_update().in_bulk([stop.offer_id for stop in stops])
        for offer in offers.values():
            if offer.status == SurplusOffer.Status.PLANNED:
                offer.status = SurplusOffer.Status.ACCEPTED
                save_as(offer, actor)
        locked.status = CollectionRound.Status.CANCELLED
        return save_as(locked, actor)


def round_stop_record(*, actor, stop: RoundStop, kg: Decimal | None = None, nothing: bool = False) -> RoundStop:
    """At a farm: the weighed kg become a raw lot of the round (the offer is « collectée »), or nothing to take."""
    collection_round = stop.collection_round
    require_role(actor, collection_round.territory)
    if not nothing and (kg is None or kg <= 0):
        raise ValidationError({"kg": _("Indiquez le poids pesé, ou « rien à prendre ».")})
    with transaction.atomic():
        locked_round = _lock_round(collection_round, (CollectionRound.Status.PLANNED,))
        stop = (
            RoundStop.objects.select_for_update(of=("self",))
            .select_related("offer__producer", "offer__product")
            .get(pk=stop.pk)
        )
        if stop.collection_round_id != locked_round.pk or stop.sequence is None:
            raise ValidationError(_("Cet arrêt ne fait pas partie de la tournée."))
        if stop.status != RoundStop.Status.PENDING:
            raise ValidationError(_("Cet arrêt est déjà enregistré."))
        offer = stop.offer
        if nothing:
            offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
            offer.status = SurplusOffer.Status.EXPIRED
            offer.note = f"{offer.note}\n" + _("Rien à prendre lors de la tournée du %(day)s.") % {
                "day": locked_round.date.strftime("%d/%m/%Y")
            }
            offer.note = offer.note.strip()
            save_as(offer, actor)
            stop.status = RoundStop.Status.NOTHING
        else:
            stop.raw_lot = collection_record(
                actor=actor,
                territory=locked_round.territory,
                producer=offer.producer,
                product=offer.product,
                kg=kg,
                collected_on=locked_round.date,
                offer=offer,
                collection_round=locked_round,
                grade=offer.grade,
            )
            stop.status = RoundStop.Status.COLLECTED
        return save_as(stop, actor)


def round_finish(*, actor, collection_round: CollectionRound, km: Decimal | None = None) -> CollectionRound:
    """Close the round once every stop is recorded; the km driven default to the planned km."""
    require_role(actor, collection_round.territory)
    if km is not None and km <= 0:
        raise ValidationError({"km": _("Les km parcourus doivent être supérieurs à zéro.")})
    with transaction.atomic():
        locked = _lock_round(collection_round, (CollectionRound.Status.PLANNED,))
        if any(not stop.done for stop in _route_stops(locked)):
            raise ValidationError({"km": _("Enregistrez d'abord chaque arrêt (pesée ou « rien à prendre »).")})
        locked.km = locked.planned_km if km is None else km
        locked.status = CollectionRound.Status.DONE
        return save_as(locked, actor)


def round_from_collections(
    *, actor, territory: Territory, vehicle: Vehicle, day: date, raw_lots, departure=time(8), back_by=time(17)
) -> CollectionRound:
    """A round already driven, rebuilt from its weighed raw lots (history import, demo): done, km = planned."""
    require(actor, territory, "round.plan")
    require_same_territory(territory, vehicle, *raw_lots)
    raw_lots = list(raw_lots)
    if not raw_lots or any(r.offer_id is None or r.collected_on != day or r.collection_round_id for r in raw_lots):
        raise ValidationError(_("Chaque lot brut doit venir d'une offre, collecté ce jour-là et hors tournée."))
    by_offer = {raw.offer_id: raw for raw in raw_lots}
    if len(by_offer) != len(raw_lots):
        raise ValidationError(_("Deux lots bruts d'une même offre ne font qu'un arrêt : regroupez-les."))
    offers = list(SurplusOffer.objects.filter(pk__in=by_offer).select_related("producer", "product"))
    outline = round_outline(territory, vehicle, day, departure, back_by, offers, required=by_offer)
    try:
        if len(offers) <= EXACT_UP_TO:  # a short round is solved exactly, at once
            plan = planner.solve_exact(outline.problem)
        else:
            plan = planner.plan_round(outline.problem, seconds=0.5)
    except planner.InfeasibleRound:
        raise ValidationError(_("Ces collectes ne tiennent pas dans une seule tournée.")) from None
    naive = planner.nearest_neighbour(outline.problem, list(plan.route))
    with transaction.atomic():
        collection_round = save_as(
            CollectionRound(
                territory=territory,
                vehicle=vehicle,
                date=day,
                status=CollectionRound.Status.DONE,
                departure=departure,
                back_by=back_by,
                km=_km(plan.distance_km),
                planned_km=_km(plan.distance_km),
                planned_minutes=int(round(plan.duration_min)),
                nearest_neighbour_km=None if naive is None else _km(naive.distance_km),
                co2_kg=_km(Decimal(str(plan.distance_km)) * vehicle.co2_kg_per_km),
                created_by=actor,
            ),
            actor,
        )
        for sequence, stop_id in enumerate(plan.route, start=1):
            offer = outline.offers[stop_id]
            raw = by_offer[offer.pk]
            raw.collection_round = collection_round
            save_as(raw, actor)
            save_as(
                RoundStop(
                    collection_round=collection_round,
                    offer=offer,
                    sequence=sequence,
                    planned_arrival=_clock(plan.arrivals[stop_id]),
                    planned_kg=offer.kg_estimated,
                    required=True,
                    status=RoundStop.Status.COLLECTED,
                    raw_lot=raw,
                ),
                actor,
            )
        return collection_round
