"""The demo's purchasing group (issue 18): two social centres with members, two past rounds handed over at the
pick-up (an uncollected order back to stock), one round open for orders; its figures in `report --json`."""

import json
from io import StringIO

from django.core.management import call_command

from conserverie.distribution.models import Distribution
from conserverie.figures.selectors import mass_balance_problems
from conserverie.purchasing.models import GroupMember, Order, Round
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Territory


def test_two_centres_have_members_two_past_rounds_and_an_open_one(db):
    romans = Territory.objects.get(slug="romans")
    centres = set(GroupMember.objects.filter(territory=romans).values_list("structure__name", flat=True))
    assert centres == {"Maison de quartier Saint-Nicolas", "Maison de quartier des Ors"}
    assert GroupMember.objects.filter(territory=romans, price_tier__isnull=False).exists()
    statuses = sorted(Round.objects.filter(territory=romans).values_list("status", flat=True))
    assert statuses == [Round.Status.DONE, Round.Status.DONE, Round.Status.OPEN]
    done = Order.objects.filter(round__territory=romans, round__status=Round.Status.DONE)
    assert done.filter(status=Order.Status.COLLECTED).count() >= 4
    assert done.filter(status=Order.Status.UNCOLLECTED).count() == 2  # one member per past round did not come
    collected = done.filter(status=Order.Status.COLLECTED)
    assert Distribution.objects.filter(group_order__in=collected, kind=Distribution.Kind.GROUP_SALE).count() == (
        collected.count()
    )
    assert Order.objects.filter(round__status=Round.Status.OPEN, round__territory=romans).exists()
    assert not StockMovement.objects.negative_balances().exists()
    assert mass_balance_problems(romans) == []


def test_the_demo_report_counts_the_group(db):
    out = StringIO()
    call_command("report", "--territory", "romans", "--json", stdout=out)
    data = json.loads(out.getvalue())
    collected = Order.objects.filter(round__territory__slug="romans", status=Order.Status.COLLECTED)
    assert data["group_orders"] == collected.count()
    assert data["group_households"] >= 5
    assert data["group_jars"] > 0
    assert data["group_average_basket_eur"] > 0
    assert 0 <= data["group_priority_share"] <= 1


def test_a_demo_member_paid_the_deposits_with_the_credit(db):
    from conserverie.distribution.models import DistributionLine

    lines = DistributionLine.objects.filter(
        distribution__territory__slug="romans", distribution__group_order__isnull=False, credit_eur__gt=0
    )
    assert lines.exists()
    for line in lines.order_by("pk"):
        assert line.credit_eur == line.deposit_total_eur  # all the deposits, or the pick-up is refused
