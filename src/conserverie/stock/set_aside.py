"""Jars on a shelf that a higher app has set aside for someone: the registry the stock checks read.

A round of the purchasing group sets jars aside for its members (docs/purchasing-en.md): they are still on the
shelf, and must go to nobody else. `purchasing` sits above `stock` in the layers (docs/architecture.md §3), so the
stock never imports it: the higher app registers a source here at start-up (its AppConfig.ready()), the way apps
register their personal data with `people.privacy`. Why not rows of the ledger: a round writes no movement when it
sets jars aside (its catalogue lines and their `reserved` count are the record, locked per line, §5), and ledger
rows for it would move jars that never moved, through every stock figure and the mass balance (§4.2). So the
ledger stays the jars' one truth, and `check_available` (stock/services.py) reads the sources under the location's
lock (docs/architecture.md §5), so a take never eats into another holder's jars, even when two run at once.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SetAside:
    """`jars` of a (location, lot, format) held by `holder` (a key the registering app knows again, e.g.
    ("purchasing.round", 12)), and how a person reads who holds them: `label`."""

    location_id: int
    lot_id: int
    jar_format_id: int
    jars: int
    holder: Hashable
    label: str


# A source answers in one query, for one (location, lot, format) or a whole territory:
# source(territory_id=None, location_id=None, lot_id=None, jar_format_id=None) -> rows with jars > 0.
Source = Callable[..., Iterable[SetAside]]

_SOURCES: dict[str, Source] = {}


def set_aside_register(key: str, source: Source) -> None:
    _SOURCES[key] = source


def set_aside_rows(
    *, territory_id=None, location_id=None, lot_id=None, jar_format_id=None, exclude_holder: Hashable = None
) -> list[SetAside]:
    """What every registered source sets aside (one query per source), less what `exclude_holder` holds."""
    rows = []
    for key in sorted(_SOURCES):
        rows.extend(
            row
            for row in _SOURCES[key](
                territory_id=territory_id, location_id=location_id, lot_id=lot_id, jar_format_id=jar_format_id
            )
            if exclude_holder is None or row.holder != exclude_holder
        )
    return rows


def set_aside_by_location_lot_format(territory) -> dict[tuple[int, int, int], int]:
    """{(location id, lot id, format id): jars set aside} of a territory, for the pages (one query per source)."""
    out = defaultdict(int)
    for row in set_aside_rows(territory_id=territory.pk):
        out[(row.location_id, row.lot_id, row.jar_format_id)] += row.jars
    return dict(out)
