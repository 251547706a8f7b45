"""The sign-up services that workshops and gleaning outings share (docs/architecture.md §3, "One sign-up").

A bookable is a `people.models.Bookable` (a workshop, an outing), a registration a `RegistrationBase`. The apps'
services are thin wrappers that add their own rules (a cancelled workshop, an outing that is no longer planned).
Writes follow §5 and §7: keyword-only, validated first, one transaction, the bookable's row locked before its places
are counted.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.people.models import Bookable, Participant, RegistrationBase, RegistrationStatus
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require_role, require_same_territory


def participant_create(
    *,
    territory: Territory,
    first_name: str,
    phone: str = "",
    email: str = "",
    neighbourhood: str = "",
    household_size: int = 1,
    priority_area: bool = False,
    consent: bool,
    reminders: bool = False,
) -> Participant:
    errors = {}
    if not first_name.strip():
        errors["first_name"] = _("Indiquez un prénom.")
    if not consent:
        errors["consent"] = _("Cochez la case pour accepter que nous gardions ces informations.")
    if household_size < 1:
        errors["household_size"] = _("Un foyer compte au moins une personne.")
    if errors:
        raise ValidationError(errors)
    participant = Participant(
        territory=territory,
        first_name=first_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        neighbourhood=neighbourhood.strip(),
        household_size=household_size,
        priority_area=priority_area,
        consent_at=timezone.now(),
        reminders=reminders,
    )
    participant.full_clean()
    participant.save()
    return participant


def _check_party_size(party_size: int) -> None:
    if party_size < 1:
        raise ValidationError({"party_size": _("Au moins une personne.")})


def person_signup(
    *,
    territory: Territory,
    register,
    first_name: str,
    phone: str = "",
    email: str = "",
    neighbourhood: str = "",
    household_size: int = 1,
    party_size: int = 1,
    consent: bool,
    reminders: bool = False,
):
    """A resident signs up on a public page (a workshop, a gleaning outing): the person with as little data as
    needed, then `register(participant=…, party_size=…)`, both or nothing."""
    _check_party_size(party_size)
    with transaction.atomic():
        participant = participant_create(
            territory=territory,
            first_name=first_name,
            phone=phone,
            email=email,
            neighbourhood=neighbourhood,
            household_size=household_size,
            consent=consent,
            reminders=reminders,
        )
        return register(participant=participant, party_size=party_size)


def lock(bookable: Bookable) -> Bookable:
    """The bookable's row read again and locked until the end of the transaction (call inside one)."""
    return type(bookable)._default_manager.select_for_update().get(pk=bookable.pk)


def _lock_bookable_of(registration: RegistrationBase) -> Bookable:
    key = registration._meta.get_field(registration.bookable_field)
    return key.related_model._default_manager.select_for_update().get(pk=getattr(registration, key.attname))


def register(
    *,
    bookable: Bookable,
    participant: Participant,
    party_size: int = 1,
    refuse=None,
    already: str,
    confirmed: bool = False,
    **extra,
) -> RegistrationBase:
    """Sign a participant up (lock, re-check, write): confirmed while the places allow, else on the waiting list.

    `refuse(bookable, participant)` raises the bookable's own refusals, under the lock; `already` is the message when
    the person is signed up already; `confirmed=True` confirms whatever the places (a walk-in); `extra` are the
    registration's own fields.
    """
    require_same_territory(bookable.territory, participant)
    _check_party_size(party_size)
    with transaction.atomic():
        bookable = lock(bookable)
        if refuse is not None:
            refuse(bookable, participant)
        if bookable.registrations.filter(participant=participant).exists():
            raise ValidationError(already)
        status = RegistrationStatus.CONFIRMED if confirmed else bookable.seat_status(party_size)
        return bookable.registrations.create(participant=participant, party_size=party_size, status=status, **extra)


def cancel(*, registration: RegistrationBase) -> RegistrationBase:
    """Cancel (or leave the waiting list), then move people up from the waiting list while places allow.

    A registration cancelled already stays as it is (a second click on the personal link changes nothing).
    """
    with transaction.atomic():
        bookable = _lock_bookable_of(registration)
        registration = type(registration)._default_manager.get(pk=registration.pk)
        if registration.is_cancelled:
            return registration
        registration.status = RegistrationStatus.CANCELLED
        registration.save()
        bookable.promote_waiting()
        return registration


def checkin(*, actor, registration: RegistrationBase, attended: bool = True) -> RegistrationBase:
    """Staff mark a person present (or absent again); a cancelled registration is refused."""
    require_role(actor, registration.bookable.territory)
    with transaction.atomic():
        registration = type(registration)._default_manager.select_for_update().get(pk=registration.pk)
        if registration.is_cancelled:
            raise ValidationError(_("Cette inscription est annulée."))
        registration.attended = attended
        return save_as(registration, actor)


# --- A bookable cancelled: the reason, and the people to tell ---------------------------------------------------


def cancel_reason(reason: str, *, missing: str) -> str:
    """The reason sent to the people signed up, trimmed; `missing` is said when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Une raison courte, s'il vous plaît (300 caractères au plus).")})
    return reason


def mark_cancelled(*, actor, bookable: Bookable, reason: str) -> list[RegistrationBase]:
    """Inside the caller's transaction, on the bookable the caller locked and checked: cancelled with `reason`.
    The registrations to tell (registered or waiting), whom the caller tells once the transaction is over."""
    bookable.status = type(bookable).Status.CANCELLED
    bookable.cancel_reason = reason
    save_as(bookable, actor)
    return list(bookable.registrations.to_tell())


def wants_reminders(participant: Participant) -> bool:
    """The participant agreed to reminders and left a way to reach them."""
    return bool(getattr(participant, "reminders", True)) and bool(participant.email or participant.phone)


def reminders_wanted(rows) -> list[RegistrationBase]:
    """The rows of people who want reminders and can be reached."""
    return [registration for registration in rows if wants_reminders(registration.participant)]


def remind(*, registration: RegistrationBase, send, related=()) -> list[str]:
    """Send one reminder with `send(registration)`, never twice: the row is locked, re-read (with `related`) and
    marked in the same transaction. The channels that went out ("email", "sms")."""
    with transaction.atomic():
        registration = (
            type(registration)
            ._default_manager.select_for_update()
            .select_related("participant", *related)
            .get(pk=registration.pk)
        )
        if registration.reminded_at is not None or not registration.is_confirmed:
            return []
        sent = send(registration)
        if sent:
            registration.reminded_at = timezone.now()
            save_as(registration, None)
        return sent
