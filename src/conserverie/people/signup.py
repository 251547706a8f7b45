"""The sign-up services that workshops and gleaning outings share (docs/architecture.md §3, "One sign-up").

A bookable is a `people.models.Bookable` (a workshop, an outing), a registration a `RegistrationBase`. The apps'
services are thin wrappers that add their own rules (a cancelled workshop, an outing that is no longer planned).
Writes follow §5 and §7: keyword-only, validated first, one transaction, the bookable's row locked before its places
are counted.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conserverie.core.history import save_as
from conserverie.people.models import (
    REMINDER_ATTEMPTS,
    REMINDER_BACKOFF_MINUTES,
    Bookable,
    Household,
    Participant,
    RegistrationBase,
    RegistrationStatus,
)
from conserverie.people.phones import email_normalise, name_key, phone_normalise
from conserverie.people.reach import households_touched, people_touched
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require_role, require_same_territory


def _identity(*, first_name: str, phone: str, email: str) -> tuple[str, str, str, dict]:
    """The name, phone (E.164) and e-mail as stored, and the errors by field."""
    errors = {}
    first_name = (first_name or "").strip()
    if not first_name:
        errors["first_name"] = _("Indiquez un prénom.")
    try:
        phone = phone_normalise(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    return first_name, phone, email_normalise(email), errors


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
    household: Household | None = None,
) -> Participant:
    """A new person, in `household` or in a new household of `household_size` (docs/architecture.md §3, "One
    person, one household")."""
    first_name, phone, email, errors = _identity(first_name=first_name, phone=phone, email=email)
    if not consent:
        errors["consent"] = _("Cochez la case pour accepter que nous gardions ces informations.")
    if household_size is None or household_size < 1:
        errors["household_size"] = _("Un foyer compte au moins une personne.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if household is None:
            household = Household(
                territory=territory, size=household_size, commune=neighbourhood.strip(), priority_area=priority_area
            )
            household.full_clean()
            household.save()
        participant = Participant(
            territory=territory,
            household=household,
            first_name=first_name,
            phone=phone,
            email=email,
            neighbourhood=neighbourhood.strip(),
            consent_at=timezone.now(),
            reminders=reminders,
        )
        participant.full_clean()
        participant.save()
        return participant


def people_with_contact(*, territory: Territory, phone: str, email: str):
    """The people (not erased, not merged) who gave this phone (E.164) or this e-mail (any case), first first."""
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email)
    if not match:
        return Participant.objects.none()
    live = Participant.objects.filter(territory=territory, erased_at__isnull=True, merged_into__isnull=True)
    return live.filter(match).select_related("household").order_by("pk")


def participant_find_or_create(*, territory: Territory, first_name: str, phone: str = "", email: str = "", **person):
    """The person who signs up: the one already known by this phone or e-mail with the same first name (accents and
    case aside), else a new person; a new person with the phone or e-mail of someone else of the territory joins
    that person's household (a mother and her daughter on one phone are two people of one home)."""
    name, phone_e164, email_norm, errors = _identity(first_name=first_name, phone=phone, email=email)
    if errors:
        raise ValidationError(errors)
    known = list(people_with_contact(territory=territory, phone=phone_e164, email=email_norm))
    for candidate in known:
        if name_key(candidate.first_name) == name_key(name):
            return candidate
    household = known[0].household if known and known[0].household_id else None
    return participant_create(
        territory=territory, first_name=name, phone=phone_e164, email=email_norm, household=household, **person
    )


def _check_party_size(party_size: int) -> None:
    if party_size is None or party_size < 1:
        raise ValidationError({"party_size": _("Au moins une personne.")})


def person_signup(
    *,
    territory: Territory,
    bookable: Bookable,
    register,
    first_name: str,
    phone: str = "",
    email: str = "",
    neighbourhood: str = "",
    household_size: int = 1,
    party_size: int = 1,
    consent: bool,
    reminders: bool = False,
    idempotency_key: str = "",
):
    """A resident signs up on a public page (a workshop, a gleaning outing): the person found again or created with
    as little data as needed, then `register(participant=…, party_size=…, public=True)`, both or nothing.

    The same form sent twice (`idempotency_key`) gives the registration of the first time, and writes nothing.
    """
    _check_party_size(party_size)
    with transaction.atomic():
        locked = lock(bookable)
        if idempotency_key:
            done = locked.registrations.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                return done
        participant = participant_find_or_create(
            territory=territory,
            first_name=first_name,
            phone=phone,
            email=email,
            neighbourhood=neighbourhood,
            household_size=household_size,
            consent=consent,
            reminders=reminders,
        )
        return register(participant=participant, party_size=party_size, public=True, idempotency_key=idempotency_key)


def lock(bookable: Bookable) -> Bookable:
    """The bookable's row read again and locked until the end of the transaction (call inside one)."""
    return type(bookable)._default_manager.select_for_update().get(pk=bookable.pk)


def _lock_bookable_of(registration: RegistrationBase) -> Bookable:
    key = registration._meta.get_field(registration.bookable_field)
    return key.related_model._default_manager.select_for_update().get(pk=getattr(registration, key.attname))


def _check_public_party(bookable: Bookable, participant: Participant, party_size: int) -> None:
    """A public sign-up's limits, under the bookable's lock: the territory's cap per home (this sign-up and the
    live ones of the same household) and the places left (a full bookable takes the waiting list)."""
    cap = bookable.territory.signup_party_max
    if party_size > cap:
        raise ValidationError(
            {
                "party_size": _("Pas plus de %(n)s personnes par inscription en ligne. Pour un groupe, appelez-nous.")
                % {"n": cap}
            }
        )
    if participant.household_id:
        home = bookable.registrations.live().filter(participant__household_id=participant.household_id)
        if home.places() + party_size > cap:
            raise ValidationError(
                {
                    "party_size": _(
                        "Votre foyer a déjà des places ici : pas plus de %(n)s personnes par foyer en ligne."
                    )
                    % {"n": cap}
                }
            )
    left = bookable.capacity - bookable.count_places_taken()
    if 0 < left < party_size:
        raise ValidationError(
            {
                "party_size": ngettext(
                    "Il ne reste qu'%(n)s place : inscrivez %(n)s personne au plus.",
                    "Il ne reste que %(n)s places : inscrivez %(n)s personnes au plus.",
                    left,
                )
                % {"n": left}
            }
        )


def register(
    *,
    bookable: Bookable,
    participant: Participant,
    party_size: int = 1,
    refuse=None,
    already: str,
    confirmed: bool = False,
    public: bool = False,
    idempotency_key: str = "",
    **extra,
) -> RegistrationBase:
    """Sign a participant up (lock, re-check, write): confirmed while the places allow, else on the waiting list.

    `refuse(bookable, participant)` raises the bookable's own refusals, under the lock; `already` is the message when
    the person is signed up already (staff); `confirmed=True` confirms whatever the places (a walk-in); `extra` are
    the registration's own fields. A `public` sign-up keeps to the territory's cap and the places left, and gives
    back the person's live registration when there is one (one live registration per person and bookable); a
    cancelled one is taken up again.
    """
    require_same_territory(bookable.territory, participant)
    _check_party_size(party_size)
    with transaction.atomic():
        bookable = lock(bookable)
        if refuse is not None:
            refuse(bookable, participant)
        existing = bookable.registrations.filter(participant=participant).first()
        if existing is not None and not existing.is_cancelled:
            if public:
                return existing
            raise ValidationError(already)
        if public:
            _check_public_party(bookable, participant, party_size)
        status = RegistrationStatus.CONFIRMED if confirmed else bookable.seat_status(party_size)
        if existing is not None:  # signed up again after cancelling: the same row, at the end of the queue
            existing.party_size, existing.status = party_size, status
            existing.reminded_at, existing.created_at = None, timezone.now()
            existing.idempotency_key = idempotency_key
            for name, value in extra.items():
                setattr(existing, name, value)
            existing.save()
            households_touched([participant.household_id])
            return existing
        created = bookable.registrations.create(
            participant=participant, party_size=party_size, status=status, idempotency_key=idempotency_key, **extra
        )
        if created.attended:  # a walk-in, present at once: a household reached (issue 20)
            households_touched([participant.household_id])
        return created


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
        if registration.attended:
            people_touched([registration.participant_id])
        return registration


def checkin(*, actor, registration: RegistrationBase, attended: bool = True) -> RegistrationBase:
    """Staff mark a person present (or absent again); a cancelled registration is refused."""
    require_role(actor, registration.bookable.territory)
    with transaction.atomic():
        registration = type(registration)._default_manager.select_for_update().get(pk=registration.pk)
        if registration.is_cancelled:
            raise ValidationError(_("Cette inscription est annulée."))
        changed = registration.attended != attended
        registration.attended = attended
        registration = save_as(registration, actor)
        if changed:
            people_touched([registration.participant_id])
        return registration


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
    present = bookable.registrations.filter(attended=True).values_list("participant_id", flat=True)
    people_touched(present.order_by())
    return list(bookable.registrations.to_tell())


def wants_reminders(participant: Participant) -> bool:
    """The participant agreed to reminders and left a way to reach them."""
    return bool(getattr(participant, "reminders", True)) and bool(participant.email or participant.phone)


def reminders_wanted(rows) -> list[RegistrationBase]:
    """The rows of people who want reminders and can be reached."""
    return [registration for registration in rows if wants_reminders(registration.participant)]


def remind(*, registration: RegistrationBase, send, related=()) -> list[str]:
    """Send one reminder with `send(registration, failures=[])`, never twice: the row is locked, re-read (with
    `related`) and marked in the same transaction. The channels that went out ("email", "sms").

    Marked sent only when a channel was accepted (the SMS provider answered with a message id, the mail server took
    the e-mail). Otherwise the attempt is counted with the reason of its failure, and the next one is due after
    REMINDER_BACKOFF_MINUTES; after REMINDER_ATTEMPTS the row stays on the coordinator's list
    (`reminder_failed`), for a phone call."""
    with transaction.atomic():
        registration = (
            type(registration)
            ._default_manager.select_for_update()
            .select_related("participant", *related)
            .get(pk=registration.pk)
        )
        if registration.reminded_at is not None or not registration.is_confirmed:
            return []
        if registration.reminder_attempts >= REMINDER_ATTEMPTS:
            return []
        failures: list[str] = []
        sent = send(registration, failures=failures)
        now = timezone.now()
        if sent:
            registration.reminded_at, registration.reminder_retry_at = now, None
        else:
            registration.reminder_attempts += 1
            registration.reminder_error = (", ".join(failures) or "not-accepted")[:40]
            done = registration.reminder_attempts
            registration.reminder_retry_at = (
                now + timedelta(minutes=REMINDER_BACKOFF_MINUTES[min(done, len(REMINDER_BACKOFF_MINUTES)) - 1])
                if done < REMINDER_ATTEMPTS
                else None
            )
        save_as(registration, None)
        return sent
