"""Gleaning outings: plan, sign up (the shared sign-up of people.signup), check in, record the harvest and the hours.

Writes follow docs/architecture.md §7: keyword-only, validated first, atomic, history rows attributed. Staff services
check the role and
the territory; the public ones (sign-up, cancel by personal link) take no actor, like the workshops' ones.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.gleaning.notify import outing_cancelled_texts, outing_reminder_texts
from conserverie.people import signup
from conserverie.people.models import Participant
from conserverie.producers.models import Producer, Product, SurplusOffer
from conserverie.producers.services import offer_accept, offer_plan
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require_role, require_same_territory
from conserverie.workshops.models import VolunteerHours
from conserverie.workshops.notify import send_reminder, tell_cancelled
from conserverie.workshops.volunteers import MAX_HOURS, smic_hourly, volunteer_hours_record

# What a staff member may change on an outing (the service's keyword arguments).
FIELDS = (
    "producer",
    "offer",
    "date",
    "start_time",
    "end_time",
    "meeting_point",
    "lat",
    "lon",
    "capacity",
    "products_expected",
    "note",
)
OFFER_OPEN = (SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED)


# --- Planning ------------------------------------------------------------------------------------------------------


def _check_outing(data: dict, errors: dict) -> None:
    if not (data.get("meeting_point") or "").strip():
        errors["meeting_point"] = _("Indiquez où l'on se retrouve (par exemple : devant le hangar de la ferme).")
    start, end = data.get("start_time"), data.get("end_time")
    if start is not None and end is not None and end <= start:
        errors["end_time"] = _("La sortie doit finir après son début.")
    if (data.get("capacity") or 0) < 1:
        errors["capacity"] = _("Une sortie a au moins une place.")
    lat, lon = data.get("lat"), data.get("lon")
    if (lat is None) != (lon is None):
        errors["lat"] = _("Donnez la latitude et la longitude, ou aucune des deux.")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["lat"] = _("Ces coordonnées ne sont pas sur la Terre : vérifiez la latitude et la longitude.")
    producer, offer = data.get("producer"), data.get("offer")
    if offer is not None:
        if offer.mode != SurplusOffer.Mode.GLEAN:
            errors["offer"] = _("Choisissez une offre à glaner (mode « Glanage »).")
        elif producer is not None and offer.producer_id != producer.pk:
            errors["offer"] = _("Cette offre vient d'une autre ferme que celle de la sortie.")


def _plan_offer(*, actor, offer: SurplusOffer) -> None:
    """The offer this outing answers becomes « Planifiée » (accepted first when it was only proposed)."""
    offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status not in OFFER_OPEN:
        message = _("Cette offre est « %(status)s » : choisissez une offre proposée ou acceptée.")
        raise ValidationError({"offer": message % {"status": offer.get_status_display()}})
    if offer.status == SurplusOffer.Status.PROPOSED:
        offer = offer_accept(actor=actor, offer=offer)
    offer_plan(actor=actor, offer=offer)


def _release_offer(*, actor, offer: SurplusOffer | None) -> None:
    """An outing that will not take place gives its offer back to the inbox (« Acceptée »)."""
    if offer is None:
        return
    offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == SurplusOffer.Status.PLANNED:
        offer.status = SurplusOffer.Status.ACCEPTED
        save_as(offer, actor)


def outing_create(
    *,
    actor,
    territory: Territory,
    producer: Producer,
    date: date,
    start_time: time,
    end_time: time,
    meeting_point: str,
    capacity: int = 12,
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    products_expected: str = "",
    note: str = "",
    offer: SurplusOffer | None = None,
) -> GleaningOuting:
    """Plan an outing at a farm; the glean offer it answers, if any, becomes « Planifiée »."""
    require_role(actor, territory)
    require_same_territory(territory, producer, offer)
    data = {key: value for key, value in locals().items() if key in FIELDS}
    errors = {}
    _check_outing(data, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        outing = GleaningOuting(
            territory=territory,
            created_by=actor,
            **{**data, "meeting_point": meeting_point.strip(), "products_expected": products_expected.strip()},
        )
        save_as(outing, actor)
        if offer is not None:
            _plan_offer(actor=actor, offer=offer)
        return outing


def outing_update(*, actor, outing: GleaningOuting, **changes) -> GleaningOuting:
    """Change a planned outing; more places move people up from the waiting list, fewer than taken are refused."""
    require_role(actor, outing.territory)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require_same_territory(outing.territory, changes.get("producer"), changes.get("offer"))
    with transaction.atomic():
        outing = GleaningOuting.objects.select_for_update().get(pk=outing.pk)
        if outing.status != GleaningOuting.Status.PLANNED:
            raise ValidationError(
                _("Cette sortie est « %(s)s » : elle ne se modifie plus.") % {"s": outing.get_status_display()}
            )
        data = {key: getattr(outing, key) for key in FIELDS} | changes
        errors = {}
        _check_outing(data, errors)
        taken = outing.count_places_taken()
        if not errors.get("capacity") and data["capacity"] < taken:
            errors["capacity"] = _("%(n)s personnes sont déjà inscrites : gardez au moins %(n)s places.") % {"n": taken}
        if errors:
            raise ValidationError(errors)
        old_offer = outing.offer
        for key, value in data.items():
            setattr(outing, key, value.strip() if isinstance(value, str) else value)
        save_as(outing, actor)
        if (old_offer and old_offer.pk) != (outing.offer_id or None):
            _release_offer(actor=actor, offer=old_offer)
            if outing.offer is not None:
                _plan_offer(actor=actor, offer=outing.offer)
        outing.promote_waiting()
        return outing


def outing_cancel(*, actor, outing: GleaningOuting, reason: str) -> GleaningOuting:
    """Cancel a planned outing, give its offer back, then tell everyone registered or waiting (e-mail and/or SMS)."""
    require_role(actor, outing.territory)
    reason = signup.cancel_reason(reason, missing=_("Dites en quelques mots pourquoi la sortie est annulée."))
    with transaction.atomic():
        outing = GleaningOuting.objects.select_for_update(of=("self",)).select_related("producer").get(pk=outing.pk)
        if outing.status != GleaningOuting.Status.PLANNED:
            raise ValidationError(
                _("Cette sortie est « %(s)s » : elle ne peut plus être annulée.") % {"s": outing.get_status_display()}
            )
        to_tell = signup.mark_cancelled(actor=actor, bookable=outing, reason=reason)
        _release_offer(actor=actor, offer=outing.offer)
    tell_cancelled(outing, to_tell, texts=outing_cancelled_texts)
    return outing


# --- Sign-ups ------------------------------------------------------------------------------------------------------


def _refuse(outing: GleaningOuting, participant: Participant) -> None:
    if not outing.is_planned:
        raise ValidationError(_("Les inscriptions à cette sortie sont fermées."))
    if participant.erased_at is not None:
        raise ValidationError(_("Ce participant a été effacé."))


def outing_register(
    *,
    outing: GleaningOuting,
    participant: Participant,
    party_size: int = 1,
    public: bool = False,
    idempotency_key: str = "",
) -> GleaningRegistration:
    """Sign a resident up; when the places are taken the registration waits (lock, re-check, write).

    Like the workshops' `registration_create`, the date is the public sign-up's business, not this one's; `public`
    and `idempotency_key` are the public sign-up's limits (`people.signup.register`).
    """
    return signup.register(
        bookable=outing,
        participant=participant,
        party_size=party_size,
        refuse=_refuse,
        already=_("Cette personne est déjà inscrite à cette sortie."),
        public=public,
        idempotency_key=idempotency_key,
    )


def outing_public_signup(*, outing: GleaningOuting, **person) -> GleaningRegistration:
    """A resident signs up on the public page: the person (as at the workshops) and the registration, or nothing."""
    if not outing.accepts_signups:
        raise ValidationError(_("Les inscriptions à cette sortie sont fermées."))
    return signup.person_signup(
        territory=outing.territory, bookable=outing, register=partial(outing_register, outing=outing), **person
    )


# An outing has no rule of its own for these two.
outing_registration_cancel = signup.cancel
outing_checkin = signup.checkin


# --- Reminders, the day before (sent by `conserverie reminders` with the workshops' ones) ------------------------


def outing_reminders_due(*, day: date) -> list[GleaningRegistration]:
    """Confirmed sign-ups to the planned outings of `day`, not reminded yet, of people who want reminders."""
    rows = (
        GleaningRegistration.objects.to_remind()
        .filter(outing__status=GleaningOuting.Status.PLANNED, outing__date=day)
        .select_related("participant", "outing__producer")
        .order_by("outing__start_time", "id")
    )
    return signup.reminders_wanted(rows)


def outing_registration_remind(*, registration: GleaningRegistration, today: date | None = None) -> list[str]:
    """Send one reminder, never twice (see `people.signup.remind`)."""
    return signup.remind(
        registration=registration,
        send=partial(send_reminder, today=today, texts=outing_reminder_texts),
        related=("outing__producer",),
    )


# --- After the outing: the harvest and the hours -------------------------------------------------------------------


@dataclass
class HarvestLine:
    product: Product
    kg: Decimal
    grade: str = SurplusOffer.Grade.SURPLUS


@dataclass
class Harvest:
    raw_lots: list
    hours: list


def _check_harvest(outing: GleaningOuting, lines: list[HarvestLine], hours, errors: dict) -> None:
    if outing.status == GleaningOuting.Status.CANCELLED:
        errors["__all__"] = _("Cette sortie est annulée : il n'y a rien à enregistrer.")
    elif outing.status == GleaningOuting.Status.DONE:
        errors["__all__"] = _("La récolte de cette sortie est déjà enregistrée.")
    elif outing.date > timezone.localdate():
        errors["__all__"] = _("La récolte se note après la sortie, pas avant.")
    if not lines:
        errors["lines"] = _("Indiquez au moins un produit et son poids.")
    elif any(line.kg is None or line.kg <= 0 for line in lines):
        errors["lines"] = _("Chaque poids pesé doit être supérieur à zéro.")
    elif len({line.product.pk for line in lines}) != len(lines):
        errors["lines"] = _("Un produit est indiqué deux fois : additionnez ses kilos sur une seule ligne.")
    elif any(line.grade not in SurplusOffer.Grade.values for line in lines):
        errors["lines"] = _("Choisissez la nature du produit dans la liste.")
    if hours is not None and not (0 < hours <= MAX_HOURS):
        errors["hours"] = _("Indiquez entre 0 et 24 heures par personne.")


def outing_harvest_record(
    *, actor, outing: GleaningOuting, lines: list[HarvestLine], hours: Decimal | None = None
) -> Harvest:
    """The kilos gleaned per product become raw lots, each person present gets the hours given, the outing is done.

    All or nothing. Hours default to the outing's length. The offer the outing answers is linked to the raw lot of
    its product (and becomes « Collectée », as for any collection).
    """
    require_role(actor, outing.territory)
    errors = {}
    _check_harvest(outing, lines, hours, errors)
    if errors:
        raise ValidationError(errors)
    hours = hours if hours is not None else outing.duration_hours
    with transaction.atomic():
        outing = (
            GleaningOuting.objects.select_for_update(of=("self",)).select_related("producer", "offer").get(pk=outing.pk)
        )
        errors = {}
        _check_harvest(outing, lines, hours, errors)  # again, under the lock: two people may press at once
        if errors:
            raise ValidationError(errors)
        offer = outing.offer
        if offer is not None and offer.status in (SurplusOffer.Status.DECLINED, SurplusOffer.Status.EXPIRED):
            offer = None
        raw_lots = [
            collection_record(
                actor=actor,
                territory=outing.territory,
                producer=outing.producer,
                product=line.product,
                kg=line.kg,
                collected_on=outing.date,
                offer=offer if offer is not None and offer.product_id == line.product.pk else None,
                grade=line.grade,
                gleaning_outing=outing,
            )
            for line in lines
        ]
        present = (
            outing.registrations.filter(attended=True, participant__erased_at__isnull=True)
            .live()
            .select_related("participant")
            .order_by("id")
        )
        activity = _("Glanage à %(farm)s") % {"farm": outing.producer.name}
        rows = [
            volunteer_hours_record(
                actor=actor,
                territory=outing.territory,
                participant=registration.participant,
                date=outing.date,
                hours=hours,
                activity=activity[:120],
                outing=outing,
            )
            for registration in present
        ]
        outing.status = GleaningOuting.Status.DONE
        save_as(outing, actor)
        return Harvest(raw_lots=raw_lots, hours=rows)


@dataclass
class OutingTotals:
    kg: Decimal
    hours: Decimal
    people: int
    value_eur: Decimal


def outing_totals(outing: GleaningOuting) -> OutingTotals:
    """Kilos gleaned, hours given and their value at the minimum wage (two queries)."""
    kg = RawLot.objects.filter(gleaning_outing=outing).aggregate(n=Sum("kg"))["n"] or Decimal("0")
    given = VolunteerHours.objects.filter(outing=outing).aggregate(n=Sum("hours"), people=Count("pk"))
    hours = given["n"] or Decimal("0")
    return OutingTotals(
        kg=kg,
        hours=hours,
        people=given["people"] or 0,
        value_eur=(hours * smic_hourly(outing.date)).quantize(Decimal("0.01")),
    )
