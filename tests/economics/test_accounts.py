"""Accounts an accountant would sign: deposits a debt, forfeited only under the territory's rule, contributions in
kind apart from revenue and result, break-even on real revenue, and `conserverie accounts --json` (worked by hand)."""

import json
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conserverie.core.scoping import scopes_disabled
from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.economics.accounts import accounts
from conserverie.economics.deposits import add_months, deposit_account
from conserverie.economics.models import CostParameters
from conserverie.economics.selectors import break_even, cost_sheet, unit_economics
from conserverie.economics.services import deposit_rule_set
from conserverie.economics.unit_costs import Category
from conserverie.stock.services import deposit_return
from conserverie.workshops.models import MinimumWage
from conserverie.workshops.volunteers import MinimumWageTable, smic_hourly, volunteer_hours_record

from ..conftest import DAY
from ..pages import add_lots, add_participant, text
from .conftest import SEASON

D = Decimal
KEYS = {
    "revenues",
    "revenues_total",
    "expenses",
    "expenses_total",
    "result",
    "deposits",
    "contributions_in_kind",
    "farms_paid",
    "cost_per_jar",
    "own_revenue_coverage",
    "break_even_jars",
    "break_even_reason",
}


@pytest.fixture
def deposits(chain, coordinator, clock):
    """12 June: 5 jars given to Aïcha with a 1.00 deposit each (5.00 received). 1 July: 2 jars back, refunded
    (2.00). 15 July: 1 jar back, kept as credit (1.00). 2.00 still owed. Today: 1 December 2026."""
    clock(date(2026, 12, 1))
    (lot,) = add_lots(chain, 1, jars=20, release=True)
    aicha = add_participant(chain)
    distribution_record(
        actor=coordinator,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        participant=aicha,
        location=chain.truck,
        day=date(2026, 6, 12),
        lines=[LineSpec(lot, chain.jar, 5)],
    )
    back = {"actor": coordinator, "location": chain.truck, "jar_format": chain.jar}
    deposit_return(**back, quantity=2, day=date(2026, 7, 1))
    deposit_return(**back, quantity=1, participant=aicha, keep_as_credit=True, day=date(2026, 7, 15))
    chain.aicha, chain.lot = aicha, lot
    return chain


def test_without_a_rule_deposits_stay_owed_and_are_never_revenue(deposits):
    account = deposit_account(deposits.territory, *SEASON, None)
    assert (account.received, account.refunded, account.credited, account.forfeited, account.outstanding) == (
        D("5.00"),
        D("2.00"),
        D("1.00"),
        D("0.00"),
        D("2.00"),
    )
    sheet = cost_sheet(deposits.territory, *SEASON)
    assert sheet.total_revenues == 0  # no sale, no subsidy: a deposit received is not revenue
    assert sheet.deposits.outstanding == D("2.00")


def test_the_rule_forfeits_what_is_left_on_the_day_it_lapses(deposits, coordinator):
    deposit_rule_set(actor=coordinator, territory=deposits.territory, months=3)
    account = deposit_account(deposits.territory, *SEASON, 3)
    # The jars left on 12 June: what is not back on 12 September is forfeited that day.
    assert account.forfeited_by_day == {date(2026, 9, 12): D("2.00")}
    assert (account.forfeited, account.outstanding) == (D("2.00"), D("0.00"))
    # received − refunded − credited − forfeited = outstanding
    assert account.received - account.refunded - account.credited - account.forfeited == account.outstanding
    # Before the day it lapses, it is still owed.
    summer = deposit_account(deposits.territory, date(2026, 6, 1), date(2026, 9, 11), 3)
    assert (summer.forfeited, summer.outstanding) == (D("0.00"), D("2.00"))
    autumn = deposit_account(deposits.territory, date(2026, 9, 12), date(2026, 12, 31), 3)
    assert (autumn.opening, autumn.received, autumn.forfeited, autumn.outstanding) == (
        D("2.00"),
        D("0.00"),
        D("2.00"),
        D("0.00"),
    )
    # The forfeited deposits are revenue of the year, an own revenue.
    sheet = cost_sheet(deposits.territory, *SEASON)
    line = next(line for line in sheet.lines if line.category == "deposits_forfeited" and line.counted)
    assert line.amount == D("2.00")
    assert "3 mois" in line.formula
    assert unit_economics(sheet).own_revenue == D("2.00")


def test_nothing_is_forfeited_after_today(deposits, coordinator, clock):
    clock(date(2026, 9, 1))
    account = deposit_account(deposits.territory, *SEASON, 3)
    assert (account.forfeited, account.outstanding) == (D("0.00"), D("2.00"))


def test_a_jar_back_after_its_deposit_lapsed_is_paid_out_of_the_forfeited(deposits, coordinator):
    deposit_return(
        actor=coordinator, location=deposits.truck, jar_format=deposits.jar, quantity=1, day=date(2026, 10, 5)
    )
    account = deposit_account(deposits.territory, *SEASON, 3)
    assert account.forfeited_by_day == {date(2026, 9, 12): D("2.00"), date(2026, 10, 5): D("-1.00")}
    assert (account.refunded, account.forfeited, account.outstanding) == (D("3.00"), D("1.00"), D("0.00"))


def test_the_first_deposits_are_settled_first(chain, coordinator, clock):
    clock(date(2026, 12, 1))
    (lot,) = add_lots(chain, 1, jars=20, release=True)
    common = {"actor": coordinator, "territory": chain.territory, "location": chain.truck}
    for day, n in ((date(2026, 6, 12), 3), (date(2026, 6, 20), 4)):
        distribution_record(
            **common,
            kind=Distribution.Kind.PARTICIPANT,
            participant=add_participant(chain),
            day=day,
            lines=[LineSpec(lot, chain.jar, n)],
        )
    deposit_return(actor=coordinator, location=chain.truck, jar_format=chain.jar, quantity=4, day=date(2026, 7, 1))
    account = deposit_account(chain.territory, *SEASON, 2)
    # The 4 jars back settle the 3 of 12 June and one of 20 June; 3 of 20 June lapse on 20 August.
    assert account.forfeited_by_day == {date(2026, 8, 20): D("3.00")}


def test_add_months_keeps_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_the_deposit_rule_is_the_coordinators_and_refuses_nonsense(romans, coordinator, animator):
    romans = romans.territory
    with pytest.raises(ValidationError) as error:
        deposit_rule_set(actor=coordinator, territory=romans, months=0)
    assert "deposit_forfeit_months" in error.value.message_dict
    with pytest.raises(ValidationError):
        deposit_rule_set(actor=coordinator, territory=romans, months=500)
    with pytest.raises(PermissionDenied):
        deposit_rule_set(actor=animator, territory=romans, months=6)
    assert not CostParameters.objects.filter(territory=romans).exists()
    deposit_rule_set(actor=coordinator, territory=romans, months=6)
    deposit_rule_set(actor=coordinator, territory=romans, months=None)
    assert CostParameters.objects.get(territory=romans).deposit_forfeit_months is None


def test_volunteer_hours_are_valued_at_the_minimum_wage_of_the_day(chain, animator, clock):
    clock(date(2026, 12, 1))
    record = {"actor": chain.actor, "territory": chain.territory, "user": animator, "activity": "Épluchage"}
    volunteer_hours_record(**record, date=date(2025, 12, 31), hours=D("2"))
    volunteer_hours_record(**record, date=date(2026, 1, 2), hours=D("3"))
    # The rates are the database's (seeded by the migration with the decrees' rates).
    assert MinimumWage.objects.get(valid_from=date(2024, 11, 1)).hourly_eur == D("11.88")
    assert smic_hourly(date(2025, 12, 31)) == D("11.88")
    assert smic_hourly(date(2026, 1, 1)) == D("12.02")
    both = cost_sheet(chain.territory, date(2025, 12, 1), date(2026, 1, 31)).contributions
    assert (both.volunteer_hours, both.volunteer_value) == (D("5"), D("59.82"))  # 2 × 11.88 + 3 × 12.02
    # A new rate is a new row of the table, read from then on.
    MinimumWage.objects.create(valid_from=date(2026, 1, 2), hourly_eur=D("12.50"))
    assert MinimumWageTable().on(date(2026, 1, 2)) == D("12.50")


def test_internal_use_and_volunteers_stay_out_of_revenue_and_result(books, animator):
    volunteer_hours_record(
        actor=books.actor, territory=books.territory, user=animator, activity="Vaisselle", date=DAY, hours=D("4")
    )
    data = accounts(books.territory, *SEASON)
    assert data["contributions_in_kind"] == {"internal_use": D("77.52"), "volunteer_hours": D("48.08")}
    assert data["revenues_total"] == D("1014.00")  # 14 sales + 1 000 subsidy
    assert data["result"] == D("1014.00") - D("775.20")
    assert "internal_use" not in data["revenues"]
    assert "deposits_kept" not in data["revenues"]


def test_break_even_names_its_reason():
    assert break_even(D("720"), D("1000"), D("55.20"), 20) == (16, None)
    jars, reason = break_even(D("720"), D("14"), D("55.20"), 20)
    assert jars is None
    assert "Pas atteignable à ces prix" in reason
    jars, reason = break_even(D("720"), D("0"), D("0"), 0)
    assert jars is None
    assert "Aucun bocal" in reason


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _cli(*args) -> str:
    out = StringIO()
    call_command("accounts", *args, stdout=out)
    return out.getvalue()


def test_the_cli_gives_the_schema_and_agrees_with_the_page(books, coord_client):
    raw = _cli("--territory", "romans", "--year", "2026", "--json")
    data = json.loads(raw)
    assert set(data) == KEYS
    assert set(data["deposits"]) == {"received", "refunded", "credited", "forfeited", "outstanding"}
    assert set(data["contributions_in_kind"]) == {"internal_use", "volunteer_hours"}
    assert data["deposits"] == {"received": 9.0, "refunded": 3.0, "credited": 0.0, "forfeited": 0.0, "outstanding": 6.0}
    # Amounts are numbers written with 2 decimals.
    assert '"expenses_total": 775.20' in raw
    assert '"outstanding": 6.00' in raw
    assert data["revenues"]["sales"] == 14.0
    assert data["expenses"]["vehicle"] == 600.0
    assert data["result"] == round(data["revenues_total"] - data["expenses_total"], 2)
    assert data["cost_per_jar"] == 38.76
    assert data["own_revenue_coverage"] == 0.018
    assert data["break_even_jars"] is None
    assert "Pas atteignable" in data["break_even_reason"]
    response = coord_client.get("/t/romans/economie/?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200
    page = text(response)

    def shown(testid):
        found = re.search(rf'data-testid="{testid}">[^0-9−-]*([−-]?[0-9\s\u202f\xa0.]*,[0-9]+)', page)
        return float(re.sub(r"[\s\u202f\xa0.]", "", found.group(1)).replace(",", ".").replace("−", "-"))

    assert shown("total-costs") == data["expenses_total"]
    assert shown("total-revenues") == data["revenues_total"]
    assert shown("net-result") == data["result"]
    assert shown("cost-per-jar") == data["cost_per_jar"]
    for key in ("received", "refunded", "credited", "forfeited", "outstanding"):
        assert abs(shown(f"deposits-{key}")) == data["deposits"][key], key  # shown as "− 3,00 €"
    assert shown("in-kind-internal") == data["contributions_in_kind"]["internal_use"]
    text_out = _cli("--territory", "romans", "--year", "2026")
    assert "Restant dû en fin de période : 6,00 €" in text_out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--territory", "nowhere", "--year", "2026"], "Territoire inconnu"),
        (["--territory", "romans", "--year", "26"], "Année invalide"),
        (["--territory", "romans", "--year", "deux mille"], "Année invalide"),
        (["--territory", "romans", "--year", "2999"], "Année hors limites"),
    ],
)
def test_the_cli_refuses_bad_input_in_one_line(romans, args, message):
    with pytest.raises(CommandError, match=message):
        _cli(*args)


def test_the_accounts_export_to_a_typed_spreadsheet_that_agrees_with_the_cli(books, client, viewer, other_coordinator):
    from io import BytesIO

    from openpyxl import load_workbook

    data = json.loads(_cli("--territory", "romans", "--year", "2026", "--json"))
    client.force_login(viewer)
    response = client.get("/t/romans/economie/comptes.xlsx?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200
    rows = {(r[0], r[1]): r[2] for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)}
    assert rows[("Charges", "Total des charges")] == data["expenses_total"]
    assert isinstance(rows[("Charges", "Total des charges")], float)  # a number, not text
    assert rows[("Recettes", "Total des recettes")] == data["revenues_total"]
    assert rows[("Consignes (dette)", "Restant dû en fin de période")] == data["deposits"]["outstanding"]
    assert rows[("Contributions en nature (hors résultat)", "Usage interne des structures")] == 77.52
    client.force_login(other_coordinator)
    assert client.get("/t/romans/economie/comptes.xlsx").status_code == 404


def _shown(sheet) -> list:
    """What the costs page shows of a sheet: every line as written (the amounts' exact Decimals) and the totals."""
    lines = [
        (line.category, str(line.label), repr(line.amount), str(line.formula), line.counted, line.derived, line.day)
        for line in sheet.lines
    ]
    return [*lines, repr(sheet.total_costs), repr(sheet.total_revenues)]


@pytest.mark.parametrize("months", [None, 3])
def test_the_costs_page_reads_the_deposit_ledger_only_for_a_forfeit_rule(deposits, coordinator, months):
    """The costs page's sheet (`lines_only`) has the same lines and totals as the accounts' sheet; without a written
    rule no deposit is forfeited (0.00), so every season's deposit ledger is not read (one query fewer, issue 20);
    with one, 2.00 lapse on 12 September and the ledger is read."""
    if months:
        deposit_rule_set(actor=coordinator, territory=deposits.territory, months=months)
    with scopes_disabled():
        with CaptureQueriesContext(connection) as accounts_queries:
            full = cost_sheet(deposits.territory, *SEASON)
        with CaptureQueriesContext(connection) as page_queries:
            page = cost_sheet(deposits.territory, *SEASON, lines_only=True)
    assert _shown(page) == _shown(full)
    (forfeited,) = [line for line in page.lines if line.category == Category.DEPOSITS_FORFEITED]
    assert repr(forfeited.amount) == repr(D("2.00") if months else D("0.00"))
    assert full.deposits.received == D("5.00")  # the fixture's deposits: something a rule would forfeit
    fewer = 0 if months else 1
    assert len(page_queries.captured_queries) == len(accounts_queries.captured_queries) - fewer
