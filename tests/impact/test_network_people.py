"""The network view's people figures read only the periods' rows (issue 20, q20): the same numbers as before.

The references below are the queries the figures and the flower's registry used before (every season's rows, grouped
by territory; the returning participants by grouping every registration by person). Over several periods — two years,
a season, a day, a range from the first of September that holds today's workshop not yet started — in two
territories, the new queries give exactly the same numbers after check-ins, a walk-in, a registration cancelled, a
workshop cancelled, a merge and an erasure."""

import operator
from datetime import date
from decimal import Decimal
from functools import reduce

import pytest
from django.db.models import BooleanField, Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone

from conserverie.core.periods import in_days, midnight, span
from conserverie.core.scoping import territory_scope
from conserverie.distribution.models import HouseholdReach
from conserverie.figures.selectors import figures_by_period
from conserverie.impact.periods import Period
from conserverie.impact.registry import Batch
from conserverie.people.merge import participant_merge
from conserverie.people.models import Household, Participant, RegistrationStatus
from conserverie.people.privacy import participant_erase
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.territories.models import PriorityArea, Site
from conserverie.workshops.models import Registration, VolunteerHours, Workshop
from conserverie.workshops.services import (
    registration_cancel,
    registration_checkin,
    registration_create,
    walk_in_record,
    workshop_cancel,
)
from conserverie.workshops.volunteers import hourly_rate_on

from ..distribution.test_reach import _give, _person, _workshop
from ..helpers import released_lot

TODAY = date(2026, 9, 15)
PERIODS = [
    Period.year(2026),
    Period.year(2025),
    Period.season(2026, "ete"),
    Period.between(date(2026, 7, 10), date(2026, 7, 10)),
    Period.between(date(2026, 7, 4), date(2026, 7, 31)),
    Period.between(date(2026, 9, 1), date(2026, 12, 31)),  # today's workshop not yet started, a planned one
]


def _old_grouped(periods, queryset, field, default, **aggregates):
    names = {f"{name}_{i}": make(p.start, p.end) for name, make in aggregates.items() for i, p in enumerate(periods)}
    result = {}
    for row in queryset.values(tid=F(field)).annotate(**names).order_by():
        result[row["tid"]] = [{name: row[f"{name}_{i}"] for name in aggregates} for i in range(len(periods))]
    return result


def _old_attendance(ids, periods):
    """`Batch.attendance` before: every registration up to the last period's end, grouped by person."""
    names = {}
    for i, p in enumerate(periods):
        names[f"before_{i}"] = Count("pk", filter=Q(workshop__starts_at__lt=midnight(p.start)))
        names[f"during_{i}"] = Count("pk", filter=in_days("workshop__starts_at", p.start, p.end))
    rows = (
        Registration.objects.live()
        .filter(
            in_days("workshop__starts_at", None, max(p.end for p in periods)),
            workshop__territory__in=ids,
            attended=True,
            workshop__starts_at__lt=timezone.now(),
        )
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .values("workshop__territory_id", "participant_id")
        .annotate(**names)
        .filter(reduce(operator.or_, (Q(**{f"during_{i}__gt": 0}) for i in range(len(periods)))))
        .order_by()
    )
    result = {tid: [{"present": 0, "first": 0, "returning": 0} for _ in periods] for tid in ids}
    for row in rows:
        for i, counts in enumerate(result[row["workshop__territory_id"]]):
            before, during = row[f"before_{i}"], row[f"during_{i}"]
            if not during:
                continue
            counts["present"] += 1
            if before == 0:
                counts["first"] += 1
            if before > 0 or during > 1:
                counts["returning"] += 1
    return result


def _old_groups(ids, periods):
    """Sites, volunteers, farms and round km as the registry read them before: every season's rows."""

    def on(start, end, village):
        kind = Q(site__kind=Site.Kind.VILLAGE) if village else ~Q(site__kind=Site.Kind.VILLAGE)
        return Count("pk", filter=kind & in_days("starts_at", start, end))

    def between(start, end):
        return Q(date__gte=start, date__lte=end)

    return {
        "sites": _old_grouped(
            periods,
            Workshop.objects.filter(territory__in=ids).held_between(None, None),
            "territory_id",
            None,
            village=lambda s, e: on(s, e, True),
            town=lambda s, e: on(s, e, False),
        ),
        "volunteers": _old_grouped(
            periods,
            VolunteerHours.objects.filter(territory__in=ids),
            "territory_id",
            None,
            hours=lambda s, e: Sum("hours", filter=between(s, e)),
            value=lambda s, e: Sum(
                F("hours") * hourly_rate_on("date"), filter=between(s, e), output_field=DecimalField()
            ),
            participants=lambda s, e: Count("participant", distinct=True, filter=between(s, e)),
            users=lambda s, e: Count("user", distinct=True, filter=between(s, e)),
        ),
        "farms": _old_grouped(
            periods,
            RawLot.objects.filter(territory__in=ids),
            "territory_id",
            None,
            n=lambda s, e: Count("producer_id", distinct=True, filter=Q(collected_on__gte=s, collected_on__lte=e)),
        ),
        "round_km": _old_grouped(
            periods,
            CollectionRound.objects.filter(territory__in=ids, status=CollectionRound.Status.DONE),
            "territory_id",
            None,
            km=lambda s, e: Sum("km", filter=Q(date__gte=s, date__lte=e)),
        ),
    }


def _old_people(ids, periods):
    """{tid: [(workshops, people present, households, of which in a priority area)]} as `figures_by_period` read
    them before: every workshop of every season, every household of the territories."""
    today, now = timezone.localdate(), timezone.now()
    out = {tid: [] for tid in ids}
    for p in periods:
        held_end = min(p.end, today)
        workshops = Workshop.objects.filter(territory__in=ids).held_between(None, None)
        present = Q(registrations__attended=True) & ~Q(registrations__status=RegistrationStatus.CANCELLED)
        counts = {
            row["territory_id"]: row
            for row in workshops.values("territory_id")
            .annotate(
                n=Count("pk", distinct=True, filter=in_days("starts_at", p.start, held_end)),
                people=Sum("registrations__party_size", filter=present & in_days("starts_at", p.start, p.end)),
            )
            .order_by()
        }
        happened = Q(day__lt=today) | (Q(day=today) & (Q(gift=True) | Q(workshop_start__lt=now)))
        reach = HouseholdReach.objects.filter(territory__in=ids).filter(happened, day__gte=p.start, day__lte=p.end)

        def listed(name_field):
            return PriorityArea.objects.filter(territory=OuterRef("territory"), name__iexact=OuterRef(name_field))

        declared = Participant.objects.filter(household=OuterRef("pk")).filter(Exists(listed("neighbourhood")))
        in_qpv = Q(priority_area=True) | Q(Exists(listed("commune"))) | Q(Exists(declared))
        homes = {
            (row["territory_id"], row["qpv"]): row["n"]
            for row in Household.objects.filter(territory__in=ids)
            .annotate(qpv=ExpressionWrapper(in_qpv, BooleanField()))
            .values("territory_id", "qpv")
            .annotate(n=Count("pk", filter=Q(pk__in=reach.values("household_id"))))
            .order_by()
        }
        for tid in ids:
            row = counts.get(tid, {})
            out[tid].append(
                (row.get("n") or 0, row.get("people") or 0, homes.get((tid, False), 0), homes.get((tid, True), 0))
            )
    return out


def _check(territories):
    """The new figures equal the references for every period, in both territories; the counts returned."""
    ids = [t.pk for t in territories]
    with territory_scope(territories):
        batch = Batch(territories, PERIODS)
        assert batch.attendance == _old_attendance(ids, PERIODS)
        old = _old_groups(ids, PERIODS)
        for name in ("sites", "volunteers", "farms", "round_km"):
            for tid in ids:
                if tid in old[name]:
                    assert getattr(batch, name)[tid] == old[name][tid], (name, tid)
                else:  # no row at all in that territory: the defaults
                    assert all(v in (0, None) for d in getattr(batch, name)[tid] for v in d.values()), (name, tid)
        people = _old_people(ids, PERIODS)
        figures = figures_by_period(territories, [(p.start, p.end) for p in PERIODS], mass_balance=False)
    for tid in ids:
        for i, f in enumerate(figures[tid]):
            n, present, town, qpv = people[tid][i]
            households = town + qpv
            assert (f.workshops, f.participants, f.households) == (n, present, households), (tid, PERIODS[i])
            assert f.priority_area_share == (round(qpv / households, 3) if households else 0.0), (tid, PERIODS[i])
    return batch.attendance[ids[0]]


@pytest.fixture
def network(chain, other_chain, clock, coordinator):
    """Romans: workshops in 2025 and 2026 (a village square among them), people in four homes, two of them in a
    priority area by their commune or a member's neighbourhood; Vercors: its own workshop. Volunteers, farms and a
    round in both years. The clock at 15 September 2026, 10:00: today's 14:00 workshop has not started."""
    clock(date(2025, 3, 1))
    t = chain.territory
    village = Site.objects.create(territory=t, name="Place de l'église", kind=Site.Kind.VILLAGE, city="Peyrins")
    PriorityArea.objects.create(territory=t, name="La Monnaie", city="Romans-sur-Isère")
    PriorityArea.objects.create(territory=t, name="Les Ors", city="Romans-sur-Isère")
    old = _workshop(chain, date(2025, 6, 4))
    old.site = village
    old.save()
    awa = _person(chain, "Awa", neighbourhood="les ors")  # a member's neighbourhood, in another case
    awa_old = registration_create(workshop=old, participant=awa)
    clock(date(2026, 6, 20))
    lot = released_lot(chain, jars=20)
    clock(date(2026, 7, 1))
    w1, w2, w2_late = _workshop(chain, date(2026, 7, 3)), _workshop(chain, date(2026, 7, 10)), None
    w2_late = _workshop(chain, date(2026, 7, 10), 17)
    w1.site = village
    w1.save()
    today_morning, today_later = _workshop(chain, TODAY, 8), _workshop(chain, TODAY, 14)
    planned = _workshop(chain, date(2026, 9, 20))
    other_w = _workshop(other_chain, date(2026, 7, 3))
    ben = _person(chain, "Ben", household=awa.household)
    chloe = _person(chain, "Chloé")
    Household.objects.filter(pk=chloe.household_id).update(commune="LA MONNAIE")
    dan = _person(chain, "Dan", priority_area=True)
    eve = _person(chain, "Ève")
    eli = _person(other_chain, "Eli")
    regs = {
        "awa_old": awa_old,
        "awa1": registration_create(workshop=w1, participant=awa),
        "ben1": registration_create(workshop=w1, participant=ben),
        "chloe2": registration_create(workshop=w2, participant=chloe),
        "chloe2_late": registration_create(workshop=w2_late, participant=chloe),
        "dan2": registration_create(workshop=w2, participant=dan),
        "dan_planned": registration_create(workshop=planned, participant=dan),
        "eve_morning": registration_create(workshop=today_morning, participant=eve),
        "eve_later": registration_create(workshop=today_later, participant=eve),
        "eli": registration_create(workshop=other_w, participant=eli),
    }
    for day, kg in ((date(2025, 5, 2), "12.5"), (date(2026, 7, 2), "30")):
        CollectionRound.objects.create(territory=t, date=day, km=Decimal(kg), created_by=chain.actor)
    for day, person in ((date(2025, 6, 4), awa), (date(2026, 7, 10), chloe), (date(2026, 7, 10), awa)):
        VolunteerHours.objects.create(
            territory=t, participant=person, date=day, hours=Decimal("3"), activity="Atelier", created_by=chain.actor
        )
    clock(TODAY)
    return {
        "chain": chain,
        "other": other_chain,
        "lot": lot,
        "w": (w1, w2),
        "people": (awa, ben, chloe, dan, eve, eli),
        "regs": regs,
    }


def test_the_periods_rows_give_the_same_people_figures_as_every_season_s(network, coordinator):
    chain, regs = network["chain"], network["regs"]
    awa, ben, chloe, dan, eve, eli = network["people"]
    territories = [chain.territory, network["other"].territory]
    actor = chain.actor
    assert _check(territories)[0] == {"present": 0, "first": 0, "returning": 0}

    for key in regs:
        registration = regs[key]
        by = network["other"].actor if key == "eli" else actor
        registration_checkin(actor=by, registration=registration)
    counts = _check(territories)
    # 2026: Awa (came in 2025: returning), Ben, Chloé (twice on 10 July: returning), Dan, Ève (this morning);
    # the check-ins typed ahead (Ève at 14:00 today, Dan on 20 September) do not count yet.
    assert counts[0] == {"present": 5, "first": 4, "returning": 2}
    assert counts[1] == {"present": 1, "first": 1, "returning": 0}  # 2025: Awa's first time
    assert counts[4] == {"present": 2, "first": 2, "returning": 1}  # from 4 July: Awa's 3 July visit is "before"

    _give(chain, network["lot"], eve, date(2026, 8, 5))
    walk_in_record(actor=actor, workshop=network["w"][0], first_name="Fatou")
    _check(territories)
    registration_cancel(registration=regs["dan2"])
    _check(territories)
    workshop_cancel(actor=actor, workshop=network["w"][0], reason="Le camion est en panne.")
    _check(territories)
    registration_create(workshop=network["w"][1], participant=dan, walk_in=True)
    participant_merge(actor=coordinator, territory=chain.territory, keep=chloe, duplicate=dan)
    _check(territories)
    participant_erase(actor=coordinator, participant=Participant.objects.get(pk=chloe.pk), reason="")
    final = _check(territories)
    # 3 July cancelled: Awa, Ben and Fatou no longer came in 2026; Dan merged into Chloé (twice on 10 July).
    assert final[0] == {"present": 2, "first": 2, "returning": 1}


def test_the_span_of_periods():
    assert span([(date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))]) == (
        date(2025, 1, 1),
        date(2026, 12, 31),
    )
    assert span([(None, date(2026, 7, 5)), (date(2026, 9, 1), date(2026, 9, 2))]) == (None, date(2026, 9, 2))
    assert span([(date(2026, 9, 1), None), (date(2026, 1, 1), date(2026, 2, 1))]) == (date(2026, 1, 1), None)
