"""The truck offline: acts noted on the tablet without a network, sent when it comes back (docs/architecture.md §7,
"The truck offline").

The tablet gives each act an id of its own (a UUID) and keeps a queue; `truck_sync` takes the queue in its order and
runs each act through the service that does it online (check-in, walk-in, gift with deposits, empty jars returned,
the lot's readings), each in its own transaction. The act's id is stored with its result (`TruckAction`): sending
the same act again (the network dropped before the answer came back) finds the row and does nothing twice. An act
the rules refuse (the last jar given by two tablets) is stored as refused with its reason and shown on the page.

It lives in `distribution`, the highest app whose records it writes (§10.1).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from conserverie.distribution.models import Distribution, TruckAction
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.people.models import Participant
from conserverie.production.haccp import TreatmentReading, lot_add_reading
from conserverie.production.models import ProductionLot
from conserverie.stock.services import deposit_return
from conserverie.territories.models import JarFormat, Location
from conserverie.territories.permissions import require_role
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import registration_checkin, walk_in_record

MAX_ACTIONS = 500  # one sending; a day in the truck is a few dozen acts
Kind = TruckAction.Kind
Status = TruckAction.Status


@dataclass(frozen=True)
class SyncResult:
    id: str
    status: str
    message: str = ""
    replayed: bool = False

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "message": self.message, "replayed": self.replayed}


def _int(data: dict, key: str, label: str) -> int:
    try:
        value = int(data.get(key))
    except (TypeError, ValueError):
        raise ValidationError(_("%(what)s manquant ou illisible.") % {"what": label}) from None
    return value


def _decimal(value, label: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(what)s illisible.") % {"what": label}) from None


def _one_of(queryset, pk: int, missing: str):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError(missing)
    return found


def _who(workshop: Workshop, value) -> Participant | None:
    """A participant chosen on the tablet: `p:<id>` someone registered to this workshop, `w:<act id>` a person
    who came without signing up and was noted on the tablet (perhaps in the same sending), empty: nobody."""
    value = str(value or "").strip()
    if not value:
        return None
    prefix, _sep, ref = value.partition(":")
    if prefix == "w":
        try:
            client_id = uuid.UUID(ref)
        except ValueError:
            raise ValidationError(_("Personne introuvable.")) from None
        act = TruckAction.objects.filter(
            client_id=client_id, workshop=workshop, kind=Kind.WALK_IN, status=Status.DONE
        ).first()
        if act is None or act.participant_id is None:
            raise ValidationError(_("La venue sans inscription de cette personne n'a pas été enregistrée."))
        return act.participant
    if prefix == "p" and ref.isdigit():
        registered = Registration.objects.live().filter(workshop=workshop, participant_id=int(ref))
        if registered.exists():
            return Participant.objects.get(pk=int(ref))
    raise ValidationError(_("Cette personne n'est pas inscrite à cet atelier."))


def _location(workshop: Workshop, data: dict) -> Location:
    trucks = Location.objects.filter(territory=workshop.territory, kind=Location.Kind.TRUCK)
    if data.get("location"):
        return _one_of(trucks, _int(data, "location", _("Emplacement")), _("Emplacement introuvable."))
    location = trucks.order_by("name", "id").first()
    if location is None:
        raise ValidationError(_("Ce territoire n'a pas d'emplacement de stock « camion »."))
    return location


def _format(workshop: Workshop, data: dict) -> JarFormat:
    formats = JarFormat.objects.filter(territory=workshop.territory)
    return _one_of(formats, _int(data, "jar_format", _("Format")), _("Format de bocal introuvable."))


def _day(recorded_at: datetime):
    return timezone.localdate(recorded_at)


def _checkin(actor, workshop, data, row):
    registration = _one_of(
        Registration.objects.filter(workshop=workshop),
        _int(data, "registration", _("Inscription")),
        _("Inscription introuvable pour cet atelier."),
    )
    attended = bool(data.get("attended", True))
    registration_checkin(actor=actor, registration=registration, attended=attended)
    row.registration, row.participant_id = registration, registration.participant_id
    row.payload = {"registration": registration.pk, "attended": attended}


def _walk_in(actor, workshop, data, row):
    try:
        household_size = int(data.get("household_size") or 1)
    except (TypeError, ValueError):
        raise ValidationError(_("Nombre de personnes illisible.")) from None
    first_name = str(data.get("first_name") or "").strip()
    if not first_name:
        raise ValidationError(_("Indiquez le prénom de la personne."))
    if not 1 <= household_size <= 20:
        raise ValidationError(_("Le foyer compte de 1 à 20 personnes."))
    registration = walk_in_record(
        actor=actor,
        workshop=workshop,
        first_name=first_name[:100],
        household_size=household_size,
        neighbourhood=str(data.get("neighbourhood") or "").strip()[:100],
    )
    row.registration, row.participant_id = registration, registration.participant_id
    row.payload = {"household_size": household_size}


def _give(actor, workshop, data, row):
    if data.get("line") and not data.get("lot"):  # the page's select names a lot and a format: "<lot>-<format>"
        lot_id, _sep, format_id = str(data["line"]).partition("-")
        data = {**data, "lot": lot_id, "jar_format": format_id}
    participant = _who(workshop, data.get("who"))
    if participant is None:
        raise ValidationError(_("Choisissez la personne qui emporte les bocaux."))
    lot = _one_of(
        ProductionLot.objects.filter(territory=workshop.territory), _int(data, "lot", _("Lot")), _("Lot introuvable.")
    )
    jar_format = _format(workshop, data)
    quantity = _int(data, "quantity", _("Nombre de bocaux"))
    location = _location(workshop, data)
    row.participant = participant
    row.payload = {"lot": lot.pk, "jar_format": jar_format.pk, "quantity": quantity, "location": location.pk}
    row.distribution = distribution_record(
        actor=actor,
        territory=workshop.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=location,
        day=_day(row.recorded_at),
        lines=[LineSpec(lot=lot, jar_format=jar_format, quantity=quantity)],
        participant=participant,
        workshop=workshop,
        note=_("Noté dans le camion"),
    )


def _empties(actor, workshop, data, row):
    participant = _who(workshop, data.get("who"))
    jar_format = _format(workshop, data)
    quantity = _int(data, "quantity", _("Nombre de bocaux"))
    location = _location(workshop, data)
    keep = bool(data.get("keep_as_credit"))
    row.participant = participant
    row.payload = {"jar_format": jar_format.pk, "quantity": quantity, "location": location.pk, "keep_as_credit": keep}
    deposit_return(
        actor=actor,
        location=location,
        jar_format=jar_format,
        quantity=quantity,
        participant=participant,
        keep_as_credit=keep,
        day=_day(row.recorded_at),
    )


def _reading(actor, workshop, data, row):
    lot = _one_of(
        ProductionLot.objects.filter(territory=workshop.territory, workshop=workshop),
        _int(data, "lot", _("Lot")),
        _("Ce lot n'est pas un lot de cet atelier."),
    )
    reading, ph = None, None
    if str(data.get("temperature_c") or "").strip() or str(data.get("minutes") or "").strip():
        reading = TreatmentReading(
            jar_format=_format(workshop, data),
            temperature_c=_decimal(data.get("temperature_c"), _("Température")),
            minutes=_int(data, "minutes", _("Durée")),
        )
    if str(data.get("ph") or "").strip():
        ph = _decimal(data.get("ph"), _("pH"))
    row.payload = {
        "lot": lot.pk,
        "jar_format": reading.jar_format.pk if reading else None,
        "temperature_c": str(reading.temperature_c) if reading else None,
        "minutes": reading.minutes if reading else None,
        "ph": str(ph) if ph is not None else None,
    }
    lot_add_reading(actor=actor, lot=lot, reading=reading, ph_measured=ph)


HANDLERS = {
    Kind.CHECKIN: _checkin,
    Kind.WALK_IN: _walk_in,
    Kind.GIVE: _give,
    Kind.EMPTIES: _empties,
    Kind.READING: _reading,
}


def _recorded_at(value) -> datetime:
    now = timezone.now()
    moment = parse_datetime(str(value or "")) if value else None
    if moment is None:
        return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, now)  # a tablet's clock ahead of time does not date an act in the future


def _stored(row: TruckAction, client_id: str, workshop: Workshop) -> SyncResult:
    if row.workshop_id != workshop.pk:
        return SyncResult(client_id, Status.REFUSED, _("Cet identifiant appartient à un autre atelier."))
    return SyncResult(client_id, row.status, row.message, replayed=True)


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)[:300]


def truck_action_record(*, actor, workshop: Workshop, action: dict) -> SyncResult:
    """One act of the tablet's queue: done, refused (and kept with its reason), or found already done."""
    raw_id = str(action.get("id") or "") if isinstance(action, dict) else ""
    try:
        client_id = uuid.UUID(raw_id)
    except ValueError:
        return SyncResult(raw_id[:40], Status.REFUSED, _("Acte sans identifiant lisible : ignoré."))
    # The id is unique across territories: look it up unscoped (the row itself is never shown, only its workshop
    # compared), so an id seen in another territory is refused rather than tried again.
    existing = TruckAction._base_manager.filter(client_id=client_id).first()
    if existing is not None:
        return _stored(existing, raw_id, workshop)
    kind = action.get("kind")
    if kind not in HANDLERS:
        return SyncResult(raw_id, Status.REFUSED, _("Acte inconnu : ignoré."))
    data = action.get("data") if isinstance(action.get("data"), dict) else {}
    row = TruckAction(
        territory=workshop.territory,
        workshop=workshop,
        client_id=client_id,
        kind=kind,
        status=Status.DONE,
        recorded_at=_recorded_at(action.get("at")),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            HANDLERS[kind](actor, workshop, data, row)
            row.save()
        return SyncResult(raw_id, Status.DONE)
    except ValidationError as exc:
        refused = TruckAction(
            territory=workshop.territory,
            workshop=workshop,
            client_id=client_id,
            kind=kind,
            status=Status.REFUSED,
            message=_message(exc),
            payload=row.payload,
            participant_id=row.participant_id if row.participant_id else None,
            registration=row.registration if row.registration_id else None,
            recorded_at=row.recorded_at,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                refused.save()
        except IntegrityError:
            return _stored(TruckAction._base_manager.get(client_id=client_id), raw_id, workshop)
        return SyncResult(raw_id, Status.REFUSED, refused.message)
    except IntegrityError:
        # The same act sent twice at the same moment: the other sending did it; this one's work is rolled back.
        return _stored(TruckAction._base_manager.get(client_id=client_id), raw_id, workshop)


def truck_sync(*, actor, workshop: Workshop, actions: list) -> list[SyncResult]:
    """The tablet's queue, in its order. Each act stands alone: one refused does not stop the next."""
    require_role(actor, workshop.territory)
    if not isinstance(actions, list):
        raise ValidationError(_("La liste des actes est illisible."))
    if len(actions) > MAX_ACTIONS:
        raise ValidationError(_("Trop d'actes en un envoi (%(n)s au plus).") % {"n": MAX_ACTIONS})
    return [truck_action_record(actor=actor, workshop=workshop, action=action) for action in actions]
