"""`people.reach.reach_deferred()` (issue 20, the suite's time): inside the block the households' reached days wait
for its end, each household rebuilt once, in the same transaction as the facts; outside, every gift and check-in
rebuilds its household at once. The demo's build writes inside one such block (tests/demo/test_reach.py checks it
agrees with the facts)."""

from datetime import date

import pytest

from conserverie.distribution.models import Distribution, HouseholdReach
from conserverie.distribution.reach import reach_facts, reach_problems, reach_refresh
from conserverie.people import reach
from conserverie.people.reach import reach_deferred
from conserverie.workshops.services import registration_checkin, registration_create

from ..helpers import released_lot
from .test_reach import _give, _person, _workshop

D1, D2 = date(2026, 7, 3), date(2026, 7, 10)


@pytest.fixture
def calls(monkeypatch):
    """The batches of households the registered refresher rebuilt (it still rebuilds them)."""
    seen = []

    def counting(ids):
        seen.append(sorted(ids))
        reach_refresh(ids)

    monkeypatch.setitem(reach._REFRESHERS, "distribution.reach", counting)
    return seen


@pytest.fixture
def homes(chain, clock):
    clock(date(2026, 6, 20))
    lot = released_lot(chain, jars=20)
    workshop = _workshop(chain, D1)
    awa = _person(chain, "Awa")
    ben = _person(chain, "Ben", household=awa.household)
    chloe = _person(chain, "Chloé")
    registration = registration_create(workshop=workshop, participant=chloe)
    clock(date(2026, 7, 20))
    return lot, awa, ben, chloe, registration


def test_outside_a_block_each_gift_rebuilds_its_household_at_once(chain, homes, calls):
    lot, awa, _ben, chloe, registration = homes
    _give(chain, lot, awa, D1)
    assert HouseholdReach.objects.filter(household=awa.household, day=D1, gift=True).exists()
    registration_checkin(actor=chain.actor, registration=registration)
    assert HouseholdReach.objects.filter(household=chloe.household, day=D1, workshop_start__isnull=False).exists()
    assert calls == [[awa.household_id], [chloe.household_id]]
    assert reach_problems([chain.territory.pk]) == {}


def test_inside_a_block_each_household_is_rebuilt_once_at_its_end_and_equals_the_facts(chain, homes, calls):
    lot, awa, ben, chloe, registration = homes
    with reach_deferred():
        _give(chain, lot, awa, D1)
        _give(chain, lot, ben, D2)  # the same home as Awa
        _give(chain, lot, awa, D2)
        registration_checkin(actor=chain.actor, registration=registration)
        assert not HouseholdReach.objects.exists()  # nothing rebuilt yet
        assert calls == []
    assert calls == [sorted([awa.household_id, chloe.household_id])]  # one rebuild, each home once
    assert reach_problems([chain.territory.pk]) == {}
    assert HouseholdReach.objects.count() == len(reach_facts(territories=[chain.territory.pk])) == 3
    # After the block, a gift rebuilds at once again.
    _give(chain, lot, chloe, D2)
    assert calls[-1] == [chloe.household_id]
    assert reach_problems([chain.territory.pk]) == {}


def test_a_block_rebuilds_in_batches_and_a_block_inside_it_waits_for_the_outer_one(chain, homes, calls, monkeypatch):
    lot, awa, _ben, chloe, registration = homes
    monkeypatch.setattr(reach, "DEFERRED_BATCH", 1)
    with reach_deferred():
        with reach_deferred():
            _give(chain, lot, awa, D1)
            registration_checkin(actor=chain.actor, registration=registration)
        assert calls == []  # the inner block's end rebuilt nothing
    assert calls == [[min(awa.household_id, chloe.household_id)], [max(awa.household_id, chloe.household_id)]]
    assert reach_problems([chain.territory.pk]) == {}


def test_an_error_in_the_block_rolls_back_the_facts_and_rebuilds_nothing(chain, homes, calls):
    lot, awa, _ben, _chloe, _registration = homes

    def cut_short():
        with reach_deferred():
            _give(chain, lot, awa, D1)
            raise RuntimeError("coupure")

    with pytest.raises(RuntimeError):
        cut_short()
    assert not Distribution.objects.filter(participant=awa).exists()
    assert not HouseholdReach.objects.exists()
    assert calls == []
    _give(chain, lot, awa, D1)  # the block is over: at once again
    assert calls == [[awa.household_id]]
    assert reach_problems([chain.territory.pk]) == {}
