"""Who read what: the log of staff readings of participants' social-situation fields (issue 9).

A page or export that shows a participant's social situation calls `log_participant_read` once with all the
participants it shows: one row per participant, all written in one INSERT.
"""

from collections.abc import Iterable

from conserverie.people.models import AccessLog

# What describes a household's social situation, as read through `people.Participant` (the household's size and
# priority area, docs/architecture.md §3 "One person, one household"). Each reading of one of them by staff is
# logged; a later social field is added here.
SOCIAL_FIELDS: tuple[str, ...] = ("household_size", "priority_area")


def log_participant_read(*, actor, territory, participants: Iterable, fields: list[str], purpose: str) -> None:
    """Write one `AccessLog` row per participant read by `actor` in `territory`, in one bulk insert.

    `participants` are Participant instances or primary keys; `fields` the field names shown; `purpose` why
    (e.g. "registre", "export"). Nothing is written when the list is empty.
    """

    field_list = ",".join(dict.fromkeys(fields))[:200]
    purpose = purpose[:100]
    rows = [
        AccessLog(
            user=actor,
            territory=territory,
            participant_id=getattr(participant, "pk", participant),
            fields=field_list,
            purpose=purpose,
        )
        for participant in participants
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)
