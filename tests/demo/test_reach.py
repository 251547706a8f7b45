"""The demo's households reached per day (issue 20): written by the services the demo runs (workshop attendance,
walk-ins, gifts, group pick-ups), they agree with the facts, and the dashboard's count reads them."""

from conserverie.distribution.models import HouseholdReach
from conserverie.distribution.reach import reach_facts, reach_problems
from conserverie.figures.selectors import territory_figures
from conserverie.territories.models import Territory


def test_the_demo_reached_days_agree_with_the_facts(db):
    ids = list(Territory.objects.order_by("pk").values_list("pk", flat=True))
    assert reach_problems(ids) == {}
    romans = Territory.objects.get(slug="romans")
    stored = HouseholdReach.objects.filter(territory=romans)
    assert stored.filter(gift=True).exists()
    assert stored.filter(workshop_start__isnull=False).exists()
    assert stored.count() == len(reach_facts(territories=[romans.pk]))
    # Every household reached so far is one of the rows (a workshop started, a gift not after today).
    assert territory_figures(romans).households > 0
