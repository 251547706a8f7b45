"""The demo's monthly sums of the two ledgers (issue 20): written by the services the demo runs (collections, lots,
gifts, sales, returns…), they agree with the ledgers, and the dashboard's figures read them."""

from conserverie.figures.selectors import territory_figures
from conserverie.sourcing.models import RawMonth
from conserverie.sourcing.months import raw_month_problems
from conserverie.stock.models import JarMonth, MovementKind, StockMovement
from conserverie.stock.months import jar_month_problems
from conserverie.territories.models import Territory


def test_the_demo_monthly_sums_agree_with_the_ledgers(db):
    ids = list(Territory.objects.order_by("pk").values_list("pk", flat=True))
    assert jar_month_problems(ids) == {}
    assert raw_month_problems(ids) == {}
    romans = Territory.objects.get(slug="romans")
    assert JarMonth.objects.filter(territory=romans, kind=MovementKind.PRODUCED).exists()
    assert RawMonth.objects.filter(territory=romans, kind=RawMonth.COLLECTED).exists()
    figures = territory_figures(romans)
    produced = StockMovement.objects.filter(territory=romans, kind=MovementKind.PRODUCED, lot__isnull=False)
    assert figures.jars_produced == sum(produced.values_list("quantity", flat=True)) > 0
