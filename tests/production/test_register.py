"""The HACCP register: page and exports, read back, and a fixed number of queries."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from conserverie.production.haccp import lot_add_reading
from conserverie.production.models import CorrectiveActionKind, LotStatus
from conserverie.production.services import lot_correct, lot_recall, lot_release, lot_seal_check
from conserverie.production.stability import stability_record, stability_start

from ..conftest import DAY, aware
from ..helpers import cold_reading, good_reading, make_lot, seal_checked
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
    lot_add_reading(actor=chain.actor, lot=failed, reading=good_reading(chain))  # the re-treatment's reading
    seal_checked(chain, failed)
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


def test_the_xlsx_export_types_dates_and_numbers(staff_client, chain, story):
    failed, good = story
    response = staff_client.get("/t/romans/lots/registre.xlsx" + PERIOD)
    assert response.status_code == 200
    assert "registre-haccp-romans" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    lots, controls = book["Lots"], book["Contrôles"]
    rows = list(lots.iter_rows(values_only=True))
    assert rows[0][0].startswith("Registre HACCP — Romans")
    assert rows[1][0].startswith("Imprimé le")
    assert rows[2][:4] == ("Lot", "Recette", "Version", "Fabriqué le")
    by_code = {row[0]: row for row in rows[3:]}
    assert set(by_code) == {failed.code, good.code}
    assert by_code[good.code][3] == datetime.combine(DAY, datetime.min.time())  # a date cell, not a text
    assert by_code[good.code][4] == datetime.combine(good.best_before, datetime.min.time())
    assert by_code[good.code][5] == 10
    assert by_code[good.code][7] == 4.4
    assert by_code[good.code][8] == LotStatus.RECALLED.label
    assert by_code[failed.code][10] == "coord"  # released by
    assert isinstance(by_code[failed.code][11], datetime)
    date_cell = lots.cell(row=4, column=4)
    assert date_cell.is_date
    assert date_cell.number_format == "DD/MM/YYYY"
    assert lots.cell(row=4, column=7).number_format in ("0.0", "General")
    assert lots.column_dimensions["B"].width == 28
    header = [c.value for c in controls[3]]
    rows = list(controls.iter_rows(min_row=4, values_only=True))
    heat = [dict(zip(header, row, strict=True)) for row in rows if row[1] == "Traitement thermique"]
    cold = next(r for r in heat if r["Lot"] == failed.code)
    assert cold["Température visée (°C)"] == 110.0
    assert cold["Durée visée (min)"] == 45
    assert cold["Température relevée (°C)"] == 95.0
    assert cold["Durée relevée (min)"] == 45
    assert cold["Verdict"] == "hors barème"
    assert cold["Par"] == "coord"
    assert isinstance(cold["Le"], datetime)
    cell = controls.cell(row=4 + rows.index(next(r for r in rows if r[1] == "Traitement thermique")), column=7)
    assert cell.data_type == "n"
    assert cell.number_format == "0.0"
    kinds = {row[1] for row in rows}
    assert {
        "Traitement thermique",
        "pH",
        "Contrôle des fermetures",
        "Action corrective",
        "Libération",
        "Rappel",
    } <= kinds
    assert all(controls.column_dimensions[get_column_letter(i)].width for i in range(1, len(header) + 1))


DATE = re.compile(r"\d{1,2}/\d{1,2}/\d*")


def test_the_pdf_export_reads_back_with_whole_dates_pages_and_targets(staff_client, chain, story):
    failed, good = story
    more = add_lots(chain, 25)  # enough lots for several pages
    for lot in more:
        lot_seal_check(actor=chain.actor, lot=lot, jars_checked=5, jars_failed=0, at=aware(DAY + timedelta(days=1), 9))
    response = staff_client.get("/t/romans/lots/registre.pdf" + PERIOD)
    assert response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(BytesIO(response.content)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page  # every sheet says which of how many
        assert "Imprimé le" in page
        for found in DATE.findall(page):  # no "07/04/20" then "26" on the next line
            assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", found), (found, page)
    content = " ".join(pages)
    flat = re.sub(r"\s+", " ", content)
    assert f"Registre HACCP — Romans — du {DAY:%d/%m/%Y} au {DAY + timedelta(days=30):%d/%m/%Y}" in flat
    assert failed.code in flat
    assert good.code in flat
    # the recipe's target beside the reading, the verdict, who and when
    assert "Stérilisation 110 °C pendant 45 min" in flat
    assert "95 °C pendant 45 min" in flat
    assert "hors barème" in flat
    assert "Nouveau traitement thermique — 115 °C 50 min" in flat
    assert "0/10 mal fermé(s)" in flat
    assert "signée par une personne formée HACCP" in flat
    assert f"{DAY + timedelta(days=1):%d/%m/%Y} 09:00" in flat


def test_the_register_shows_the_stability_test_and_the_lethality(staff_client, chain):
    lot = make_lot(chain)
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    stability_record(
        actor=chain.actor,
        test=test,
        swelling=False,
        leak=False,
        ph_after=Decimal("4.2"),
        appearance_ok=True,
        examined_on=DAY + timedelta(days=7),
    )
    page = text(staff_client.get(URL + PERIOD))
    assert "Test de stabilité" in page
    assert "7 jours à 37 °C : ni bocal bombé ni fuite, dérive du pH au plus 0,5, aspect normal" in page
    assert "pas bombé, pas de fuite, aspect normal" in page
    assert "Stable" in page


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


def test_the_page_shows_25_lots_a_page_and_the_files_give_them_all(staff_client, chain, monkeypatch):
    """A season's lots in pages (issue 20); the PDF and the spreadsheet still hold the whole period."""
    from conserverie.production.views import staff

    monkeypatch.setattr(staff, "REGISTER_PER_PAGE", 2)
    lots = sorted(add_lots(chain, 5), key=lambda lot: (lot.produced_on, lot.code))
    period = f"?from={DAY - timedelta(days=400):%Y-%m-%d}&to={DAY + timedelta(days=400):%Y-%m-%d}"
    first = text(staff_client.get(URL + period))
    assert "5 lots sur la période" in first
    assert "lots 1 à 2 ci-dessous" in first
    assert [lot.code for lot in lots if lot.code in first] == [lot.code for lot in lots[:2]]
    assert "Page 1 sur 3" in first
    last = text(staff_client.get(URL + period + "&page=3"))
    assert [lot.code for lot in lots if lot.code in last] == [lots[4].code]
    junk = text(staff_client.get(URL + period + "&page=junk"))  # a junk page number: the first page
    assert [lot.code for lot in lots if lot.code in junk] == [lot.code for lot in lots[:2]]
    book = load_workbook(BytesIO(staff_client.get(f"/t/romans/lots/registre.xlsx{period}").content))
    codes = {cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row}
    assert {lot.code for lot in lots} <= codes
    pdf = "".join(
        page.extract_text()
        for page in PdfReader(BytesIO(staff_client.get(f"/t/romans/lots/registre.pdf{period}").content)).pages
    )
    assert all(lot.code in pdf for lot in lots)
