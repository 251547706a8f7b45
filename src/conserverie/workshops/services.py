from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.core.permissions import require_role, require_same_territory
from conserverie.territories.models import STAFF_ROLES, Membership, Site, Structure, Territory

from .models import Participant, Registration, Workshop


def workshop_open(
    *,
    actor,
    territory: Territory,
    title: str,
    site: Site,
    structure: Structure,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int = 12,
    animators=(),
    planned_recipes=(),
) -> Workshop:
    require_role(actor, territory)
    require_same_territory(territory, site, structure, *planned_recipes)
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("L'atelier doit finir après son début.")
    if capacity < 1:
        errors["capacity"] = _("Un atelier a au moins une place.")
    staff_ids = set(
        Membership.objects.filter(territory=territory, role__in=STAFF_ROLES).values_list("user_id", flat=True)
    )
    if any(person.pk not in staff_ids for person in animators):
        errors["animators"] = _("Les animateurs sont choisis parmi l'équipe de ce territoire.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The truck is at one place at a time: refuse an overlapping workshop of the same territory.
        clash = (
            Workshop.objects.select_for_update()
            .filter(territory=territory, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(status=Workshop.Status.CANCELLED)
            .first()
        )
        if clash is not None:
            raise ValidationError({"starts_at": _("Le camion est déjà pris à cette heure-là : %(w)s.") % {"w": clash}})
        workshop = Workshop(
            territory=territory,
            title=title,
            site=site,
            structure=structure,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            created_by=actor,
        )
        save_as(workshop, actor)
        workshop.animators.set(animators)
        workshop.planned_recipes.set(planned_recipes)
        return workshop


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


def _places_taken(workshop: Workshop) -> int:
    return workshop.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(n=Sum("party_size"))["n"] or 0


def registration_create(
    *, workshop: Workshop, participant: Participant, party_size: int = 1, walk_in: bool = False
) -> Registration:
    """Sign a participant up; when the workshop is full the registration waits (pretix-style locking)."""
    require_same_territory(workshop.territory, participant)
    if party_size < 1:
        raise ValidationError({"party_size": _("Au moins une personne.")})
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if workshop.status == Workshop.Status.CANCELLED:
            raise ValidationError(_("Cet atelier est annulé."))
        if Registration.objects.filter(workshop=workshop, participant=participant).exists():
            raise ValidationError(_("Cette personne est déjà inscrite à cet atelier."))
        full = _places_taken(workshop) + party_size > workshop.capacity
        status = Registration.Status.WAITING if full and not walk_in else Registration.Status.CONFIRMED
        registration = Registration(
            workshop=workshop,
            participant=participant,
            party_size=party_size,
            status=status,
            walk_in=walk_in,
            attended=walk_in,
        )
        registration.save()
        return registration


def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel, then promote from the waiting list, first come first served, while places allow."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
        registration = Registration.objects.get(pk=registration.pk)
        registration.status = Registration.Status.CANCELLED
        registration.save()
        free = workshop.capacity - _places_taken(workshop)
        for waiting in workshop.registrations.filter(status=Registration.Status.WAITING).order_by("created_at", "id"):
            if waiting.party_size <= free:
                waiting.status = Registration.Status.CONFIRMED
                waiting.save()
                free -= waiting.party_size
        return registration


def registration_checkin(*, actor, registration: Registration, attended: bool = True) -> Registration:
    require_role(actor, registration.workshop.territory)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError(_("Cette inscription est annulée."))
        registration.attended = attended
        return save_as(registration, actor)


def public_signup(
    *,
    workshop: Workshop,
    first_name: str,
    phone: str = "",
    email: str = "",
    neighbourhood: str = "",
    household_size: int = 1,
    party_size: int = 1,
    consent: bool,
    reminders: bool = False,
) -> Registration:
    """A resident signs up on the public page: the person and the registration, both or nothing."""
    if workshop.status != Workshop.Status.PLANNED or workshop.starts_at <= timezone.now():
        raise ValidationError(_("Les inscriptions à cet atelier sont fermées."))
    if party_size < 1:
        raise ValidationError({"party_size": _("Au moins une personne.")})
    with transaction.atomic():
        participant = participant_create(
            territory=workshop.territory,
            first_name=first_name,
            phone=phone,
            email=email,
            neighbourhood=neighbourhood,
            household_size=household_size,
            consent=consent,
            reminders=reminders,
        )
        return registration_create(workshop=workshop, participant=participant, party_size=party_size)


def walk_in_record(
    *, actor, workshop: Workshop, first_name: str, household_size: int = 1, neighbourhood: str = ""
) -> Registration:
    """Someone comes to the truck without signing up: noted in seconds, present at once."""
    require_role(actor, workshop.territory)
    with transaction.atomic():
        participant = participant_create(
            territory=workshop.territory,
            first_name=first_name,
            neighbourhood=neighbourhood,
            household_size=household_size,
            consent=True,
        )
        return registration_create(workshop=workshop, participant=participant, walk_in=True)
