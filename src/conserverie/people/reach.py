"""Households whose "reached" days may have changed: the hook the lower apps' services call (issue 20).

The days a household was reached (a workshop attended, jars taken home) are kept in a table of a higher app
(`distribution.models.HouseholdReach`), rebuilt from the facts by the services that write those facts. `people` and
`workshops` sit below it in the layers (docs/architecture.md §3) and never import it: the higher app registers its
refresher here at start-up (its AppConfig.ready()), the way apps register their personal data with `people.privacy`.
A service that changes a registration's attendance or status, cancels a bookable, moves a person's records or
household calls `households_touched` with the households concerned, inside its transaction. No signals: the call
is in the service, where the rule is.

A bulk load (the demo's build: thousands of gifts and check-ins) writes inside `reach_deferred()`: the households
touched are collected, and each is rebuilt once when the block ends, in the same transaction as the facts
(docs/performance.md, "The suite's time (s20)").
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

Refresher = Callable[[set[int]], None]

_REFRESHERS: dict[str, Refresher] = {}

# The households touched inside the current `reach_deferred()` block (None: no block, rebuild at once).
_deferred: ContextVar[set[int] | None] = ContextVar("reach_deferred", default=None)

# Households rebuilt per call at the end of a block (each call locks them and reads their facts: a bounded IN list).
DEFERRED_BATCH = 500


def reach_refresher_register(key: str, refresher: Refresher) -> None:
    _REFRESHERS[key] = refresher


def households_touched(household_ids: Iterable[int | None]) -> None:
    """Rebuild the reached days of these households (None and duplicates ignored); inside `reach_deferred()`, at
    the end of the block."""
    ids = {pk for pk in household_ids if pk}
    if not ids:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(ids)
        return
    _refresh(ids)


def _refresh(ids: set[int]) -> None:
    ordered = sorted(ids)
    for start in range(0, len(ordered), DEFERRED_BATCH):
        batch = set(ordered[start : start + DEFERRED_BATCH])
        for refresher in _REFRESHERS.values():
            refresher(batch)


@contextmanager
def reach_deferred():
    """Inside the block, the households the services touch are rebuilt once each, when it ends, not at every write.

    The block is one `transaction.atomic()`: the facts and the rebuilt days are committed together, or neither (an
    error rolls back both, and nothing is rebuilt). A block inside another adds to the outer one, which rebuilds.
    For bulk writers (the demo's build); a person's request rebuilds at once, as without a block."""
    if _deferred.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        with transaction.atomic():
            try:
                yield
            finally:
                _deferred.reset(token)
                token = None
            _refresh(pending)
    finally:
        if token is not None:
            _deferred.reset(token)


def people_touched(participant_ids: Iterable[int | None]) -> None:
    """`households_touched` for the households of these people."""
    from conserverie.people.models import Participant

    ids = {pk for pk in participant_ids if pk}
    if ids:
        households_touched(Participant._base_manager.filter(pk__in=ids).values_list("household_id", flat=True))
