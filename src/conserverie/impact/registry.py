"""The named computations a "computed" indicator can use, read from the platform's own records.

Each computation takes the territory and a period and returns a value and, for figures about people, the
number of people it was computed on (so that docs/architecture.md §4.7 can hide it below MIN_GROUP). The figures that
the
dashboard and `conserverie report` also show (kg, jars, workshops, households, priority share, deposit
return rate) are read from `core.figures.territory_figures`, so the flower and the report always agree.

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
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from conserverie.figures.selectors import Figures, territory_figures
from conserverie.impact.periods import Period
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.territories.models import Site, Territory
from conserverie.workshops.models import Registration, VolunteerHours, Workshop
from conserverie.workshops.volunteers import volunteer_value

# docs/architecture.md §4.7: no figure about people computed on fewer people than this leaves the territory.
MIN_GROUP = 5
ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Measure:
    value: Decimal | None
    people: int | None = None  # how many people the value is computed on, when it is about people


class Context:
    """The records of one territory and one period, each group read once whatever the computations asked."""

    def __init__(self, territory: Territory, period: Period):
        self.territory = territory
        self.period = period

    @cached_property
    def figures(self) -> Figures:
        return territory_figures(self.territory, self.period.start, self.period.end)

    def _workshops(self):
        # Held only: started, not cancelled, up to the end of the period and not after today.
        return Workshop.objects.filter(territory=self.territory).held_between(self.period.start, self.period.end)

    @cached_property
    def attendance(self) -> dict:
        """First-time and returning participants of the period (one query)."""
        start, end = self.period.start, self.period.end
        rows = (
            Registration.objects.live()
            .filter(
                workshop__territory=self.territory,
                attended=True,
                workshop__starts_at__date__lte=end,
                workshop__starts_at__lt=timezone.now(),
            )
            .exclude(workshop__status=Workshop.Status.CANCELLED)
            .values("participant_id")
            .annotate(
                before=Count("pk", filter=Q(workshop__starts_at__date__lt=start)),
                during=Count("pk", filter=Q(workshop__starts_at__date__gte=start)),
            )
            .filter(during__gt=0)
            .order_by()
        )
        first = returning = present = 0
        for row in rows:
            present += 1
            if row["before"] == 0:
                first += 1
            if row["before"] > 0 or row["during"] > 1:
                returning += 1
        return {"present": present, "first": first, "returning": returning}

    @cached_property
    def sites(self) -> dict:
        return self._workshops().aggregate(
            village=Count("pk", filter=Q(site__kind=Site.Kind.VILLAGE)),
            town=Count("pk", filter=~Q(site__kind=Site.Kind.VILLAGE)),
        )

    @cached_property
    def volunteers(self) -> dict:
        return VolunteerHours.objects.filter(
            territory=self.territory, date__gte=self.period.start, date__lte=self.period.end
        ).aggregate(
            hours=Sum("hours"),
            participants=Count("participant", distinct=True),
            users=Count("user", distinct=True),
        )


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
    return Measure(_percent(c.figures.priority_area_share), c.figures.households)


def _first_time(c: Context) -> Measure:
    return Measure(Decimal(c.attendance["first"]), c.attendance["present"])


def _returning(c: Context) -> Measure:
    return Measure(Decimal(c.attendance["returning"]), c.attendance["present"])


def _farms(c: Context) -> Measure:
    farms = (
        RawLot.objects.filter(territory=c.territory)
        .collected_between(c.period.start, c.period.end)
        .values("producer_id")
        .distinct()
        .count()
    )
    return Measure(Decimal(farms))


def _round_km(c: Context) -> Measure:
    km = CollectionRound.objects.filter(
        territory=c.territory,
        status=CollectionRound.Status.DONE,
        date__gte=c.period.start,
        date__lte=c.period.end,
    ).aggregate(km=Sum("km"))["km"]
    return Measure(_dec(km))


def _volunteer_people(c: Context) -> int:
    return c.volunteers["participants"] + c.volunteers["users"]


def _volunteer_hours(c: Context) -> Measure:
    return Measure(_dec(c.volunteers["hours"]), _volunteer_people(c))


def _volunteer_value(c: Context) -> Measure:
    _hours, value = volunteer_value(c.territory, c.period.start, c.period.end)
    return Measure(value, _volunteer_people(c))


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


def compute(territory: Territory, period: Period, keys) -> dict[str, Measure]:
    """The measures of `keys` for one territory and period: each group of records read at most once."""
    context = Context(territory, period)
    return {key: COMPUTATIONS[key].compute(context) for key in keys if key in COMPUTATIONS}
