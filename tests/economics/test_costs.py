"""Costs and revenues: derived lines, the rule against double counting, unit economics, by hand in Decimal."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from conserverie.distribution.reports import by_destination
from conserverie.economics.models import CostItem, CostParameters
from conserverie.economics.selectors import cost_sheet, farmers_received, unit_economics
from conserverie.economics.services import cost_item_add, cost_item_remove, parameters_set

from ..conftest import DAY
from .conftest import SEASON

D = Decimal


def amounts(sheet, derived=True):
    return {line.category: line.amount for line in sheet.lines if line.derived == derived}


def test_derived_lines_are_the_records_times_the_unit_costs(books):
    sheet = cost_sheet(books.territory, *SEASON)
    derived = amounts(sheet)
    assert derived["fuel"] == D("24.70")  # 123.5 km × 10 L/100 km × 2.00 €/L
    assert derived["jars_lids"] == D("21.00")  # 20 lids × 0.20 + (20 produced − 3 returned) jars × 1.00
    assert derived["energy"] == D("2.00")  # 2 batches × 5 kWh × 0.20 €/kWh
    assert derived["pantry"] == D("7.50")  # 2.5 kg × 3.00 €/kg
    assert derived["staff_animators"] == D("120.00")  # 3 h × 2 animators × 20.00 €/h
    assert derived["sales"] == D("14.00")  # 4 jars × 3.50, the deposit apart
    # 9 deposits of 1.00 received − 3.00 refunded: 6.00 still owed, a debt; no rule, nothing forfeited.
    assert derived["deposits_forfeited"] == D("0.00")
    deposits = sheet.deposits
    assert (deposits.received, deposits.refunded, deposits.credited, deposits.outstanding) == (
        D("9.00"),
        D("3.00"),
        D("0.00"),
        D("6.00"),
    )
    assert sheet.total_costs == D("775.20")  # 175.20 derived + 600.00 lease
    # Internal use is a contribution in kind (2 jars × 775.20 / 20), not revenue.
    assert sheet.contributions.internal_use == D("77.52")
    assert "internal_use" not in derived
    assert sheet.total_revenues == D("1014.00")  # 14 sales + 1 000 subsidy
    fuel = next(line for line in sheet.lines if line.category == "fuel")
    assert "123,5 km" in fuel.formula
    assert "2,00 €/L" in fuel.formula


def test_sales_and_deposits_agree_with_the_distribution_report(books):
    sheet = cost_sheet(books.territory, *SEASON)
    derived = amounts(sheet)
    received = sum(row[3] for row in by_destination(books.territory, *SEASON).rows)
    assert received == D("23.00")  # 4 × 4.50 + 5 × 1.00 + 0
    assert derived["sales"] == received - 9 * books.jar.deposit_eur
    out = StringIO()
    call_command("report", "--territory", "romans", "--from", "2026-01-01", "--to", "2026-12-31", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (sheet.figures.jars_produced, sheet.figures.jars_internal) == (report["jars_produced"], 2)
    assert sheet.figures.empty_jars_returned == report["empty_jars_returned"] == 3


def test_a_hand_entry_replaces_the_derived_line_of_its_category(books, coordinator):
    cost_item_add(
        actor=coordinator,
        territory=books.territory,
        category="fuel",
        label="Carte carburant",
        amount_eur=D("80"),
        date=DAY,
    )
    sheet = cost_sheet(books.territory, *SEASON)
    fuel = [line for line in sheet.lines if line.category == "fuel"]
    assert [(line.derived, line.counted, line.amount) for line in fuel] == [
        (False, True, D("80")),
        (True, False, D("24.70")),
    ]
    assert sheet.total_costs == D("775.20") - D("24.70") + D("80")


def test_unit_economics_and_break_even(books, coordinator):
    unit = unit_economics(cost_sheet(books.territory, *SEASON))
    assert unit.cost_per_jar == D("38.76")  # 775.20 / 20 jars
    assert unit.cost_per_kg == D("38.76")  # 775.20 / 20 kg processed
    assert unit.variable_costs == D("55.20")
    assert unit.fixed_costs == D("720.00")
    assert unit.coverage == D("0.018")  # 14 sales / 775.20: deposits owed and internal use are not revenue
    # 14 € brought in for 20 jars (0.70 a jar), 55.20 € of variable costs (2.76 a jar): not reachable.
    assert unit.break_even_jars is None
    assert "Pas atteignable à ces prix" in unit.break_even_reason
    assert "0,70 €" in unit.break_even_reason
    assert "2,76 €" in unit.break_even_reason
    # Nobody attended: fewer than 5 people are not shown (docs/architecture.md §4.7).
    assert unit.cost_per_participant is None
    cost_item_add(
        actor=coordinator,
        territory=books.territory,
        category="sales",
        label="Ventes du marché",
        amount_eur=D("1000"),
        date=DAY,
    )
    unit = unit_economics(cost_sheet(books.territory, *SEASON))
    # margin = (1 000 − 55.20) / 20 = 47.24 € a jar; 720 / 47.24 = 15.24 → 16 jars
    assert unit.margin_per_jar == D("47.24")
    assert unit.break_even_jars == 16
    assert unit.break_even_reason is None


def test_a_gift_is_not_paid(books):
    farmers = farmers_received(books.territory, *SEASON)
    assert farmers["kg"] == D("100")
    assert farmers["kg_given"] == D("100")
    assert farmers["farms"] == 1
    assert farmers["paid"] == 0


def test_the_period_filters_items_and_records(books):
    sheet = cost_sheet(books.territory, DAY.replace(month=7, day=1), DAY.replace(month=7, day=31))
    assert sheet.total_costs == 0
    assert sheet.total_revenues == 0


def test_cost_item_refusals_name_the_field_and_write_nothing(romans, coordinator):
    base = {
        "actor": coordinator,
        "territory": romans.territory,
        "category": "insurance",
        "label": "Assurance",
        "date": DAY,
    }
    cases = [
        ({"amount_eur": D("0")}, "amount_eur"),
        ({"amount_eur": D("-5")}, "amount_eur"),
        ({"amount_eur": D("99999999")}, "amount_eur"),
        ({"amount_eur": D("5"), "label": "  "}, "label"),
        ({"amount_eur": D("5"), "category": "bogus"}, "category"),
        ({"amount_eur": D("5"), "category": "subsidies"}, "funder"),
        ({"amount_eur": D("5"), "end_date": DAY.replace(month=1)}, "end_date"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as info:
            cost_item_add(**{**base, **change})
        assert field in info.value.message_dict, (change, info.value)
    assert CostItem.objects.count() == 0
    assert CostItem.history.count() == 0


def test_only_a_coordinator_of_the_territory_writes(romans, other, animator, other_coordinator, coordinator):
    for actor, territory in ((animator, romans.territory), (other_coordinator, romans.territory)):
        with pytest.raises(PermissionDenied):
            cost_item_add(
                actor=actor, territory=territory, category="insurance", label="x", amount_eur=D("5"), date=DAY
            )
        with pytest.raises(PermissionDenied):
            parameters_set(actor=actor, territory=territory, jar_eur=D("1"))
    item = cost_item_add(
        actor=coordinator, territory=romans.territory, category="insurance", label="x", amount_eur=D("5"), date=DAY
    )
    with pytest.raises(PermissionDenied):
        cost_item_remove(actor=other_coordinator, item=item)
    cost_item_remove(actor=coordinator, item=item)
    assert not CostItem.objects.exists()
    assert CostItem.history.count() == 2
    assert not CostParameters.objects.exists()


def test_parameters_refuse_negative_and_unknown_values(romans, coordinator):
    with pytest.raises(ValidationError) as info:
        parameters_set(actor=coordinator, territory=romans.territory, jar_eur=D("-1"))
    assert "jar_eur" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        parameters_set(actor=coordinator, territory=romans.territory, caviar_eur=D("1"))
    assert "caviar_eur" in info.value.message_dict
    assert not CostParameters.objects.exists()


def test_another_territory_never_counts_our_costs(books, other_chain):
    sheet = cost_sheet(other_chain.territory, *SEASON)
    assert sheet.total_costs == 0
    assert not [line for line in sheet.lines if not line.derived]
