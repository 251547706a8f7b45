"""Participants' personal data: consents, erasure (right to be forgotten), retention, and export (right of access).

Services (writes) follow docs/architecture.md §7: keyword-only, atomic, validated, attributed. An erased participant
keeps its rows
(registrations, attendance, jars, deposits, volunteer hours), so that the season's figures do not change: only what
identifies the person goes, also from the history tables.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.append_only import AppendOnlyMixin, ledger_maintenance
from conserverie.core.history import save_as
from conserverie.people.merge import merged_people
from conserverie.people.models import (
    AccessLog,
    Consent,
    ConsentScope,
    ErasureRecord,
    Household,
    HowHeard,
    Participant,
    RegistrationStatus,
)
from conserverie.people.reach import households_touched
from conserverie.people.relations import participant_links, text_fields
from conserverie.people.signup import cancel
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
    # The models (`app_label.Model`) whose keys to a participant this section exports; every other model with such
    # a key is exported as it is stored (`person_export`), so a new app's records are never left out.
    models: tuple[str, ...] = ()


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


REDACTED = "[effacé]"
_SEPARATOR = r"[\s.\-]?"


def _phone_pattern(e164: str) -> list[str]:
    """A stored number as it may be written in free text: E.164 (`+33612345678`, `+33 6 12 …`) and, for a French
    number, national (`0612345678`, `06 12 34 56 78`, `06.12.34.56.78`)."""
    digits = e164.lstrip("+")
    forms = [r"\+" + _SEPARATOR.join(digits)]
    if e164.startswith("+33"):
        forms.append(_SEPARATOR.join("0" + digits[2:]))
    return forms


def identity_pattern(people) -> re.Pattern | None:
    """What identifies these people in free text: their first names (whole words), phones (every usual way of
    writing them) and e-mail addresses, any case; None when there is nothing to look for."""
    parts = []
    for first_name, phone, email in people:
        name = (first_name or "").strip()
        if len(name) >= 2 and name != ANONYMOUS:
            parts.append(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        if phone:
            parts += _phone_pattern(phone) if phone.startswith("+") else [re.escape(phone)]
        if email:
            parts.append(re.escape(email))
    parts = sorted(set(parts), key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def scrub(value, pattern: re.Pattern):
    """`value` (a string, or the lists and dicts of a JSON column) with every identity found replaced."""
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern) for key, item in value.items()}
    return value


def _fit(field, value):
    """A scrubbed value within its column's length (« [effacé] » is longer than « Léa »; PostgreSQL would refuse)."""
    limit = getattr(field, "max_length", None)
    return value[:limit] if isinstance(value, str) and limit else value


def _scrub_rows(model, rows, pattern: re.Pattern) -> int:
    """Rewrite the free-text columns of `rows` (a queryset of `model`) that quote the person; the rows changed."""
    fields = {field.attname: field for field in text_fields(model)}
    changed = 0
    if not fields:
        return changed
    for row in rows.order_by("pk").values("pk", *fields):
        diff = {name: _fit(field, scrub(row[name], pattern)) for name, field in fields.items()}
        diff = {name: value for name, value in diff.items() if value != row[name]}
        if not diff:
            continue
        target = models.QuerySet(model).filter(pk=row["pk"])
        if issubclass(model, AppendOnlyMixin):
            # A ledger row is never edited (core/append_only.py), except this: the person's identity written in
            # its reason, which the right to erasure (RGPD art. 17) removes; the movement itself is unchanged.
            with ledger_maintenance():
                target.update(**diff)
        else:
            target.update(**diff)
        changed += 1
    return changed


def future_seats(ids: list[int]) -> list:
    """The live sign-ups of these people to what has not started yet (workshops, outings, any later bookable)."""
    now = timezone.now()
    seats = []
    for link in participant_links():
        if not link.is_registration:
            continue
        bookable = link.model.bookable_field
        live = link.rows(ids).exclude(status=RegistrationStatus.CANCELLED).select_related(bookable)
        seats += [row for row in live.order_by("pk") if getattr(row, bookable).starts_at > now]
    return seats


def _free_future_seats(ids: list[int]) -> None:
    """Cancel the person's future sign-ups; the waiting list moves up (`people.signup.cancel`)."""
    for registration in future_seats(ids):
        cancel(registration=registration)


def _erase(*, participant: Participant, actor, reason: str, retention: bool) -> ErasureRecord:
    """Erase the person and the records merged into them: future seats freed, identity gone from the person's rows,
    from every free text of their records and from every history row, the records themselves kept (the counts)."""
    with transaction.atomic():
        participant = Participant._base_manager.select_for_update(of=("self",)).get(pk=participant.pk)
        if participant.erased_at is not None:
            raise ValidationError(_("Ce participant est déjà effacé (n° %(pk)s).") % {"pk": participant.pk})
        ids = [participant.pk, *merged_people(participant)]
        history = Participant.history.model.objects
        known = {
            *Participant._base_manager.filter(pk__in=ids).values_list("first_name", "phone", "email"),
            *history.filter(id__in=ids).values_list("first_name", "phone", "email"),
        }
        pattern = identity_pattern(sorted(known))
        _free_future_seats(ids)
        if pattern is not None:
            for link in participant_links(history=True):
                _scrub_rows(link.model, link.rows(ids), pattern)
        AccessLog.objects.filter(participant_id__in=ids).update(participant=None)
        Consent.objects.filter(participant_id__in=ids).delete()
        now = timezone.now()
        people = list(Participant._base_manager.filter(pk__in=ids).select_related("household").order_by("pk"))
        for person in people:
            was_erased = person.erased_at is not None
            for field, value in IDENTITY.items():
                setattr(person, field, value)
            person.reminders = False
            person.erased_at = person.erased_at or now
            person._change_reason = _("effacement")
            save_as(person, actor)
            if not was_erased and person.pk != participant.pk:
                ErasureRecord.objects.create(
                    participant=person,
                    erased_by=actor,
                    erased_at=now,
                    reason=_("fusionné dans n° %(pk)s") % {"pk": participant.pk},
                    retention=retention,
                )
        # The history rows kept the name, phone, e-mail and neighbourhood of every earlier version.
        history.filter(id__in=ids).update(**IDENTITY)
        if pattern is not None:
            _scrub_rows(history.model, history.filter(id__in=ids), pattern)
        _erase_addresses(people)
        # The future seats freed above no longer reach anyone (issue 20); the past gifts and workshops still count.
        households_touched(person.household_id for person in people)
        reason = reason.strip()[:250]
        return ErasureRecord.objects.create(
            participant=participant,
            erased_by=actor,
            erased_at=now,
            reason=scrub(reason, pattern) if pattern is not None else reason,
            retention=retention,
        )


def _erase_addresses(people) -> None:
    """A household where nobody is left but erased people loses its street address (its commune stays: the
    counts by commune and priority area), also from its history."""
    homes = {person.household_id for person in people if person.household_id}
    if not homes:
        return
    lived_in = Participant._base_manager.filter(household_id__in=homes, erased_at__isnull=True)
    empty = homes - set(lived_in.values_list("household_id", flat=True))
    if empty:
        Household._base_manager.filter(pk__in=empty).update(address="")
        Household.history.model.objects.filter(id__in=empty).update(address="")


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


@dataclass(frozen=True)
class LogRetention:
    """A log of what people did (an API's calls, a sign-in's attempts): kept `months()` months, then deleted by the
    nightly `retention` job. The CNIL's recommendation on logs (délibération n° 2021-122 du 14 octobre 2021) keeps
    them six months to a year in the common case.

    Apps above `people` register theirs in their AppConfig.ready(), as their `PersonalData`."""

    key: str  # a name for the job's report, e.g. "api.ApiCall"
    months: Callable[[], int]  # read when the job runs (a setting)
    rows: Callable[[datetime], models.QuerySet]  # the rows older than the date


_LOGS: dict[str, LogRetention] = {}


def log_retention_register(log: LogRetention) -> None:
    _LOGS[log.key] = log


def logs_stale(*, now: datetime | None = None) -> list[tuple[LogRetention, int, models.QuerySet]]:
    """Each registered log, its retention in months and its rows older than that (by key)."""
    now = now or timezone.now()
    out = []
    for log in sorted(_LOGS.values(), key=lambda log: log.key):
        months = log.months()
        if months < 1:
            raise ValidationError(_("La durée de conservation est d'au moins un mois."))
        out.append((log, months, log.rows(now - timedelta(days=round(months * 30.44)))))
    return out


def logs_purge(*, now: datetime | None = None) -> list[tuple[str, int, int]]:
    """Delete the rows of every registered log older than its retention: (key, months, rows deleted)."""
    done = []
    with transaction.atomic():
        for log, months, rows in logs_stale(now=now):
            deleted, _by_model = rows.delete()
            done.append((log.key, months, deleted))
    return done


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


# What the export says in its own sections (identity, consents, access log, erasure) rather than as stored rows.
OWN_SECTIONS = ("people.Consent", "people.AccessLog", "people.ErasureRecord")


def _identity(p: Participant) -> dict:
    return {
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
    }


def _stored(row) -> dict:
    """A record as stored, JSON-ready (dates in ISO 8601, amounts as strings)."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def covered_models() -> set[str]:
    """The models with a key to a participant that a registered section exports in its own words."""
    return {label for section in _sections() for label in section.models} | set(OWN_SECTIONS)


def rights_information(territory) -> dict:
    """What the right of access adds to the data itself (RGPD art. 15.1 a–h, 15.2): who keeps it, why, what, for
    whom, how long, the person's rights, the complaint, where it comes from, no automated decision, no transfer."""
    return {
        "controller": territory.organisation or territory.name,
        "controller_address": territory.address,
        "purposes": _(
            "Organiser les ateliers et les sorties de glanage, prévenir en cas de changement ou de rappel d'un lot, "
            "suivre les bocaux consignés, compter les foyers touchés (chiffres sans nom)."
        ),
        "categories": _(
            "Prénom, téléphone, e-mail, quartier, taille du foyer, quartier prioritaire, inscriptions et présences, "
            "bocaux emportés, consignes, heures de bénévolat, consentements, lectures de la fiche par l'équipe."
        ),
        "recipients": _(
            "L'équipe du territoire ; le prestataire d'envoi des SMS et des e-mails de rappel (sous-traitant). "
            "Rien n'est vendu ni cédé, rien ne sort de l'Union européenne."
        ),
        "retention": _("%(n)s mois sans aucune participation, puis anonymisation automatique.")
        % {"n": settings.PARTICIPANT_RETENTION_MONTHS},
        "rights": _(
            "Accès, rectification, effacement, limitation, opposition, portabilité, retrait du consentement : "
            "demandez-le à la coordination, réponse dans un mois."
        ),
        "complaint": _("Réclamation possible auprès de la CNIL (www.cnil.fr)."),
        "source": _("Ce que vous avez donné en vous inscrivant ; ce que l'équipe a noté (présences, bocaux, heures)."),
        "automated_decisions": _("Aucune décision automatisée, aucun profilage."),
    }


def person_export(participant: Participant) -> dict:
    """Everything held on one person (right of access, RGPD art. 15; portability, art. 20), as JSON-ready data:
    identity and consents, each app's registered section, then every other record with a key to the person as it
    is stored (found from the model meta, `people.relations`), who read the person's social data and the erasure.
    The records of the people merged into this one (`people.merge`) are theirs too."""
    p = participant
    merged = Participant._base_manager.filter(pk__in=merged_people(p)).select_related("territory", "household")
    merged = list(merged.order_by("pk"))
    people = [p, *merged]
    ids = [person.pk for person in people]
    erasure = ErasureRecord.objects.filter(participant=p).select_related("erased_by").first()
    data = {
        "about": rights_information(p.territory),
        "identity": _identity(p),
        "merged_records": [_identity(person) for person in merged],
        "consents": [
            {"scope": c.scope, "given_at": iso(c.given_at), "withdrawn_at": iso(c.withdrawn_at)}
            for c in Consent.objects.filter(participant_id__in=ids).order_by("scope", "pk")
        ],
    }
    for section in _sections():
        data[section.key] = [row for person in people for row in section.export(person)]
    covered = covered_models()
    for link in participant_links():
        label = link.model._meta.label
        if label not in covered:
            rows = link.rows(ids).order_by("pk")
            data.setdefault(label, []).extend(_stored(row) for row in rows)
    data["access_log"] = [
        {"at": iso(a.at), "by": a.user.get_username(), "fields": a.fields, "purpose": a.purpose}
        for a in AccessLog.objects.filter(participant_id__in=ids).select_related("user").order_by("at", "pk")
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
