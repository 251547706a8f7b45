"""The demo's economics: Romans' 2026 books and two saved scenarios, read as a viewer and a coordinator would."""

from django.test import Client
from django.urls import reverse

from conserverie.economics.models import CostItem, Scenario
from conserverie.economics.selectors import cost_sheet, unit_economics
from conserverie.territories.models import Territory
from tests.economics.conftest import SEASON


def test_romans_books_have_hand_entries_derived_lines_and_funders(db):
    romans = Territory.objects.get(slug="romans")
    sheet = cost_sheet(romans, *SEASON)
    derived = {line.category: line.amount for line in sheet.lines if line.derived and line.counted}
    assert all(derived[c] > 0 for c in ("fuel", "jars_lids", "energy", "pantry", "staff_animators", "sales"))
    funders = set(CostItem.objects.filter(territory=romans).exclude(funder="").values_list("funder", flat=True))
    assert {"CAF de la Drôme", "Région Auvergne-Rhône-Alpes"} <= funders
    unit = unit_economics(sheet)
    assert unit.cost_per_jar > 0
    assert 0 < unit.coverage < 1
    assert unit.cost_per_participant is not None  # hundreds of people: shown
    # Deposits are a debt; Romans' 6-month rule forfeits those whose jar has not come back.
    deposits = sheet.deposits
    assert deposits.forfeit_months == 6
    assert deposits.received > 0
    assert deposits.received - deposits.refunded - deposits.credited - deposits.forfeited == deposits.outstanding
    assert sheet.contributions.internal_use > 0  # the structures' jars: in kind, not revenue
    assert unit.own_revenue == sheet.total(["sales", "processing_fees", "deposits_forfeited"])


def test_two_scenarios_a_rural_territory_and_a_larger_town(db):
    scenarios = {s.name: s.result for s in Scenario.objects.filter(territory__slug="romans")}
    assert len(scenarios) == 2
    rural = next(r for name, r in scenarios.items() if "rural" in name)
    town = next(r for name, r in scenarios.items() if "Ville" in name)
    assert town["jars"] > rural["jars"]
    assert town["cost_per_jar"] < rural["cost_per_jar"]


def test_the_viewer_reads_the_summary_and_the_coordinator_the_simulator(db):
    client = Client()
    client.force_login(Territory.objects.get(slug="romans").memberships.get(user__username="lecture").user)
    page = client.get(reverse("economics:summary", kwargs={"slug": "romans"}) + "?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    assert "CAF de la Drôme" not in page.content.decode()
    client.force_login(Territory.objects.get(slug="romans").memberships.get(user__username="coordination").user)
    page = client.get(reverse("economics:scenarios", kwargs={"slug": "romans"}))
    assert page.status_code == 200
    assert page.context["result"].jars > 1000


def test_the_demo_fec_is_balanced_and_agrees_with_the_accounts(db):
    """Romans' 2026 books as the FEC (article A47 A-1 LPF): every entry balanced, class 7 = revenues."""
    from conserverie.economics.accounts import accounts
    from conserverie.economics.fec import fec_bytes, fec_entries
    from tests.economics.test_fec import balance, check_entries, parse

    romans = Territory.objects.get(slug="romans")
    rows = parse(fec_bytes(fec_entries(romans, *SEASON)))
    check_entries(rows)
    data = accounts(romans, *SEASON)
    assert -balance(rows, "7") == data["revenues_total"] > 0
    assert balance(rows, "6") == data["expenses_total"]
    assert (
        -balance(rows, "4196")
        == data["deposits"]["received"]
        - data["deposits"]["refunded"]
        - data["deposits"]["credited"]
        - data["deposits"]["forfeited"]
    )


def test_the_demo_has_a_contrat_d_impact_social_report(db):
    from conserverie.impact.periods import Period
    from conserverie.impact.reports.content import report_data

    romans = Territory.objects.get(slug="romans")
    data = report_data(romans, Period.year(2025, bounded=False), "activite", "cis")
    assert len(data.contract.rows) == 4
    assert data.contract.sign_off.organisation == "Cabinet d'évaluation (fictif)"
    this_year = report_data(romans, Period.year(SEASON[0].year, bounded=False), "activite", "cis")
    assert this_year.contract.total_due > 0  # the season's results trigger payments
    assert this_year.contract.sign_off is None


def test_a_demo_sale_receipt_names_the_association_and_its_vat_exemption(db):
    from conserverie.distribution.models import Distribution

    sale = Distribution.objects.filter(territory__slug="romans", kind=Distribution.Kind.GROUP_SALE).order_by("pk")[0]
    client = Client()
    client.force_login(sale.created_by)
    page = client.get(reverse("distribution:receipt", args=["romans", sale.pk])).content.decode()
    assert "Association Conserverie Mobile du Pays de Romans" in page
    assert "Exonération de TVA, art. 261-7-1° b du CGI" in page
    assert "receipt-incomplete" not in page
