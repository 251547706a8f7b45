"""The named computations a "computed" indicator can use, read from the platform's own records.

Each computation takes the territory and a period and returns a value and, for figures about people, the
number of people it was computed on (so that docs/architecture.md §4.7 can hide it below MIN_GROUP). The figures that
the
dashboard and `conserverie report` also show (kg, jars, workshops, households, priority share, deposit
return rate) are read from `figures.selectors.figures_by_period`, so the flower and the report always agree.

Definitions (a period includes its first and last day):

- kg saved: kilos of raw lots collected in the period (the report's "Kilos collectés");
- jars produced / given / sold / internal use: the jar ledger, as in the report;
- households reached: participants present at a workshop of the period or who took jars home in it
  (the report's "Foyers touchés"); people present: the sum of party sizes of those present;
- share from priority neighbourhoods: % of those households living in a priority area (QPV);
- first-time participants: present in the period, never present at a workshop before it;
  returning participants: present in the period and present at another workshop before or during it;
- farms involved: distinct farms whose produce was collected in the period;
- km of rounds: the kilometres driven on the collection rounds done in the period;
- volunteer hours and their value at the SMIC (each day at the rate in force that day, the `MinimumWage` table),
  counted on the volunteers;
- deposit return rate: empty jars returned ÷ jars that left with a deposit, in % (as in the report);
- workshops held (not cancelled), in a village square, in town (every other kind of site), share in villages;
- jobs (full-time equivalents): the IMPACT_JOBS_FTE setting when it is set, else no value (enter it by hand).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from conserverie.core.periods import in_days, in_period, midnight, span
from conserverie.figures.selectors import Figures, figures_by_period
from conserverie.impact.masking import priority_parts
from conserverie.impact.periods import Period
from conserverie.people.models import RegistrationStatus
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.territories.models import Site, Territory
from conserverie.workshops.models import Registration, VolunteerHours, Workshop
from conserverie.workshops.volunteers import hourly_rate_on

# docs/architecture.md §4.7: no figure about people computed on fewer people than this leaves the territory.
MIN_GROUP = 5
ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Measure:
    value: Decimal | None
    people: int | None = None  # how many people the value is computed on, when it is about people
    parts: tuple[int, ...] | None = None  # a share: the counts it splits its people into (impact/masking.py)


class Batch:
    """The records of several territories for several periods, each group read once (grouped by territory, one
    filtered aggregate per period) whatever the computations, the territories and the periods asked: a flower and
    its previous period, or the network view's flowers, cost a fixed number of queries (issue 20). A single flower
    is a batch of one territory."""

    def __init__(self, territories, periods: list[Period]):
        self.territories = list(territories)
        self.ids = [t.pk for t in self.territories]
        self.periods = list(periods)

    @cached_property
    def span(self):
        """The days every period covers: each group reads the rows of those days only (the filtered sums of each
        period are the same; the other seasons' rows are not read, issue 20)."""
        return span((p.start, p.end) for p in self.periods)

    def index(self, period: Period) -> int:
        return next(i for i, p in enumerate(self.periods) if p.key == period.key)

    @cached_property
    def figures(self) -> dict[int, list[Figures]]:
        # The mass balance is a check of the whole books, not a figure of the period: the flower does not show it.
        spans = [(p.start, p.end) for p in self.periods]
        return figures_by_period(self.territories, spans, mass_balance=False)

    def _grouped(self, queryset, field: str, default, **aggregates) -> dict[int, list[dict]]:
        """{territory id: [{name: value} for each period]} of one query grouped by territory."""
        names = {
            f"{name}_{i}": make(p.start, p.end) for name, make in aggregates.items() for i, p in enumerate(self.periods)
        }
        result = {tid: [dict(default) for _ in self.periods] for tid in self.ids}
        for row in queryset.values(tid=F(field)).annotate(**names).order_by():
            for i in range(len(self.periods)):
                result[row["tid"]][i] = {name: row[f"{name}_{i}"] for name in aggregates}
        return result

    @cached_property
    def attendance(self) -> dict[int, list[dict]]:
        """First-time and returning participants of each period, per territory (one query).

        A held attendance is a live registration marked present to a workshop that has started and is not cancelled.
        The query reads the registrations of the periods' days only, grouped by territory and person: "came before
        the period" is "first attendance before its first day", which is the group's earliest attendance when the
        person came in the periods' days only, and is true when the person came before them (asked once per person
        of that person's own registrations, on the index by participant, stopping at the first found). Before, every
        registration of every season was grouped by person (issue 20: 2 s of the network view at 100 territories ×
        10 seasons), then each person's earliest attendance was read over every season (q20). Written in SQL (two
        levels of grouping, which the ORM does not write); the territories are named in it, so it reads no other
        territory's rows."""
        result = {tid: [{"present": 0, "first": 0, "returning": 0} for _ in self.periods] for tid in self.ids}
        if not self.ids:
            return result
        ops, quote = connection.ops, connection.ops.quote_name
        registration, workshop = quote(Registration._meta.db_table), quote(Workshop._meta.db_table)

        def at(moment):
            return ops.adapt_datetimefield_value(moment)

        now = timezone.now()

        def held(r, w):
            """SQL and parameters: the registration `r` to the workshop `w` is a held attendance."""
            sql = (
                f"{r}.{quote('attended')} = %s AND {r}.{quote('status')} <> %s AND {w}.{quote('status')} <> %s"
                f" AND {w}.{quote('starts_at')} < %s"
            )
            return sql, [True, RegistrationStatus.CANCELLED, Workshop.Status.CANCELLED, at(now)]

        starts = f"pw.{quote('starts_at')}"
        counts, count_params = [], []
        for i, p in enumerate(self.periods):
            counts.append(f"SUM(CASE WHEN {starts} >= %s AND {starts} < %s THEN 1 ELSE 0 END) AS d{i}")
            count_params += [at(midnight(p.start)), at(midnight(p.end + timedelta(days=1)))]
        start, end = self.span
        # "Came before the period" needs a person's first held attendance in the territory. Inside the span it is
        # the group's own MIN (its rows are those attendances); before it, an EXISTS on the person's registrations
        # that stops at the first one found, instead of the MIN over every season's (n21: a third less time).
        before_held, before_params = held("r", "w")
        if start:
            before = (
                f"CASE WHEN EXISTS(SELECT 1 FROM {registration} r INNER JOIN {workshop} w"
                f" ON r.{quote('workshop_id')} = w.{quote('id')}"
                f" WHERE r.{quote('participant_id')} = pr.{quote('participant_id')}"
                f" AND w.{quote('territory_id')} = pw.{quote('territory_id')} AND {before_held}"
                f" AND w.{quote('starts_at')} < %s) THEN 1 ELSE 0 END"
            )
            before_params.append(at(midnight(start)))
        else:  # a period open on the left: every attendance is in the span
            before, before_params = "0", []
        where, where_params = held("pr", "pw")
        where += f" AND pw.{quote('territory_id')} IN ({', '.join(['%s'] * len(self.ids))})"
        where_params = [*where_params, *self.ids]
        if start:
            where += f" AND {starts} >= %s"
            where_params.append(at(midnight(start)))
        if end:
            where += f" AND {starts} < %s"
            where_params.append(at(midnight(end + timedelta(days=1))))
        inner = (
            f"SELECT pw.{quote('territory_id')} AS tid, {', '.join(counts)}, MIN({starts}) AS first_start,"
            f" {before} AS came_before"
            f" FROM {registration} pr INNER JOIN {workshop} pw ON pr.{quote('workshop_id')} = pw.{quote('id')}"
            f" WHERE {where} GROUP BY pw.{quote('territory_id')}, pr.{quote('participant_id')}"
        )
        sums, sum_params = [], []
        for i, p in enumerate(self.periods):
            sums += [
                f"SUM(CASE WHEN d{i} > 0 THEN 1 ELSE 0 END)",
                f"SUM(CASE WHEN d{i} > 0 AND came_before = 0 AND first_start >= %s THEN 1 ELSE 0 END)",
                f"SUM(CASE WHEN d{i} > 1 OR (d{i} > 0 AND (came_before = 1 OR first_start < %s)) THEN 1 ELSE 0 END)",
            ]
            sum_params += [at(midnight(p.start))] * 2
        sql = f"SELECT tid, {', '.join(sums)} FROM ({inner}) people GROUP BY tid"
        params = [*sum_params, *count_params, *before_params, *where_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for tid, *values in cursor.fetchall():
                result[tid] = [
                    {
                        "present": values[3 * i] or 0,
                        "first": values[3 * i + 1] or 0,
                        "returning": values[3 * i + 2] or 0,
                    }
                    for i in range(len(self.periods))
                ]
        return result

    @cached_property
    def sites(self) -> dict[int, list[dict]]:
        def on(start, end, village: bool):
            kind = Q(site__kind=Site.Kind.VILLAGE) if village else ~Q(site__kind=Site.Kind.VILLAGE)
            return Count("pk", filter=kind & in_days("starts_at", start, end))

        return self._grouped(
            Workshop.objects.filter(territory__in=self.ids).held_between(*self.span),
            "territory_id",
            {"village": 0, "town": 0},
            village=lambda start, end: on(start, end, True),
            town=lambda start, end: on(start, end, False),
        )

    @cached_property
    def volunteers(self) -> dict[int, list[dict]]:
        def period(start, end):
            return Q(date__gte=start, date__lte=end)

        return self._grouped(
            VolunteerHours.objects.filter(territory__in=self.ids).filter(in_period("date", *self.span)),
            "territory_id",
            {"hours": None, "value": None, "participants": 0, "users": 0},
            hours=lambda start, end: Sum("hours", filter=period(start, end)),
            # Each day at the minimum wage in force that day (the dated `MinimumWage` table), in the same query.
            value=lambda start, end: Sum(
                F("hours") * hourly_rate_on("date"), filter=period(start, end), output_field=DecimalField()
            ),
            participants=lambda start, end: Count("participant", distinct=True, filter=period(start, end)),
            users=lambda start, end: Count("user", distinct=True, filter=period(start, end)),
        )

    @cached_property
    def farms(self) -> dict[int, list[dict]]:
        return self._grouped(
            RawLot.objects.filter(territory__in=self.ids).filter(in_period("collected_on", *self.span)),
            "territory_id",
            {"n": 0},
            n=lambda start, end: Count(
                "producer_id", distinct=True, filter=Q(collected_on__gte=start, collected_on__lte=end)
            ),
        )

    @cached_property
    def round_km(self) -> dict[int, list[dict]]:
        return self._grouped(
            CollectionRound.objects.filter(territory__in=self.ids, status=CollectionRound.Status.DONE).filter(
                in_period("date", *self.span)
            ),
            "territory_id",
            {"km": None},
            km=lambda start, end: Sum("km", filter=Q(date__gte=start, date__lte=end)),
        )


class Context:
    """The records of one territory and one period, read through a `Batch` (of this territory alone by default)."""

    def __init__(self, territory: Territory, period: Period, batch: Batch | None = None):
        self.territory = territory
        self.period = period
        self.batch = batch if batch is not None else Batch([territory], [period])
        self.i = self.batch.index(period)

    @property
    def figures(self) -> Figures:
        return self.batch.figures[self.territory.pk][self.i]

    @property
    def attendance(self) -> dict:
        return self.batch.attendance[self.territory.pk][self.i]

    @property
    def sites(self) -> dict:
        return self.batch.sites[self.territory.pk][self.i]

    @property
    def volunteers(self) -> dict:
        return self.batch.volunteers[self.territory.pk][self.i]


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value is not None else ZERO


def _percent(ratio) -> Decimal:
    return (_dec(ratio) * HUNDRED).quantize(Decimal("0.1"))


def _kg_saved(c: Context) -> Measure:
    return Measure(_dec(c.figures.kg_collected))


def _jars(field: str) -> Callable[[Context], Measure]:
    return lambda c: Measure(Decimal(getattr(c.figures, field)))


def _households(c: Context) -> Measure:
    return Measure(Decimal(c.figures.households), c.figures.households)


def _people(c: Context) -> Measure:
    return Measure(Decimal(c.figures.participants), c.attendance["present"])


def _priority_share(c: Context) -> Measure:
    households = c.figures.households
    parts = priority_parts(households, c.figures.priority_area_share)
    return Measure(_percent(c.figures.priority_area_share), households, parts)


def _first_time(c: Context) -> Measure:
    return Measure(Decimal(c.attendance["first"]), c.attendance["present"])


def _returning(c: Context) -> Measure:
    return Measure(Decimal(c.attendance["returning"]), c.attendance["present"])


def _farms(c: Context) -> Measure:
    return Measure(Decimal(c.batch.farms[c.territory.pk][c.i]["n"]))


def _round_km(c: Context) -> Measure:
    return Measure(_dec(c.batch.round_km[c.territory.pk][c.i]["km"]))


def _volunteer_people(c: Context) -> int:
    return c.volunteers["participants"] + c.volunteers["users"]


def _volunteer_hours(c: Context) -> Measure:
    return Measure(_dec(c.volunteers["hours"]), _volunteer_people(c))


def _volunteer_value(c: Context) -> Measure:
    return Measure(_dec(c.volunteers["value"]).quantize(Decimal("0.01")), _volunteer_people(c))


def _deposit_return(c: Context) -> Measure:
    return Measure(_percent(c.figures.deposit_return_rate))


def _workshops(c: Context) -> Measure:
    return Measure(Decimal(c.figures.workshops))


def _village_workshops(c: Context) -> Measure:
    return Measure(Decimal(c.sites["village"]))


def _town_workshops(c: Context) -> Measure:
    return Measure(Decimal(c.sites["town"]))


def _village_share(c: Context) -> Measure:
    total = c.sites["village"] + c.sites["town"]
    if not total:
        return Measure(ZERO)
    return Measure((Decimal(c.sites["village"]) * HUNDRED / total).quantize(Decimal("0.1")))


def _jobs(c: Context) -> Measure:
    fte = getattr(settings, "IMPACT_JOBS_FTE", None)
    return Measure(_dec(fte) if fte not in (None, "") else None)


@dataclass(frozen=True)
class Computation:
    key: str
    label: str
    unit: str
    compute: Callable[[Context], Measure]

    def __str__(self):
        return str(self.label)


COMPUTATIONS: dict[str, Computation] = {
    c.key: c
    for c in [
        Computation("kg_saved", _("Kilos de produits sauvés (collectés)"), "kg", _kg_saved),
        Computation("jars_produced", _("Bocaux produits"), _("bocaux"), _jars("jars_produced")),
        Computation("jars_given", _("Bocaux cédés aux participants"), _("bocaux"), _jars("jars_given")),
        Computation("jars_sold", _("Bocaux vendus"), _("bocaux"), _jars("jars_sold")),
        Computation("jars_internal", _("Bocaux en usage interne"), _("bocaux"), _jars("jars_internal")),
        Computation("households", _("Foyers touchés"), _("foyers"), _households),
        Computation("people", _("Personnes présentes aux ateliers"), _("personnes"), _people),
        Computation("priority_share", _("Part des foyers en quartier prioritaire"), "%", _priority_share),
        Computation("first_time", _("Nouveaux participants"), _("personnes"), _first_time),
        Computation("returning", _("Participants revenus"), _("personnes"), _returning),
        Computation("farms", _("Fermes impliquées"), _("fermes"), _farms),
        Computation("round_km", _("Kilomètres de tournées"), "km", _round_km),
        Computation("volunteer_hours", _("Heures de bénévolat"), "h", _volunteer_hours),
        Computation("volunteer_value", _("Valeur du bénévolat (au SMIC)"), "€", _volunteer_value),
        Computation("deposit_return", _("Taux de retour des bocaux consignés"), "%", _deposit_return),
        Computation("workshops", _("Ateliers tenus"), _("ateliers"), _workshops),
        Computation("village_workshops", _("Ateliers en village"), _("ateliers"), _village_workshops),
        Computation("town_workshops", _("Ateliers en ville"), _("ateliers"), _town_workshops),
        Computation("village_share", _("Part des ateliers en village"), "%", _village_share),
        Computation("jobs", _("Emplois (équivalents temps plein)"), _("ETP"), _jobs),
    ]
}


def computation_choices() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in COMPUTATIONS.values()]


def compute(territory: Territory, period: Period, keys, batch: Batch | None = None) -> dict[str, Measure]:
    """The measures of `keys` for one territory and period: each group of records read at most once (once for
    every territory of `batch` when given)."""
    context = Context(territory, period, batch)
    return {key: COMPUTATIONS[key].compute(context) for key in keys if key in COMPUTATIONS}
