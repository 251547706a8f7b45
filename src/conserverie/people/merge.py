"""Two records of one person made one (issue 17, docs/architecture.md §3 "One person, one household").

A public sign-up finds a person again by phone or e-mail (`people.signup.participant_find_or_create`); what is left
over (a new phone, a typo in the e-mail, sign-ups made before numbers were normalised) the coordinator merges here:
`duplicates_proposed` reads the likely pairs and says why each is proposed, `participant_merge` moves every record
of the duplicate to the person kept.

Every record is found from the model meta (`people.relations`), so a key added by a new app is moved without this
module knowing the app. The duplicate stays, empty, with `merged_into` set: its history rows stay as they were.
"""

from dataclasses import dataclass, field
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from conserverie.core.append_only import AppendOnlyMixin, ledger_maintenance
from conserverie.people.models import Consent, ErasureRecord, Participant
from conserverie.people.phones import name_key
from conserverie.people.reach import households_touched
from conserverie.people.relations import household_links, participant_links
from conserverie.people.signup import _lock_bookable_of, cancel
from conserverie.territories.permissions import require

# --- Likely duplicates -------------------------------------------------------------------------------------------

SAME_PHONE = "phone"
SAME_EMAIL = "email"
SAME_NAME_COMMUNE = "name_commune"


def reason_label(code: str) -> str:
    return {
        SAME_PHONE: _("même numéro de téléphone"),
        SAME_EMAIL: _("même adresse e-mail"),
        SAME_NAME_COMMUNE: _("même prénom et même commune"),
    }[code]


@dataclass
class Proposal:
    """Two people who may be one, and why (`reasons`: the codes above, in a stable order)."""

    first: Participant
    second: Participant
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [reason_label(code) for code in self.reasons]


def _commune(person: Participant) -> str:
    home = person.household.commune if person.household_id else ""
    return name_key(home or person.neighbourhood)


def _matches(person: Participant, q: str) -> bool:
    key = name_key(q)
    digits = "".join(c for c in q if c.isdigit())
    if key and key in name_key(person.first_name):
        return True
    if q.casefold() in person.email.casefold():
        return True
    if len(digits) >= 4 and (digits in person.phone or digits.lstrip("0") in person.phone):
        return True
    return q.lstrip("#").isdigit() and int(q.lstrip("#")) == person.pk


def duplicates_proposed(*, territory, q: str = "") -> list[Proposal]:
    """The likely duplicates of the territory (people not erased nor merged): the same phone (E.164), the same
    e-mail (any case), or the same first name (accents and case aside) in the same household commune. Pairs in the
    order of their numbers; `q` keeps the pairs where one of the two matches (first name, phone, e-mail, number).
    One query, whatever the number of people."""
    people = list(
        Participant.objects.filter(territory=territory, erased_at__isnull=True, merged_into__isnull=True)
        .select_related("household")
        .order_by("pk")
    )
    groups: dict[tuple, list[Participant]] = {}
    for person in people:
        keys = []
        if person.phone:
            keys.append((SAME_PHONE, person.phone))
        if person.email:
            keys.append((SAME_EMAIL, person.email.casefold()))
        name, commune = name_key(person.first_name), _commune(person)
        if name and commune:
            keys.append((SAME_NAME_COMMUNE, name, commune))
        for key in keys:
            groups.setdefault(key, []).append(person)
    pairs: dict[tuple[int, int], Proposal] = {}
    order = [SAME_PHONE, SAME_EMAIL, SAME_NAME_COMMUNE]
    for key, members in groups.items():
        for first, second in combinations(members, 2):
            proposal = pairs.setdefault((first.pk, second.pk), Proposal(first, second))
            proposal.reasons = sorted({*proposal.reasons, key[0]}, key=order.index)
    proposals = [pairs[key] for key in sorted(pairs)]
    q = (q or "").strip()
    if q:
        proposals = [p for p in proposals if _matches(p.first, q) or _matches(p.second, q)]
    return proposals


def records_of(person: Participant) -> list[tuple[str, int]]:
    """How many records of each kind point at `person` (the kinds with at least one), by verbose name: what a
    merge would move. One query per kind of record."""
    counts = []
    for link in participant_links():
        n = link.rows([person.pk]).count()
        if n:
            counts.append((str(link.model._meta.verbose_name_plural), n))
    return counts


# --- The merge ---------------------------------------------------------------------------------------------------


def _refuse(message: str):
    raise ValidationError({"duplicate": message})


def _merge_consents(keep: Participant, duplicate: Participant) -> None:
    """A consent of the duplicate the person kept lacks is moved; for a scope both gave, the earlier date is kept (the
    proof of consent, RGPD art. 7) and a withdrawal of either stays a withdrawal."""
    mine = {c.scope: c for c in Consent.objects.filter(participant=keep)}
    for consent in Consent.objects.filter(participant=duplicate).order_by("pk"):
        kept = mine.get(consent.scope)
        if kept is None:
            consent.participant = keep
            consent.save(update_fields=["participant"])
            continue
        kept.given_at = min(kept.given_at, consent.given_at)
        withdrawn = [d for d in (kept.withdrawn_at, consent.withdrawn_at) if d is not None]
        kept.withdrawn_at = max(withdrawn) if withdrawn else None
        kept.save(update_fields=["given_at", "withdrawn_at"])
        consent.delete()


def _rank(registration) -> int:
    """Which of two sign-ups to one bookable is the person's seat: confirmed, then waiting, then cancelled."""
    return {"confirmed": 2, "waiting": 1}.get(registration.status, 0)


def _merge_registrations(link, keep: Participant, duplicate: Participant, actor) -> None:
    """One live registration per person and bookable: a sign-up of the duplicate to a bookable the person kept is
    not signed up to moves; when both are signed up, the better seat becomes the person's (confirmed before
    waiting) and the other is cancelled, which moves the waiting list up (`people.signup.cancel`). The cancelled
    row stays on the duplicate, with its history."""
    model, key = link.model, f"{link.model.bookable_field}_id"
    for row in link.rows([duplicate.pk]).order_by("pk"):
        mine = models.QuerySet(model).filter(participant=keep, **{key: getattr(row, key)}).first()
        if mine is None:
            row.participant = keep
            row._history_user = actor
            row.save()
            continue
        if row.is_cancelled:
            continue
        if _rank(row) > _rank(mine):  # the duplicate holds the better seat: it becomes the person's
            _lock_bookable_of(row)
            mine.status, mine.party_size = row.status, row.party_size
            mine.created_at, mine.reminded_at = row.created_at, row.reminded_at
            mine.attended = mine.attended or row.attended
            mine._history_user = actor
            mine.save()
            row.status = row.Status.CANCELLED
            row._history_user = actor
            row.save()
            continue
        if row.attended and not mine.attended:
            mine.attended = True
            mine._history_user = actor
            mine.save()
        cancel(registration=row)


def _merge_households(keep: Participant, duplicate: Participant, actor) -> None:
    """One home: the duplicate's household (and the other people in it) joins the household of the person kept; its
    size is the larger of the two, a priority area declared by either stays declared."""
    if not duplicate.household_id or duplicate.household_id == keep.household_id:
        return
    if not keep.household_id:
        keep.household = duplicate.household
        return
    home, other = keep.household, duplicate.household
    home.size = max(home.size, other.size)
    home.commune = home.commune or other.commune
    home.address = home.address or other.address
    home.priority_area = home.priority_area or other.priority_area
    home._history_user = actor
    home.save()
    for link in household_links():
        link.rows([other.pk]).update(**{link.field.name: home})
    duplicate.household = home


def participant_merge(*, actor, territory, keep: Participant, duplicate: Participant) -> Participant:
    """Merge `duplicate` into `keep` (a coordinator of the territory): every record of the duplicate moves to the
    person kept (registrations, outings, jars, deposits, volunteer hours, consents, readings, any key a later app
    adds), the households become one, the contact details the person kept lacks are taken from the duplicate.
    The duplicate stays, with `merged_into` set and its history; the history rows of both say who merged, when.
    All or nothing."""
    require(actor, territory, "participant.merge")
    if keep.pk == duplicate.pk:
        _refuse(_("Choisissez deux personnes différentes : on ne fusionne pas une personne avec elle-même."))
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Participant._base_manager.select_for_update(of=("self",))
            .select_related("household")
            .filter(pk__in=[keep.pk, duplicate.pk])
        }
        if len(locked) != 2:
            _refuse(_("Cette personne n'existe plus."))
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        for person in (keep, duplicate):
            if person.territory_id != territory.pk:
                _refuse(_("Ces deux personnes ne sont pas du même territoire : une fusion reste dans un territoire."))
            if person.erased_at is not None:
                _refuse(_("N° %(pk)s est effacé : il n'y a plus rien à fusionner.") % {"pk": person.pk})
            if person.merged_into_id is not None:
                into = {"pk": person.pk, "into": person.merged_into_id}
                _refuse(_("N° %(pk)s est déjà fusionné dans n° %(into)s.") % into)
        for link in participant_links():
            if link.model is ErasureRecord:  # nobody erased gets here
                continue
            if hasattr(link.model, "merge_people"):
                # A model whose rows may not simply move (a uniqueness per person) says how (a higher app's rule,
                # reached without importing it: docs/architecture.md §3).
                link.model.merge_people(actor=actor, keep=keep, duplicate=duplicate)
            elif link.model is Consent:
                _merge_consents(keep, duplicate)
            elif link.is_registration:
                _merge_registrations(link, keep, duplicate, actor)
            elif issubclass(link.model, AppendOnlyMixin):
                # A ledger row is evidence and is never edited; naming the same person by one number changes no
                # movement (docs/architecture.md §3), so only its key to the person moves, here and nowhere else.
                rows = link.rows([duplicate.pk])
                if rows.exists():
                    with ledger_maintenance():
                        rows.update(**{link.field.name: keep})
            else:
                link.rows([duplicate.pk]).update(**{link.field.name: keep})
        homes = {keep.household_id, duplicate.household_id}
        _merge_households(keep, duplicate, actor)
        for name in ("phone", "email", "neighbourhood"):
            if not getattr(keep, name):
                setattr(keep, name, getattr(duplicate, name))
        keep.reminders = keep.reminders or duplicate.reminders
        keep.consent_at = min(keep.consent_at, duplicate.consent_at)
        keep._history_user = actor
        keep._change_reason = _("fusion : a repris n° %(pk)s") % {"pk": duplicate.pk}
        keep.save()
        duplicate.merged_into = keep
        duplicate._history_user = actor
        duplicate._change_reason = _("fusion : fusionné dans n° %(pk)s") % {"pk": keep.pk}
        duplicate.save()
        # Their gifts and workshops now count for one home: its reached days rebuilt, the other home's too (issue 20).
        households_touched(homes | {keep.household_id})
        return keep


def merged_people(person: Participant) -> list[int]:
    """The numbers of the people merged into `person`, and of those merged into them (their records are the
    person's: an export and an erasure read them too)."""
    found, frontier = [], [person.pk]
    while frontier:
        rows = Participant._base_manager.filter(merged_into__in=frontier).exclude(pk__in=found)
        frontier = list(rows.values_list("pk", flat=True))
        found += frontier
    return sorted(found)
