"""`core.exports.XlsxBook` writes in openpyxl's write-only mode (issue 20): the same workbook as the normal mode
wrote before. The reference is that former writer (below, with the HACCP register's widths, formats and frozen
panes as it applied them); both files are read back with openpyxl and compared cell by cell: value, type, number
format, font, and each sheet's column widths and frozen panes."""

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from conserverie.core import exports
from conserverie.core.exports import Eur, Percent, XlsxBook, number_format_of, xlsx_cell
from conserverie.production import register
from conserverie.production.services import lot_recall, lot_seal_check

from ..conftest import DAY, aware
from ..pages import add_distributions, add_lots


class NormalBook:
    """The writer before issue 20: openpyxl's normal mode, a cell object per value."""

    def __init__(self):
        self.book = Workbook()
        self._first = True

    def sheet(self, title, header=None, rows=(), *, heading=(), widths=None, formats=None, freeze=None):
        sheet = self.book.active if self._first else self.book.create_sheet()
        self._first = False
        sheet.title = re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "1"
        for index, line in enumerate(heading):
            self.append(sheet, [line])
            if index == 0:
                sheet.cell(row=sheet._current_row, column=1).font = Font(bold=True, size=14 if len(heading) > 1 else 11)
        sheet._data_from = sheet._current_row + 1 if heading else 1
        if header is not None:
            self.append(sheet, [str(c) for c in header])
            for column in range(1, len(header) + 1):
                sheet.cell(row=sheet._current_row, column=column).font = Font(bold=True)
        first_data_row = sheet._current_row + 1
        for row in rows:
            self.append(sheet, row)
        for index, width in (widths or {}).items():  # what the register's `_finish` did
            sheet.column_dimensions[get_column_letter(index)].width = width
        for index, number_format in (formats or {}).items():
            for (cell,) in sheet.iter_rows(min_row=first_data_row, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    cell.number_format = number_format
        if freeze:
            sheet.freeze_panes = freeze
        return sheet

    def append(self, sheet, row):
        row = list(row)
        sheet.append([xlsx_cell(v) for v in row])
        last = sheet._current_row
        for column, original in enumerate(row, start=1):
            cell = sheet.cell(row=last, column=column)
            number_format = number_format_of(original)
            if number_format:
                cell.number_format = number_format
            elif isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"

    def bytes(self):
        for sheet in self.book.worksheets:
            widths = {}
            for row in sheet.iter_rows(min_row=getattr(sheet, "_data_from", 1)):
                for cell in row:
                    if cell.value is None:
                        continue
                    value = cell.value
                    length = len(f"{value:,.2f}") + 2 if isinstance(value, float) else len(str(value))
                    widths[cell.column] = max(widths.get(cell.column, 0), length)
            for column, width in widths.items():
                letter = get_column_letter(column)
                if letter not in sheet.column_dimensions:
                    sheet.column_dimensions[letter].width = max(8, min(60, width + 2))
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def read_back(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = {
            "cells": [
                [(c.value, c.data_type, c.number_format, bool(c.font.b), c.font.sz) for c in row]
                for row in sheet.iter_rows()
            ],
            "widths": {k: (d.width, d.min, d.max) for k, d in sheet.column_dimensions.items() if d.width},
            "freeze": sheet.freeze_panes,
        }
    return sheets


def assert_same_workbook(content: bytes, reference: bytes) -> dict:
    ours, theirs = read_back(content), read_back(reference)
    assert list(ours) == list(theirs)
    for title in theirs:
        assert ours[title]["cells"] == theirs[title]["cells"], title
        assert ours[title]["widths"] == theirs[title]["widths"], title
        assert ours[title]["freeze"] == theirs[title]["freeze"], title
    return ours


def fill(book):
    moment = aware(DAY, 14)
    rows = [
        ["=1+1", Eur("4317.5"), Percent("0.25"), Decimal("1.125"), 2.5, 7, True, None, DAY, moment],
        ["-12", Eur("-3"), Percent("1"), Decimal("0"), 0.0, -1, False, "", DAY + timedelta(days=3), moment],
        [gettext_lazy("Lot"), None, None, None, None, None, None, "x" * 80],
        [],
        ["@SUM(1+9)", 3, 4.75, "#N/A", "#DIV/0!"],  # an error code's text stays a text
    ]
    header = ["texte", "€", "%", "kg", "float", "n", "oui/non", "note", "jour", "moment"]
    book.sheet("Essai: [1]/2", header, rows, heading=["Un titre", "Imprimé le 10/06/2026"])
    book.sheet(
        "Réglée", header, rows, heading=["Un titre"], widths={1: 24, 4: 12}, formats={4: "0.000", 6: "0"}, freeze="B3"
    )
    book.sheet("Sans en-tête", None, rows[:2])
    return book.bytes()


def test_the_write_only_book_writes_the_normal_modes_cells():
    sheets = assert_same_workbook(fill(XlsxBook()), fill(NormalBook()))
    first = sheets["Essai   1  2"]["cells"]
    assert first[0][0] == ("Un titre", "s", "General", True, 14)
    assert first[2][0] == ("texte", "s", "General", True, None)  # the bold header
    assert first[3][:3] == [
        ("'=1+1", "s", "General", False, 11),  # a formula's text, shown as typed
        (4317.5, "n", exports.EUR_FORMAT, False, 11),
        (0.25, "n", exports.PERCENT_FORMAT, False, 11),
    ]
    assert first[3][8] == (datetime(2026, 6, 10), "d", "DD/MM/YYYY", False, 11)  # noqa: DTZ001
    assert first[7][3] == ("#N/A", "s", "General", False, 11)
    assert sheets["Réglée"]["freeze"] == "B3"
    assert sheets["Réglée"]["cells"][2][3][2] == "0.000"


def test_a_book_is_written_again_the_same():
    book = XlsxBook()
    book.sheet("une", ["a"], [["@x"], [Eur("1")]])
    assert read_back(book.bytes()) == read_back(book.bytes())


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: aware(DAY + timedelta(days=40), 12))


@pytest.mark.django_db
def test_the_registers_spreadsheet_is_the_same(chain, now, monkeypatch):
    lots = add_lots(chain, 6, release=True)
    lot_seal_check(actor=chain.actor, lot=lots[0], jars_checked=5, jars_failed=0, at=aware(DAY, 9))
    lot_recall(actor=chain.actor, lot=lots[1], reason='=HYPERLINK("x")', at=aware(DAY + timedelta(days=5), 9))
    period = register.Period(DAY - timedelta(days=1), DAY + timedelta(days=30))
    rows = register.register_rows(register.register_lots(chain.territory, period))
    content = register.register_xlsx(chain.territory, period, rows)
    monkeypatch.setattr(register, "XlsxBook", NormalBook)
    sheets = assert_same_workbook(content, register.register_xlsx(chain.territory, period, rows))
    assert len(sheets["Lots"]["cells"]) == 3 + 6
    assert sheets["Lots"]["freeze"] == "B4"


@pytest.mark.django_db
def test_the_sales_days_spreadsheet_is_the_same(client, chain, coordinator, monkeypatch):
    add_distributions(chain, 6)
    client.force_login(coordinator)
    url = f"/t/{chain.territory.slug}/cessions/bilan/sales_day.xlsx"
    content = client.get(url).content
    monkeypatch.setattr(exports, "XlsxBook", NormalBook)
    sheets = assert_same_workbook(content, client.get(url).content)
    (cells,) = (sheet["cells"] for sheet in sheets.values())
    assert len(cells) > 1
