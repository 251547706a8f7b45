"""The households reached per day (`distribution.reach`, issue 20): kept exact by the services, read by the figures.

The figures count the households reached from the table; a reference here counts them from the facts the way the
figures did before the table (a workshop started and not cancelled where one of the household's people was marked
present on a live registration, or jars taken home, not after today). Both agree over several periods after each
service that changes a fact: attendance, a walk-in, a registration cancelled, a workshop cancelled, a gift, a
merge, an erasure. The mass balance reports a tampered row; the other territory's rows stay out of sight."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conserverie.core.scoping import territory_scope
from conserverie.distribution.models import Distribution, HouseholdReach
from conserverie.distribution.reach import reach_problems, reach_rebuild
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import figures_by_period, mass_balance_problems
from conserverie.people.merge import participant_merge
from conserverie.people.models import Household, Participant, RegistrationStatus
from conserverie.people.privacy import participant_erase
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import (
    participant_create,
    registration_cancel,
    registration_checkin,
    registration_create,
    walk_in_record,
    workshop_cancel,
    workshop_open,
)

from ..conftest import aware
from ..helpers import released_lot

D1, D2, D3, D4 = date(2026, 7, 3), date(2026, 7, 10), date(2026, 8, 5), date(2026, 9, 1)
TODAY = date(2026, 9, 15)
PERIODS = [
    (None, None),
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 7, 1), date(2026, 7, 31)),
    (date(2026, 8, 1), date(2026, 8, 31)),
    (D2, D2),
    (None, date(2026, 7, 5)),
    (date(2026, 9, 1), None),  # open after today: the planned workshop of 20 September does not count
]


def _reference(territory, start, end):
    """(households reached, of which in a priority area by its own box) counted from the facts, in Python."""
    today, now = timezone.localdate(), timezone.now()
    homes = set()
    for r in Registration.objects.filter(workshop__territory=territory, attended=True).select_related("workshop"):
        day = timezone.localdate(r.workshop.starts_at)
        if (
            r.status != RegistrationStatus.CANCELLED
            and r.workshop.status != Workshop.Status.CANCELLED
            and r.workshop.starts_at < now
            and (start is None or day >= start)
            and (end is None or day <= end)
        ):
            homes.add(r.participant.household_id)
    for d in Distribution.objects.filter(territory=territory, participant__isnull=False).select_related("participant"):
        if d.date <= today and (start is None or d.date >= start) and (end is None or d.date <= end):
            homes.add(d.participant.household_id)
    in_qpv = Household.objects.filter(pk__in=homes, priority_area=True).count()
    return len(homes), in_qpv


def _check(territory):
    """The table holds (no problem found) and the figures read from it agree with the facts over every period."""
    assert reach_problems([territory.pk]) == {}
    figures = figures_by_period([territory], PERIODS, mass_balance=False)[territory.pk]
    for (start, end), f in zip(PERIODS, figures, strict=True):
        n, qpv = _reference(territory, start, end)
        assert f.households == n, (start, end)
        assert f.priority_area_share == (round(qpv / n, 3) if n else 0.0), (start, end)
    return [f.households for f in figures]


def _workshop(chain, day, hour=14):
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title=f"Atelier {day}",
        site=chain.site,
        structure=chain.structure,
        starts_at=aware(day, hour),
        ends_at=aware(day, hour + 2),
        animators=[chain.actor],
    )


def _person(chain, name, **kwargs):
    return participant_create(territory=chain.territory, first_name=name, consent=True, **kwargs)


def _give(chain, lot, person, day):
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=day,
        lines=[LineSpec(lot, chain.jar, 1)],
        participant=person,
    )


@pytest.fixture
def season(chain, other_chain, clock, coordinator):
    """Workshops on 3 and 10 July (two on the 10th), 20 September (planned); people in four homes; Vercors has its
    own workshop and gift. The clock is at 1 July while planning, then at 15 September."""
    clock(date(2026, 6, 20))
    lot = released_lot(chain, jars=20)
    other_lot = released_lot(other_chain, jars=5)
    clock(date(2026, 7, 1))
    w1, w2, w2_late, planned = _workshop(chain, D1), _workshop(chain, D2), _workshop(chain, D2, 17), None
    planned = _workshop(chain, date(2026, 9, 20))
    other_w = _workshop(other_chain, D1)
    awa = _person(chain, "Awa", priority_area=True)
    ben = _person(chain, "Ben", household=awa.household)  # the same home as Awa
    chloe = _person(chain, "Chloé")
    dan = _person(chain, "Dan", priority_area=True)
    eli = participant_create(territory=other_chain.territory, first_name="Eli", consent=True)
    regs = {
        "awa1": registration_create(workshop=w1, participant=awa),
        "ben1": registration_create(workshop=w1, participant=ben),
        "chloe2": registration_create(workshop=w2, participant=chloe),
        "chloe2_late": registration_create(workshop=w2_late, participant=chloe),
        "dan2": registration_create(workshop=w2, participant=dan),
        "dan_planned": registration_create(workshop=planned, participant=dan),
        "eli": registration_create(workshop=other_w, participant=eli),
    }
    clock(TODAY)
    return {
        "chain": chain,
        "other": other_chain,
        "lot": lot,
        "other_lot": other_lot,
        "w": (w1, w2, w2_late, planned),
        "people": (awa, ben, chloe, dan, eli),
        "regs": regs,
        "coordinator": coordinator,
    }


def test_the_table_follows_every_service_and_the_figures_agree_with_the_facts(season):
    chain, regs = season["chain"], season["regs"]
    awa, ben, chloe, dan, eli = season["people"]
    territory = chain.territory
    actor = chain.actor
    assert _check(territory)[0] == 0  # signed up, nobody marked present yet

    for key in ("awa1", "ben1", "chloe2", "chloe2_late", "dan2"):
        registration_checkin(actor=actor, registration=regs[key])
    # A check-in typed ahead for a workshop not held yet (20 September) counts only once it has started.
    registration_checkin(actor=actor, registration=regs["dan_planned"])
    registration_checkin(actor=season["other"].actor, registration=regs["eli"])
    # Awa and Ben are one home; Chloé came twice on 10 July: one row for that day, the earliest start kept.
    assert _check(territory)[:5] == [3, 3, 3, 0, 2]
    assert HouseholdReach.objects.filter(household=chloe.household).count() == 1
    assert HouseholdReach.objects.get(household=chloe.household).workshop_start == aware(D2, 14)

    # Absent after all (the late workshop alone still brings Chloé that day), then the first one marked again.
    registration_checkin(actor=actor, registration=regs["chloe2"], attended=False)
    assert HouseholdReach.objects.get(household=chloe.household).workshop_start == aware(D2, 17)
    registration_checkin(actor=actor, registration=regs["chloe2"])

    # Jars taken home: Chloé on 5 August; a gift dated after today counts once its day has come.
    _give(chain, season["lot"], chloe, D3)
    _give(chain, season["lot"], dan, TODAY + timedelta(days=3))
    _give(season["other"], season["other_lot"], eli, D3)
    assert _check(territory)[3] == 1

    # A walk-in is present at once.
    walk_in_record(actor=actor, workshop=season["w"][0], first_name="Fatou")
    assert _check(territory)[2] == 4

    # Cancelled: Dan's registration of 10 July (he was marked present), then the workshop of 3 July.
    registration_cancel(registration=regs["dan2"])
    assert _check(territory)[4] == 1
    workshop_cancel(actor=actor, workshop=season["w"][0], reason="Le camion est en panne.")
    assert _check(territory)[2] == 1

    # A merge: Dan's records move to Chloé's home, Dan's home no longer reached.
    registration_create(workshop=season["w"][1], participant=dan, walk_in=True)
    assert _check(territory)[4] == 2
    participant_merge(actor=season["coordinator"], territory=territory, keep=chloe, duplicate=dan)
    assert not HouseholdReach.objects.filter(household=dan.household).exists()
    assert _check(territory)[4] == 1

    # An erasure: the person's identity goes, the counts stay; the planned workshop's seat is freed.
    before = _check(territory)
    participant_erase(actor=season["coordinator"], participant=Participant.objects.get(pk=chloe.pk), reason="")
    assert _check(territory) == before

    # The other territory is counted apart and never seen from Romans.
    assert _check(season["other"].territory)[1] == 1
    with territory_scope(territory):
        homes = set(HouseholdReach.objects.values_list("household_id", flat=True))
    assert homes
    assert eli.household_id not in homes


def test_a_tampered_row_is_reported_and_a_rebuild_repairs_it(season):
    chain, regs = season["chain"], season["regs"]
    registration_checkin(actor=chain.actor, registration=regs["awa1"])
    registration_checkin(actor=chain.actor, registration=regs["chloe2"])
    _give(chain, season["lot"], season["people"][3], D3)
    territory = chain.territory
    assert mass_balance_problems(territory) == []
    rows = list(HouseholdReach.objects.filter(territory=territory).order_by("day", "household_id"))
    assert len(rows) == 3

    HouseholdReach.objects.filter(pk=rows[0].pk).update(day=D4)  # a day moved
    [problem] = mass_balance_problems(territory)
    assert "1 jour(s) manquant(s) ou faux, 1 en trop" in problem
    # `conserverie report` runs the full mass balance: the problem is in its JSON.
    out = StringIO()
    call_command("report", "--territory", territory.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["mass_balance_ok"] is False
    assert data["mass_balance_problems"] == [problem]
    reach_rebuild([territory.pk])
    assert mass_balance_problems(territory) == []

    rows = list(HouseholdReach.objects.filter(territory=territory).order_by("day", "household_id"))
    HouseholdReach.objects.filter(pk=rows[1].pk).delete()  # a row lost
    HouseholdReach.objects.create(territory=territory, household=season["people"][1].household, day=D1, gift=True)
    row = HouseholdReach.objects.filter(territory=territory).order_by("pk").last()
    HouseholdReach.objects.create(territory=territory, household_id=row.household_id, day=row.day, gift=row.gift)
    [problem] = mass_balance_problems(territory)
    assert "1 jour(s) manquant(s) ou faux, 2 en trop" in problem
    # Only the territory whose rows were touched is named.
    assert list(reach_problems([territory.pk, season["other"].territory.pk])) == [territory.pk]
    assert reach_rebuild([territory.pk]) == 3
    assert mass_balance_problems(territory) == []


def test_today_counts_what_has_started_and_the_gifts_of_today(season, clock):
    """A workshop of today counts once it has started; a gift of today counts; tomorrow's nothing."""
    chain = season["chain"]
    awa, _ben, chloe, dan, _eli = season["people"]
    clock(TODAY, 9)
    morning, evening = _workshop(chain, TODAY, 10), _workshop(chain, TODAY, 18)
    registration_checkin(actor=chain.actor, registration=registration_create(workshop=morning, participant=awa))
    registration_checkin(actor=chain.actor, registration=registration_create(workshop=evening, participant=chloe))
    _give(chain, season["lot"], dan, TODAY)
    today = [(TODAY, TODAY)]
    counts = {}
    for hour in (9, 12, 19):
        clock(TODAY, hour)
        counts[hour] = figures_by_period([chain.territory], today, mass_balance=False)[chain.territory.pk][0].households
        assert counts[hour] == _reference(chain.territory, TODAY, TODAY)[0]
    # 9:00: Dan's gift only; 12:00: and Awa's home (the morning workshop started); 19:00: and Chloé.
    assert counts == {9: 1, 12: 2, 19: 3}


def test_the_admins_edits_rebuild_the_reached_days(season, rf):
    """The admin writes facts past the services (a superuser's repair): its save and delete rebuild the days too."""
    from django.contrib import admin

    chain, regs = season["chain"], season["regs"]
    awa = season["people"][0]
    request = rf.post("/")
    request.user = chain.actor
    registration = Registration.objects.get(pk=regs["awa1"].pk)
    registration.attended = True
    admin.site._registry[Registration].save_model(request, registration, None, True)
    assert HouseholdReach.objects.filter(household=awa.household, day=D1).exists()
    assert reach_problems([chain.territory.pk]) == {}
    admin.site._registry[Registration].delete_model(request, registration)
    assert not HouseholdReach.objects.filter(household=awa.household).exists()
    # A person moved to another home: both homes rebuilt.
    chloe = season["people"][2]
    registration_checkin(actor=chain.actor, registration=regs["chloe2"])
    person = Participant.objects.get(pk=chloe.pk)
    person.household = awa.household
    admin.site._registry[Participant].save_model(request, person, None, True)
    assert set(HouseholdReach.objects.values_list("household_id", flat=True)) == {awa.household_id}
    assert reach_problems([chain.territory.pk]) == {}
