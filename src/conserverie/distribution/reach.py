"""The days each household was reached, kept exact by the services (issue 20, docs/performance.md).

`figures.selectors` counts "households reached in a period" (a workshop attended, jars taken home) for the
dashboard, the flower and the network view. Counted from the facts, that is a distinct count over the registrations
and distributions of every season; counted from `HouseholdReach`, over one small row per household and day.

The rows are derived, never typed: `reach_refresh(households)` rebuilds the rows of those households from the
facts (`reach_facts`). Every service that writes a fact calls it in its transaction: `distribution_record` here,
and the lower apps' services (a registration made, cancelled, marked present or absent; a workshop cancelled; two
people merged; a person erased) through `people.reach.households_touched`, to which this app registers
`reach_refresh` at start-up (docs/architecture.md §3: the lower apps never import this one). `reach_problems`
recomputes the rows from the facts and reports any difference (the mass balance of `figures.selectors`; invariant
docs/architecture.md §4.12).
"""

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.scoping import scopes_disabled
from conserverie.distribution.models import Distribution, HouseholdReach
from conserverie.people.models import Household, RegistrationStatus
from conserverie.workshops.models import Registration, Workshop

# (territory id, household id, day) -> (gift, earliest start of a workshop attended that day or None)
Rows = dict[tuple, tuple]


def reach_facts(*, households=None, territories=None) -> Rows:
    """The rows the facts give, for some households or every household of some territories (2 queries).

    A gift: a distribution in the name of one of the household's people, in the household's territory (any kind:
    "took jars home"). A workshop: a live registration marked present, to a workshop of the household's territory
    that is not cancelled; its day is the local day of the workshop's start. Whether it happened yet (started
    before now, a gift not after today) is read when counting, not here: the rows do not age."""
    gifts = Distribution.objects.filter(participant__isnull=False, territory=F("participant__household__territory"))
    came = Registration.objects.filter(attended=True, workshop__territory=F("participant__household__territory"))
    came = came.exclude(status=RegistrationStatus.CANCELLED).exclude(workshop__status=Workshop.Status.CANCELLED)
    if households is not None:
        gifts = gifts.filter(participant__household__in=households)
        came = came.filter(participant__household__in=households)
    if territories is not None:
        gifts = gifts.filter(territory__in=territories)
        came = came.filter(workshop__territory__in=territories)
    rows: dict[tuple, list] = defaultdict(lambda: [False, None])
    with scopes_disabled():
        for tid, hid, day in gifts.values_list("territory_id", "participant__household_id", "date").order_by():
            rows[(tid, hid, day)][0] = True
        for tid, hid, start in came.values_list(
            "workshop__territory_id", "participant__household_id", "workshop__starts_at"
        ).order_by():
            row = rows[(tid, hid, timezone.localdate(start))]
            row[1] = start if row[1] is None else min(row[1], start)
    return {key: tuple(value) for key, value in rows.items()}


def reach_refresh(household_ids) -> None:
    """Rebuild the reached days of these households from the facts (inside the caller's transaction)."""
    ids = sorted({pk for pk in household_ids if pk})
    if not ids:
        return
    # One refresh of a household at a time (docs/architecture.md §5): the homes locked in a fixed order, so that a
    # second refresh reads the facts only once the first has committed, and never writes back a day just removed.
    # Its own atomic block too: a caller outside a transaction (the admin's bulk delete) still locks, all or nothing.
    with transaction.atomic():
        homes = Household._base_manager.select_for_update().filter(pk__in=ids).order_by("pk")
        list(homes.values_list("pk", flat=True))
        _replace({"household__in": ids}, reach_facts(households=ids))


def _replace(which: dict, rows: dict) -> None:
    """Delete the stored days `which` selects and write `rows` ({(territory, household, day): (gift, start)})."""
    with scopes_disabled():
        HouseholdReach.objects.filter(**which).delete()
        HouseholdReach.objects.bulk_create(
            (
                HouseholdReach(territory_id=tid, household_id=hid, day=day, gift=gift, workshop_start=start)
                for (tid, hid, day), (gift, start) in sorted(rows.items())
            ),
            batch_size=2000,
        )


def reach_stored(territories) -> Counter:
    """The stored rows of these territories, as a multiset (a duplicated row shows twice)."""
    with scopes_disabled():
        rows = HouseholdReach.objects.filter(territory__in=territories).values_list(
            "territory_id", "household_id", "day", "gift", "workshop_start"
        )
        return Counter(((tid, hid, day), (gift, start)) for tid, hid, day, gift, start in rows.order_by())


def reach_problems(territories) -> dict[int, list[str]]:
    """{territory id: problems} where the stored reached days differ from the facts (absent: they agree)."""
    ids = list(territories)
    facts = Counter(reach_facts(territories=ids).items())
    stored = reach_stored(ids)
    missing, extra = facts - stored, stored - facts
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for ((tid, _hid, _day), _value), n in missing.items():
        counts[tid][0] += n
    for ((tid, _hid, _day), _value), n in extra.items():
        counts[tid][1] += n
    return {
        tid: [
            _(
                "Foyers touchés : %(missing)s jour(s) manquant(s) ou faux, %(extra)s en trop dans le tableau "
                "pré-calculé (à reconstruire depuis les ateliers et les cessions)."
            )
            % {"missing": missing_n, "extra": extra_n}
        ]
        for tid, (missing_n, extra_n) in sorted(counts.items())
    }


def reach_rebuild(territories) -> int:
    """Rebuild every reached day of these territories from the facts (the data migration, a repair); the rows."""
    ids = list(territories)
    rows = reach_facts(territories=ids)
    _replace({"territory__in": ids}, rows)
    return len(rows)
