"""Households whose "reached" days may have changed: the hook the lower apps' services call (issue 20).

The days a household was reached (a workshop attended, jars taken home) are kept in a table of a higher app
(`distribution.models.HouseholdReach`), rebuilt from the facts by the services that write those facts. `people` and
`workshops` sit below it in the layers (docs/architecture.md §3) and never import it: the higher app registers its
refresher here at start-up (its AppConfig.ready()), the way apps register their personal data with `people.privacy`.
A service that changes a registration's attendance or status, cancels a bookable, moves a person's records or
household calls `households_touched` with the households concerned, inside its transaction. No signals: the call
is in the service, where the rule is.
"""

from collections.abc import Callable, Iterable

Refresher = Callable[[set[int]], None]

_REFRESHERS: dict[str, Refresher] = {}


def reach_refresher_register(key: str, refresher: Refresher) -> None:
    _REFRESHERS[key] = refresher


def households_touched(household_ids: Iterable[int | None]) -> None:
    """Rebuild the reached days of these households (None and duplicates ignored)."""
    ids = {pk for pk in household_ids if pk}
    if not ids:
        return
    for refresher in _REFRESHERS.values():
        refresher(ids)


def people_touched(participant_ids: Iterable[int | None]) -> None:
    """`households_touched` for the households of these people."""
    from conserverie.people.models import Participant

    ids = {pk for pk in participant_ids if pk}
    if ids:
        households_touched(Participant._base_manager.filter(pk__in=ids).values_list("household_id", flat=True))
