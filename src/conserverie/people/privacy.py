"""Participants' personal data: consents, erasure (right to be forgotten), retention, and export (right of access).

Services (writes) follow docs/architecture.md §7: keyword-only, atomic, validated, attributed. An erased participant
keeps its rows
(registrations, attendance, jars, deposits, volunteer hours), so that the season's figures do not change: only what
identifies the person goes, also from the history tables.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.people.models import AccessLog, Consent, ConsentScope, ErasureRecord, HowHeard, Participant
from conserverie.territories.models import PriorityArea
from conserverie.territories.permissions import require

ANONYMOUS = "Anonyme"
# The columns that identify a person, blanked on the participant and on each of its history rows.
IDENTITY = {"first_name": ANONYMOUS, "phone": "", "email": "", "neighbourhood": ""}


@dataclass(frozen=True)
class PersonalData:
    """What one app holds on a person: its section of the export (right of access) and, optionally, what counts as
    a recent participation there (the retention job keeps a person with one).

    Apps above `people` register theirs in their AppConfig.ready(), so this module never imports them
    (docs/architecture.md, "Personal data").
    """

    key: str  # the section's name in the export
    order: int  # the section's place in the export
    export: Callable[[Participant], list[dict]]
    recent: Callable[[OuterRef, datetime], Exists] | None = None


_REGISTRY: dict[str, PersonalData] = {}


def personal_data_register(section: PersonalData) -> None:
    _REGISTRY[section.key] = section


def _sections() -> list[PersonalData]:
    return sorted(_REGISTRY.values(), key=lambda section: section.order)


def consent_record(*, participant: Participant, scopes: Iterable[str], when: datetime | None = None) -> list[Consent]:
    """Record what the person agreed to: the contact for the workshop always, the optional scopes as ticked."""
    scopes = {ConsentScope.CONTACT, *scopes}
    unknown = scopes - set(ConsentScope.values)
    if unknown:
        raise ValidationError(_("Objet de consentement inconnu : %(s)s.") % {"s": ", ".join(sorted(unknown))})
    when = when or timezone.now()
    with transaction.atomic():
        rows = []
        for scope in sorted(scopes):
            consent, _created = Consent.objects.update_or_create(
                participant=participant, scope=scope, defaults={"given_at": when, "withdrawn_at": None}
            )
            rows.append(consent)
        return rows


def participant_signup_complete(
    *, participant: Participant, scopes: Iterable[str] = (), how_heard: str = ""
) -> Participant:
    """After a public sign-up: the consents given (with their date) and how the person heard of the cannery."""
    if how_heard and how_heard not in HowHeard.values:
        raise ValidationError({"how_heard": _("Choisissez une réponse dans la liste.")})
    with transaction.atomic():
        consent_record(participant=participant, scopes=scopes)
        if how_heard:
            participant.how_heard = how_heard
            save_as(participant, None)
        return participant


def _erase(*, participant: Participant, actor, reason: str, retention: bool) -> ErasureRecord:
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.erased_at is not None:
            raise ValidationError(_("Ce participant est déjà effacé (n° %(pk)s).") % {"pk": participant.pk})
        now = timezone.now()
        for field, value in IDENTITY.items():
            setattr(participant, field, value)
        participant.reminders = False
        participant.erased_at = now
        save_as(participant, actor)
        # The history rows kept the name, phone, e-mail and neighbourhood of every earlier version.
        participant.history.all().update(**IDENTITY)
        Consent.objects.filter(participant=participant).delete()
        AccessLog.objects.filter(participant=participant).update(participant=None)
        return ErasureRecord.objects.create(
            participant=participant, erased_by=actor, erased_at=now, reason=reason.strip()[:250], retention=retention
        )


def participant_erase(*, actor, participant: Participant, reason: str = "") -> ErasureRecord:
    """Erase a person's identity at their request (a coordinator of the territory); the statistics stay."""
    require(actor, participant.territory, "participant.erase")
    return _erase(participant=participant, actor=actor, reason=reason, retention=False)


def participants_stale(*, months: int, now: datetime | None = None):
    """Participants not yet erased with no participation (registration, jars, returns, hours) for `months`.

    What counts as a participation is what each app registered (`personal_data_register`).
    """
    since = (now or timezone.now()) - timedelta(days=round(months * 30.44))
    person = OuterRef("pk")
    recent = [section.recent(person, since) for section in _sections() if section.recent is not None]
    stale = Participant.objects.filter(erased_at__isnull=True, created_at__lt=since)
    for activity in recent:
        stale = stale.exclude(activity)
    return stale.order_by("pk")


def participant_retention_erase(*, months: int, now: datetime | None = None) -> list[int]:
    """Anonymise every stale participant (the daily retention job); the ids anonymised."""
    if months < 1:
        raise ValidationError(_("La durée de conservation est d'au moins un mois."))
    reason = _("Aucune participation depuis %(n)s mois.") % {"n": months}
    erased = []
    for participant in participants_stale(months=months, now=now):
        _erase(participant=participant, actor=None, reason=reason, retention=True)
        erased.append(participant.pk)
    return erased


def iso(value):
    return value.isoformat() if value is not None else None


def person_export(participant: Participant) -> dict:
    """Everything held on one person (right of access, RGPD art. 15), as JSON-ready data: identity and consents,
    then each app's registered section, then who read the person's social data and the erasure."""
    p = participant
    erasure = ErasureRecord.objects.filter(participant=p).select_related("erased_by").first()
    data = {
        "identity": {
            "id": p.pk,
            "territory": p.territory.slug,
            "first_name": p.first_name,
            "phone": p.phone,
            "email": p.email,
            "neighbourhood": p.neighbourhood,
            "household_size": p.household_size,
            "priority_area": p.priority_area,
            "how_heard": p.how_heard,
            "created_at": iso(p.created_at),
            "erased_at": iso(p.erased_at),
        },
        "consents": [
            {"scope": c.scope, "given_at": iso(c.given_at), "withdrawn_at": iso(c.withdrawn_at)}
            for c in p.consents.order_by("scope")
        ],
    }
    for section in _sections():
        data[section.key] = section.export(p)
    data["access_log"] = [
        {"at": iso(a.at), "by": a.user.get_username(), "fields": a.fields, "purpose": a.purpose}
        for a in AccessLog.objects.filter(participant=p).select_related("user").order_by("at", "pk")
    ]
    data["erasure"] = (
        {
            "erased_at": iso(erasure.erased_at),
            "by": erasure.erased_by.get_username() if erasure.erased_by else None,
            "reason": erasure.reason,
        }
        if erasure
        else None
    )
    return data


def priority_source(participant: Participant, sites: Iterable = ()) -> str:
    """Where "lives in a priority area" comes from: declared by the person, or the neighbourhood they declared is one
    of the territory's QPVs. Never the site of a workshop they came to (`sites` is not read)."""
    if participant.priority_area:
        return _("déclaré")
    neighbourhood = (participant.neighbourhood or "").strip()
    if (
        neighbourhood
        and PriorityArea.objects.filter(territory_id=participant.territory_id, name__iexact=neighbourhood).exists()
    ):
        return _("quartier déclaré : %(name)s (QPV)") % {"name": neighbourhood}
    return ""
