"""The HACCP register: page and exports, read back, and a fixed number of queries."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conserverie.production.models import CorrectiveActionKind, LotStatus
from conserverie.production.services import lot_correct, lot_recall, lot_release, lot_seal_check

from ..conftest import DAY, aware
from ..helpers import cold_reading, make_lot
from ..pages import add_lots, assert_flat_queries, text

PERIOD = f"?from={DAY:%Y-%m-%d}&to={DAY + timedelta(days=30):%Y-%m-%d}"
URL = "/t/romans/lots/registre/"


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def story(chain):
    """A lot treated too cold, re-treated and released; a good one, seal-checked then recalled."""
    failed = make_lot(chain, treatments=[cold_reading(chain)])
    lot_correct(
        actor=chain.actor, lot=failed, action=CorrectiveActionKind.RETREAT, note="115 °C 50 min", at=aware(DAY, 15)
    )
    lot_release(actor=chain.actor, lot=failed)
    good = make_lot(chain)
    lot_seal_check(actor=chain.actor, lot=good, jars_checked=10, jars_failed=0, at=aware(DAY + timedelta(days=1), 9))
    lot_release(actor=chain.actor, lot=good)
    lot_recall(actor=chain.actor, lot=good, reason="Couvercle bombé", at=aware(DAY + timedelta(days=5), 9))
    return failed, good


def test_the_register_page_lists_every_control(staff_client, story):
    failed, good = story
    page = text(staff_client.get(URL + PERIOD))
    assert failed.code in page
    assert good.code in page
    assert "hors barème" in page
    assert "Nouveau traitement thermique — 115 °C 50 min" in page
    assert "0/10 mal fermé(s)" in page
    assert f"rappel du {DAY + timedelta(days=5):%d/%m/%Y}" in page


def test_the_period_filters_lots(staff_client, story):
    later = DAY + timedelta(days=1)
    page = text(staff_client.get(f"{URL}?from={later:%Y-%m-%d}&to={later:%Y-%m-%d}"))
    assert "Aucun lot sur cette période." in page
    page = text(staff_client.get(f"{URL}?from=hier"))
    assert "Date illisible" in page


def test_the_xlsx_export_reads_back(staff_client, story):
    failed, good = story
    response = staff_client.get("/t/romans/lots/registre.xlsx" + PERIOD)
    assert response.status_code == 200
    assert "registre-haccp-romans" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Registre HACCP — Romans")
    assert rows[1][:2] == ("Lot", "Recette")
    by_code = {row[0]: row for row in rows[2:]}
    assert set(by_code) == {failed.code, good.code}
    assert "hors barème" in by_code[failed.code][5]
    assert "Nouveau traitement thermique" in by_code[failed.code][8]
    assert by_code[good.code][9] == LotStatus.RECALLED.label


def test_the_pdf_export_reads_back(staff_client, story):
    failed, good = story
    response = staff_client.get("/t/romans/lots/registre.pdf" + PERIOD)
    assert response["Content-Type"] == "application/pdf"
    content = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    content = content.replace("\n", "")
    assert "Registre HACCP" in content
    assert failed.code in content
    assert good.code in content


@pytest.mark.parametrize("suffix", ["registre/", "registre.pdf", "registre.xlsx"])
def test_the_register_costs_the_same_queries_with_more_lots(
    staff_client, chain, django_assert_num_queries, suffix, request
):
    url = f"/t/romans/lots/{suffix}{PERIOD}"

    def grow(n):
        for lot in add_lots(chain, n):
            lot_seal_check(actor=chain.actor, lot=lot, jars_checked=5, jars_failed=1)
            lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.RETREAT)

    n = assert_flat_queries(staff_client, url, grow, django_assert_num_queries, n=2)
    request.node.user_properties.append(("queries", n))
    print(f"{suffix}: {n} queries")
