"""The distribution report, checked against a small season computed by hand, and its CSV and XLSX exports."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.reports import (
    by_destination,
    deposit_hole,
    return_rate_by_format,
    return_rate_by_site,
    sales_per_day,
)
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.stock.services import deposit_return
from conserverie.workshops.services import workshop_open

from ..conftest import DAY, aware
from ..helpers import released_lot
from ..pages import add_distributions, add_participant, assert_flat_queries, text

URL = "/t/romans/cessions/bilan/"
NEXT = DAY + timedelta(days=1)


def record(chain, kind, lines, day=DAY, **extra):
    return distribution_record(
        actor=chain.actor, territory=chain.territory, kind=kind, location=chain.truck, day=day, lines=lines, **extra
    )


@pytest.fixture
def season(chain):
    """3 jars given at a workshop, 4 sold, 2 used internally, 1 given to a partner; 3 empties back."""
    lot = released_lot(chain, jars=20)
    workshop = workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title="Atelier coulis",
        site=chain.site,
        structure=chain.structure,
        starts_at=aware(DAY, 14),
        ends_at=aware(DAY, 17),
        animators=[chain.actor],
        planned_recipes=[chain.recipe],
    )
    aicha = add_participant(chain)
    K = Distribution.Kind
    record(chain, K.PARTICIPANT, [LineSpec(lot, chain.jar, 3)], participant=aicha, workshop=workshop)
    record(chain, K.GROUP_SALE, [LineSpec(lot, chain.jar, 4, Decimal("3.50"))], payment_mode=PaymentMode.CARD)
    free = PaymentMode.FREE
    record(chain, K.INTERNAL, [LineSpec(lot, chain.jar, 2)], day=NEXT, structure=chain.structure, payment_mode=free)
    record(chain, K.PARTNER, [LineSpec(lot, chain.jar, 1, deposit_eur=Decimal("0"))], day=NEXT, partner="Resto du cœur")
    truck, jar = chain.truck, chain.jar
    common = {"actor": chain.actor, "jar_format": jar, "quantity": 1}
    deposit_return(location=truck, participant=aicha, day=DAY, **common)  # refunded 1,00
    deposit_return(location=truck, participant=aicha, keep_as_credit=True, day=DAY, **common)
    deposit_return(location=chain.shop, refunded_eur=Decimal("1.50"), day=NEXT, **common)  # 0,50 too much
    return chain


def test_jars_by_destination_and_structure(season):
    assert by_destination(season.territory).rows == [
        ["Vente au groupement d'achat", "—", 4, Decimal("18.00")],
        ["Usage interne d'une structure", "Maison de quartier Romans", 2, Decimal("0")],
        ["Cession à un participant", "Maison de quartier Romans", 3, Decimal("3.00")],
        ["Don à un partenaire", "—", 1, Decimal("0")],
    ]


def test_return_rates_by_format_and_by_site(season):
    # 7 jars left with a deposit (3 given, 4 sold), 3 came back: 3 / 7.
    assert return_rate_by_format(season.territory).rows == [["Bocal 375 ml", 7, 3, Decimal("0.429")]]
    # At the market: 3 jars given at the workshop, 2 returned to the truck that day; the shop's return has no site.
    assert return_rate_by_site(season.territory).rows == [["Place du marché Romans", 3, 2, Decimal("0.667")]]


def test_deposit_hole(season):
    rows = deposit_hole(season.territory).rows
    # Charged 7,00; refunded 1,00 + 1,50; kept as credit 1,00; 7 − 3 = 4 jars out, owing 4,00: hole −0,50.
    assert rows[0] == ["Bocal 375 ml", Decimal("1.00"), Decimal("7.00"), Decimal("2.50"), Decimal("1.00"), 4,
                       Decimal("4.00"), Decimal("-0.50")]  # fmt: skip
    assert rows[-1][0] == "Total"
    assert rows[-1][-1] == Decimal("-0.50")


def test_sales_per_day_by_payment_mode(season):
    assert sales_per_day(season.territory).rows == [
        [DAY, "Carte bancaire", 4, Decimal("18.00")],
        [DAY, "Espèces", 3, Decimal("3.00")],
        [DAY, "Consignes remboursées (espèces)", 0, Decimal("-1.00")],
        [NEXT, "Espèces", 1, Decimal("0")],
        [NEXT, "Gratuit", 2, Decimal("0")],
        [NEXT, "Consignes remboursées (espèces)", 0, Decimal("-1.50")],
    ]


def test_a_period_keeps_only_its_days(season):
    assert [row[2] for row in by_destination(season.territory, NEXT, NEXT).rows] == [2, 1]
    assert return_rate_by_format(season.territory, DAY, DAY).rows == [["Bocal 375 ml", 7, 2, Decimal("0.286")]]


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_report_page_and_its_filters(staff_client, season, clock):
    clock(NEXT)  # the page opens on the current season: 2026
    page = text(staff_client.get(URL))
    for words in ("Bilan des cessions", "Trou de consigne", "Maison de quartier Romans", "Carte bancaire"):
        assert words in page
    only_next = text(staff_client.get(URL, {"from": NEXT.isoformat(), "to": "pas une date"}))
    assert "Carte bancaire" not in only_next  # the valid date filters
    assert "Gratuit" in only_next
    assert "Saisissez une date valide." in only_next  # the wrong one is named at its field, with what was typed
    assert 'value="pas une date"' in only_next
    backwards = text(staff_client.get(URL, {"from": NEXT.isoformat(), "to": DAY.isoformat()}))
    assert "La fin de la période est avant son début." in backwards


def test_an_export_for_a_wrong_period_is_refused_with_its_reason(staff_client, season):
    response = staff_client.get(f"{URL}sales_day.csv", {"from": NEXT.isoformat(), "to": DAY.isoformat()})
    assert response.status_code == 400
    assert response.content.decode() == "Au : La fin de la période est avant son début."
    response = staff_client.get(f"{URL}sales_day.xlsx", {"from": "2026-02-30"})
    assert response.status_code == 400
    assert response.content.decode().startswith("Du : Saisissez une date valide.")


def test_csv_export_reads_back(staff_client, season):
    response = staff_client.get(f"{URL}sales_day.csv", {"from": DAY.isoformat(), "to": DAY.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "romans-sales_day-2026-06-10-2026-06-10.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Jour", "Mode de paiement", "Bocaux", "Montant (€)"],
        ["10/06/2026", "Carte bancaire", "4", "18,00"],
        ["10/06/2026", "Espèces", "3", "3,00"],
        ["10/06/2026", "Consignes remboursées (espèces)", "0", "-1,00"],
    ]


def test_xlsx_export_reads_back(staff_client, season, clock):
    clock(NEXT)
    response = staff_client.get(f"{URL}deposit_hole.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Format"
    assert rows[0][-1] == "Trou de consigne (€)"
    assert rows[1] == ["Bocal 375 ml", 1.0, 7.0, 2.5, 1.0, 4, 4.0, -0.5]
    assert staff_client.get(f"{URL}nothing.xlsx").status_code == 404
    assert staff_client.get(f"{URL}sales_day.pdf").status_code == 404


def test_report_queries_do_not_grow(staff_client, chain, django_assert_num_queries, clock):
    clock(NEXT)

    def grow(n):
        add_distributions(chain, n)
        for _ in range(n):
            deposit_return(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=1, day=DAY)

    # Issue 20 (docs/performance.md): the tables share what they read, the cost sheet without the accounts; issue 18
    # added the purchasing group's table (one query), and the page's role now comes with its territory (one less).
    assert assert_flat_queries(staff_client, URL, grow, django_assert_num_queries) <= 25

    def grow_export(n):
        add_distributions(chain, n)

    export = f"{URL}destinations.xlsx"
    assert assert_flat_queries(staff_client, export, grow_export, django_assert_num_queries) <= 6
    export = f"{URL}internal_value.csv"
    assert assert_flat_queries(staff_client, export, grow_export, django_assert_num_queries) <= 25


def test_the_page_s_tables_are_the_exports_tables(season, chain):
    """The page reads what several tables share once; each table is the same as exported alone."""
    from conserverie.core.scoping import territory_scope
    from conserverie.reporting.distribution_tables import REPORTS, all_tables

    with territory_scope(chain.territory):
        together = all_tables(chain.territory)
        alone = [make(chain.territory) for make in REPORTS.values()]
        period = all_tables(chain.territory, NEXT, NEXT)
        period_alone = [make(chain.territory, NEXT, NEXT) for make in REPORTS.values()]
    assert [(t.key, t.rows) for t in together] == [(t.key, t.rows) for t in alone]
    assert [(t.key, t.rows) for t in period] == [(t.key, t.rows) for t in period_alone]
    assert any(t.rows for t in together if t.key in ("return_site", "deposit_hole", "sales_day"))


def test_other_territory_gets_404_and_a_viewer_reads_the_aggregated_report(client, season, other_coordinator, viewer):
    client.force_login(other_coordinator)
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}destinations.csv").status_code == 404
    client.force_login(viewer)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}destinations.csv").status_code == 200


def test_the_report_opens_on_the_current_season_and_all_seasons_is_a_choice(staff_client, season, clock, animator):
    """Issue 20: by default the current season (the calendar year), not every season's ledger; "Toutes les
    saisons" reads them all; the exports follow the page's period."""
    clock(NEXT)
    page = text(staff_client.get(URL))
    assert "Période : saison 2026 (année civile)." in page
    assert 'value="2026-01-01"' in page
    assert 'value="2026-12-31"' in page
    assert "Carte bancaire" in page
    assert 'data-testid="sales_day"' in page
    assert (
        "romans-sales_day-2026-01-01-2026-12-31.csv" in staff_client.get(f"{URL}sales_day.csv")["Content-Disposition"]
    )

    clock(date(2027, 3, 1))  # a new season: last season's cessions are not on the default page any more
    staff_client.force_login(animator)  # the session of June has expired
    page = text(staff_client.get(URL))
    assert "Période : saison 2027 (année civile)." in page
    assert "Carte bancaire" not in page
    assert 'data-testid="sales_day"' not in page  # no takings this season: the table says "Rien sur cette période."
    assert 'data-testid="destinations"' not in page
    export = staff_client.get(f"{URL}sales_day.csv")
    assert "romans-sales_day-2027-01-01-2027-12-31.csv" in export["Content-Disposition"]
    assert len(export.getvalue().decode("utf-8-sig").strip().splitlines()) == 1  # the header only
    assert 'href="?from=&to="' in page  # the choice, on the page

    every = text(staff_client.get(URL, {"from": "", "to": ""}))
    assert "Période : toutes les saisons, depuis la première cession." in every
    assert "Carte bancaire" in every
    assert 'aria-current="true">Toutes les saisons' in every
    export = staff_client.get(f"{URL}sales_day.csv", {"from": "", "to": ""})
    assert "romans-sales_day.csv" in export["Content-Disposition"]
    assert "Carte bancaire" in export.getvalue().decode("utf-8-sig")

    last = text(staff_client.get(URL, {"from": "2026-01-01", "to": "2026-12-31"}))
    assert "Période : du 01/01/2026 au 31/12/2026." in last
    assert "Carte bancaire" in last
