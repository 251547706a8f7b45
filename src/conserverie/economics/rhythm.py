"""The rhythm a first season is proposed with: the simulator's (Romans' figures unless a scenario says otherwise)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP

from django.utils.translation import gettext as _

from conserverie.economics.calendar import SLOTS
from conserverie.economics.scenario_schema import defaults


@dataclass(frozen=True)
class Rhythm:
    workshops_per_week: int
    weeks: int
    source: str


def season_rhythm(territory) -> Rhythm:
    values = defaults()
    per_week = int(values["workshops_per_week"].to_integral_value(rounding=ROUND_HALF_UP))
    per_week = min(max(per_week, 1), len(SLOTS))
    weeks = int(values["weeks_per_year"])
    source = _(
        "Proposé d'après le rythme du simulateur : %(per_week)s ateliers par semaine pendant %(weeks)s semaines. "
        "Ajustez-le puis créez les ateliers ; vous pourrez en déplacer ou en annuler ensuite."
    ) % {"per_week": per_week, "weeks": weeks}
    return Rhythm(per_week, weeks, source)
