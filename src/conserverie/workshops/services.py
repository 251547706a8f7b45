from datetime import date, datetime, time, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.people import signup
from conserverie.people.models import Participant
from conserverie.people.signup import participant_create
from conserverie.territories.calendar import public_holidays, school_holidays
from conserverie.territories.models import STAFF_ROLES, Membership, Site, Structure, Territory
from conserverie.territories.permissions import require_role, require_same_territory
from conserverie.workshops.models import Registration, Workshop, WorkshopSeries


def _check_animators(territory: Territory, animators, errors: dict) -> None:
    staff_ids = set(
        Membership.objects.filter(territory=territory, role__in=STAFF_ROLES).values_list("user_id", flat=True)
    )
    if any(person.pk not in staff_ids for person in animators):
        errors["animators"] = _("Les animateurs sont choisis parmi l'équipe de ce territoire.")


def workshop_conflicts(*, territory: Territory, starts_at: datetime, ends_at: datetime, animators=()) -> dict:
    """What keeps a workshop from taking place at these times, by field; locks the rows it reads.

    The truck is at one place at a time (no overlapping workshop of the same territory), and a person
    animates one workshop at a time (whatever its territory). Called inside the caller's transaction.
    """
    errors = {}
    overlapping = Workshop.objects.exclude(status=Workshop.Status.CANCELLED).filter(
        starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    clash = overlapping.select_for_update().filter(territory=territory).first()
    if clash is not None:
        errors["starts_at"] = _("Le camion est déjà pris à cette heure-là : %(w)s.") % {"w": clash}
    animator_ids = [person.pk for person in animators]
    if animator_ids:
        busy = (
            Workshop.animators.through.objects.filter(user_id__in=animator_ids, workshop__in=overlapping.values("pk"))
            .select_related("user", "workshop__site")
            .order_by("workshop__starts_at", "user__username")
            .first()
        )
        if busy is not None:
            person = busy.user.get_full_name() or busy.user.get_username()
            if busy.workshop.territory_id == territory.pk:
                errors["animators"] = _("%(person)s anime déjà un atelier à cette heure-là : %(w)s (%(site)s).") % {
                    "person": person,
                    "w": busy.workshop,
                    "site": busy.workshop.site.name,
                }
            else:
                # Another territory's workshop is not this territory's business: say busy, not where.
                errors["animators"] = _(
                    "%(person)s anime déjà un atelier à cette heure-là, dans un autre territoire."
                ) % {"person": person}
    return errors


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
    series: WorkshopSeries | None = None,
) -> Workshop:
    require_role(actor, territory)
    require_same_territory(territory, site, structure, *planned_recipes)
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("L'atelier doit finir après son début.")
    if capacity < 1:
        errors["capacity"] = _("Un atelier a au moins une place.")
    _check_animators(territory, animators, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conflicts = workshop_conflicts(territory=territory, starts_at=starts_at, ends_at=ends_at, animators=animators)
        if conflicts:
            raise ValidationError(conflicts)
        workshop = Workshop(
            territory=territory,
            title=title,
            site=site,
            structure=structure,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            created_by=actor,
            series=series,
        )
        save_as(workshop, actor)
        workshop.animators.set(animators)
        workshop.planned_recipes.set(planned_recipes)
        return workshop


# --- Sign-ups: the shared sign-up of people.signup, with a workshop's own rules -------------------------------------


def _refuse(workshop: Workshop, participant: Participant) -> None:
    if workshop.is_cancelled:
        raise ValidationError(_("Cet atelier est annulé."))


def registration_create(
    *,
    workshop: Workshop,
    participant: Participant,
    party_size: int = 1,
    walk_in: bool = False,
    public: bool = False,
    idempotency_key: str = "",
) -> Registration:
    """Sign a participant up; when the workshop is full the registration waits (pretix-style locking). A walk-in
    is confirmed and present whatever the places; `public` and `idempotency_key` are the public sign-up's limits
    (`people.signup.register`)."""
    return signup.register(
        bookable=workshop,
        participant=participant,
        party_size=party_size,
        refuse=_refuse,
        already=_("Cette personne est déjà inscrite à cet atelier."),
        confirmed=walk_in,
        public=public,
        idempotency_key=idempotency_key,
        walk_in=walk_in,
        attended=walk_in,
    )


# A workshop has no rule of its own for these two.
registration_cancel = signup.cancel
registration_checkin = signup.checkin


def public_signup(*, workshop: Workshop, **person) -> Registration:
    """A resident signs up for a workshop on its public page (see `person_signup` for the fields)."""
    if not workshop.accepts_signups:
        raise ValidationError(_("Les inscriptions à cet atelier sont fermées."))
    return signup.person_signup(
        territory=workshop.territory,
        bookable=workshop,
        register=partial(registration_create, workshop=workshop),
        **person,
    )


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


def paper_sheet_enter(*, actor, workshop: Workshop, present: set[int], walk_ins: list[dict]) -> dict:
    """The day sheet typed back: who was present among the registered, and the walk-ins written on the blank
    lines (`first_name`, `household_size`, `neighbourhood`). All or nothing; returns what changed."""
    require_role(actor, workshop.territory)
    rows = list(workshop.registrations.live().order_by("id"))
    unknown = set(present) - {r.pk for r in rows}
    if unknown:
        raise ValidationError(_("Une présence cochée ne correspond à aucune inscription de cet atelier."))
    changed = 0
    with transaction.atomic():
        for registration in rows:
            attended = registration.pk in present
            if registration.attended != attended:
                registration_checkin(actor=actor, registration=registration, attended=attended)
                changed += 1
        added = [walk_in_record(actor=actor, workshop=workshop, **person) for person in walk_ins]
    return {"changed": changed, "walk_ins": len(added)}


# --- Cancelling a workshop ---------------------------------------------------------------------------------------


def _cancel_rows(*, actor, workshop: Workshop, reason: str) -> tuple[Workshop, list[Registration]]:
    """Inside the caller's transaction: the workshop cancelled, and the registrations to tell."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status == Workshop.Status.CANCELLED:
        raise ValidationError(_("Cet atelier est déjà annulé."))
    if workshop.status == Workshop.Status.DONE:
        raise ValidationError(_("Cet atelier a déjà eu lieu : il ne peut plus être annulé."))
    return workshop, signup.mark_cancelled(actor=actor, bookable=workshop, reason=reason)


def workshop_cancel(*, actor, workshop: Workshop, reason: str) -> Workshop:
    """Cancel a planned workshop and tell everyone registered or waiting (e-mail and/or SMS), once it is saved."""
    from conserverie.workshops.notify import tell_cancelled

    require_role(actor, workshop.territory)
    reason = signup.cancel_reason(reason, missing=_("Dites en quelques mots pourquoi l'atelier est annulé."))
    with transaction.atomic():
        workshop, to_tell = _cancel_rows(actor=actor, workshop=workshop, reason=reason)
    tell_cancelled(workshop, to_tell)
    return workshop


# --- Recurring series --------------------------------------------------------------------------------------------

SERIES_MAX_OCCURRENCES = 60


def series_dates(*, weekday: int, first_date: date, last_date: date) -> list[date]:
    """Every `weekday` from `first_date` to `last_date`, both included."""
    dates = []
    try:
        day = first_date + timedelta(days=(weekday - first_date.weekday()) % 7)
        # One more than a series may hold is enough to refuse it.
        while day <= last_date and len(dates) <= SERIES_MAX_OCCURRENCES:
            dates.append(day)
            day += timedelta(weeks=1)
    except OverflowError:  # the last days of year 9999
        pass
    return dates


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def series_create(
    *,
    actor,
    territory: Territory,
    title: str,
    site: Site,
    structure: Structure,
    weekday: int,
    start_time: time,
    end_time: time,
    first_date: date,
    last_date: date,
    capacity: int = 12,
    animators=(),
    planned_recipes=(),
    skip_public_holidays: bool = True,
    skip_school_holidays: bool = False,
) -> WorkshopSeries:
    """Every workshop of the series in one transaction, or none: a conflicting date refuses the whole series.

    Public holidays are skipped unless `skip_public_holidays` is False, and the school holidays of the territory's
    zone when `skip_school_holidays` is True; the days left out are on the returned series' `skipped`
    (day, what the day is)."""
    require_role(actor, territory)
    require_same_territory(territory, site, structure, *planned_recipes)
    animators, planned_recipes = list(animators), list(planned_recipes)
    errors = {}
    if not title.strip():
        errors["title"] = _("Donnez un titre à la série.")
    if end_time <= start_time:
        errors["end_time"] = _("L'atelier doit finir après son début.")
    if capacity < 1:
        errors["capacity"] = _("Un atelier a au moins une place.")
    if weekday not in range(7):
        errors["weekday"] = _("Choisissez un jour de la semaine.")
    if last_date < first_date:
        errors["last_date"] = _("La dernière date vient après la première.")
    _check_animators(territory, animators, errors)
    if errors:
        raise ValidationError(errors)
    dates = series_dates(weekday=weekday, first_date=first_date, last_date=last_date)
    if not dates:
        raise ValidationError({"last_date": _("Aucun de ces jours ne tombe entre ces deux dates.")})
    if len(dates) > SERIES_MAX_OCCURRENCES:
        raise ValidationError(
            {"last_date": _("Une série compte au plus %(n)s ateliers.") % {"n": SERIES_MAX_OCCURRENCES}}
        )
    off = {}
    if skip_public_holidays:
        off.update(public_holidays(dates[0], dates[-1]))
    if skip_school_holidays:
        for day, name in school_holidays(territory.school_zone, dates[0], dates[-1]).items():
            off.setdefault(day, name)
    skipped = [(day, off[day]) for day in dates if day in off]
    dates = [day for day in dates if day not in off]
    if not dates:
        raise ValidationError({"first_date": _("Toutes ces dates tombent un jour férié ou pendant les vacances.")})
    with transaction.atomic():
        clashes = []
        for day in dates:
            found = workshop_conflicts(
                territory=territory,
                starts_at=_at(day, start_time),
                ends_at=_at(day, end_time),
                animators=animators,
            )
            if found:
                clashes.append((day, found))
        if clashes:
            raise ValidationError({"first_date": _series_clash_message(clashes)})
        series = WorkshopSeries(
            territory=territory,
            title=title.strip(),
            site=site,
            structure=structure,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            first_date=first_date,
            last_date=last_date,
            capacity=capacity,
            created_by=actor,
        )
        save_as(series, actor)
        series.animators.set(animators)
        series.planned_recipes.set(planned_recipes)
        for day in dates:
            workshop_open(
                actor=actor,
                territory=territory,
                title=series.title,
                site=site,
                structure=structure,
                starts_at=_at(day, start_time),
                ends_at=_at(day, end_time),
                capacity=capacity,
                animators=animators,
                planned_recipes=planned_recipes,
                series=series,
            )
        series.skipped = skipped
        return series


def _series_clash_message(clashes) -> str:
    shown = ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day, _found in clashes)
    first_reason = " ".join(str(message) for message in clashes[0][1].values())
    return _(
        "Rien n'a été créé : %(n)s date(s) de la série sont déjà prises (%(dates)s). Par exemple le %(first)s : %(why)s"
    ) % {
        "n": len(clashes),
        "dates": shown,
        "first": date_format(clashes[0][0], "SHORT_DATE_FORMAT"),
        "why": first_reason,
    }


def series_cancel_from(*, actor, series: WorkshopSeries, day: date, reason: str) -> list[Workshop]:
    """Cancel every planned workshop of the series from `day` on (all or none), then tell the people registered."""
    from conserverie.workshops.notify import tell_cancelled

    require_role(actor, series.territory)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites en quelques mots pourquoi les ateliers sont annulés.")})
    start = _at(day, time.min)
    with transaction.atomic():
        planned = series.workshops.filter(status=Workshop.Status.PLANNED, starts_at__gte=start).order_by("starts_at")
        done = [_cancel_rows(actor=actor, workshop=workshop, reason=reason) for workshop in planned]
        if not done:
            raise ValidationError({"day": _("Aucun atelier prévu de cette série à partir de cette date.")})
        series = WorkshopSeries.objects.select_for_update().get(pk=series.pk)
        if day - timedelta(days=1) >= series.first_date and day <= series.last_date:
            series.last_date = day - timedelta(days=1)
            save_as(series, actor)
    for workshop, to_tell in done:
        tell_cancelled(workshop, to_tell)
    return [workshop for workshop, _to_tell in done]


# --- Reminders, the day before -----------------------------------------------------------------------------------


def reminders_due(*, day: date):
    """Confirmed registrations of the planned workshops of `day`, not reminded yet, of people who want reminders."""
    start = _at(day, time.min)
    rows = (
        Registration.objects.to_remind()
        .filter(
            workshop__status=Workshop.Status.PLANNED,
            workshop__starts_at__gte=start,
            workshop__starts_at__lt=start + timedelta(days=1),
        )
        .select_related("participant", "workshop__site")
        .order_by("workshop__starts_at", "id")
    )
    return signup.reminders_wanted(rows)


def registration_remind(*, registration: Registration, today: date | None = None) -> list[str]:
    """Send one reminder, never twice (see `people.signup.remind`)."""
    from conserverie.workshops.notify import send_reminder

    return signup.remind(
        registration=registration, send=partial(send_reminder, today=today), related=("workshop__site",)
    )
