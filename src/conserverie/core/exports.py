"""Every spreadsheet the platform writes goes through here: one CSV writer and one XLSX writer (issue 17).

- **Safe.** A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
  spreadsheet (`=HYPERLINK("http://…?"&C2)` sends the neighbouring cells away, `=cmd|…` runs a program): such a text
  gets a leading apostrophe, as OWASP recommends ("CSV injection"), so it is shown as typed and never run. A text
  that is only a number (`-12`, `+33 6…` is not one) is left as it is: it cannot run anything. Texts are written as
  texts (never as formulas) in an XLSX file; numbers and dates as typed cells.
- **French.** A CSV is UTF-8 with a byte order mark (Excel then reads the accents right), separated by semicolons,
  decimals with a comma, days as dd/mm/yyyy: French Excel and LibreOffice open it in columns.

**Streamed.** `csv_response` and `streamed_attachment` send a download while it is written (Django's
`StreamingHttpResponse`), a few hundred rows at a time: a server's memory does not hold the whole file, whatever the
number of seasons (issue 20). The rows may be a lazy queryset (`.iterator(chunk_size=…)`): they are read in the
territory's scope of the view (`core.scoping.in_current_scope`).

Use `csv_response` / `csv_bytes` / `write_csv_rows` for a CSV, `XlsxBook` (or `xlsx_bytes`) for a workbook, with
rows of plain Python values (str, int, Decimal, float, date, datetime, bool, None). A report table
(`title`, `key`, `columns`, `rows`, `note`) has its shortcuts `table_csv`, `table_xlsx`, `write_csv`.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from conserverie.core.scoping import in_current_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats of typed XLSX cells (issue 16 item 9): Excel and LibreOffice show them in the reader's locale
# ("4 317,00 €" in French), the value stays a number a formula can use.
EUR_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
MAX_WIDTH = 60


class Eur(Decimal):
    """An amount in euros: a number cell formatted in euros in a workbook, "4 317,00 €" in a PDF."""


class Percent(Decimal):
    """A share (0.25 for 25 %): a number cell formatted in percent in a workbook."""


def number_format_of(value) -> str | None:
    """The XLSX number format of a value before it becomes a float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Eur):
        return EUR_FORMAT
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, Decimal | float):
        return DECIMAL_FORMAT
    if isinstance(value, int):
        return INTEGER_FORMAT
    return None


CSV = "text/csv; charset=utf-8"

# The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralise(text: str) -> str:
    """The text, with an apostrophe in front when a spreadsheet would read it as a formula."""
    if text and text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text as typed, from a cell `neutralise` wrote (an import reading back one of our exports)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value) -> str:
    """One value as a French spreadsheet reads it: decimal comma, dd/mm/yyyy, oui/non, texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def write_csv_rows(stream, header: Sequence, rows: Iterable[Sequence]) -> None:
    """A header and rows into a text stream (a response, a file opened with newline=""), in the French format."""
    stream.write("\ufeff")  # the byte order mark
    writer = csv.writer(stream, delimiter=";")
    writer.writerow([neutralise(str(c)) for c in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    write_csv_rows(buffer, header, rows)
    return buffer.getvalue().encode("utf-8")


ROWS_PER_CHUNK = 500


def csv_chunks(header: Sequence, rows: Iterable[Sequence], rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The CSV of `write_csv_rows`, as UTF-8 pieces of `rows_per_chunk` rows: what a streamed download sends."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(str(c)) for c in header])
    for index, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if index % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def streamed_attachment(chunks: Iterable[bytes], content_type: str, filename: str) -> StreamingHttpResponse:
    """A download sent while it is written (`filename` with its extension); `chunks` is read in the scope of the
    view that returns it. No Content-Length: the size is known only at the end."""
    response = StreamingHttpResponse(in_current_scope(chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A download: `filename` with its extension."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A CSV download (`filename` without extension), streamed: `rows` may be a lazy iterator."""
    return streamed_attachment(csv_chunks(header, rows), CSV, f"{filename}.csv")


def xlsx_cell(value):
    """One value for openpyxl: a number or a day as a typed cell, a text as a text (neutralised).

    A spreadsheet stores numbers as binary floats: Decimal becomes float here, and only here.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return neutralise(str(value))


HEADING_FONTS = {True: Font(bold=True, size=14), False: Font(bold=True, size=11)}  # over a subtitle, or alone
BOLD = Font(bold=True)


class _Sheet:
    """A sheet's rows (the values as given) until the workbook is written, and how it is laid out."""

    def __init__(self, title, widths, formats, freeze):
        self.title = title
        self.rows: list[list] = []
        self.fonts: dict[int, dict[int, Font]] = {}  # row index → {column: font}
        self.data_from = 0  # the first row the widths follow: the table's header, not the title above it
        self.formats_from = 0  # the first row `formats` apply to: below the header
        self.widths, self.formats, self.freeze = widths or {}, formats or {}, freeze


class XlsxBook:
    """A workbook written safely: `sheet(title, header, rows)` adds a sheet, `append(sheet, row)` a row,
    `bytes()` gives the file. Every cell goes through `xlsx_cell`; a text cell is stored as a text, never a formula.

    Written in openpyxl's write-only mode (issue 20): the rows are kept as given until `bytes()`, then streamed
    into the file, a styled cell (a number's or a day's format, a bold title) as a `WriteOnlyCell`. The normal mode
    built and indexed a cell object per value, then read them all again to size the columns: twice the time for a
    season's HACCP register. The cells, their types, formats, fonts and the widths are the same
    (tests/core/test_xlsx_book.py compares them with the normal mode's).
    """

    def __init__(self):
        self._sheets: list[_Sheet] = []

    def sheet(
        self,
        title: str,
        header: Sequence | None = None,
        rows: Iterable[Sequence] = (),
        *,
        heading=(),
        widths: dict[int, float] | None = None,
        formats: dict[int, str] | None = None,
        freeze: str | None = None,
    ) -> _Sheet:
        """A new sheet: `heading` lines first (each one cell, the first bold), then the bold header, then rows.

        `widths` ({column: width}, from 1) fixes those columns' widths (the others follow their longest cell);
        `formats` ({column: number format}) formats that column's numbers below the header; `freeze` is the cell
        (say "B4") above and left of which the panes stay in place."""
        sheet = _Sheet(re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "1", widths, formats, freeze)
        self._sheets.append(sheet)
        for line in heading:
            sheet.rows.append([line])
        if heading:
            sheet.fonts[0] = {1: HEADING_FONTS[len(heading) > 1]}
        sheet.data_from = sheet.formats_from = len(sheet.rows)
        if header is not None:
            sheet.fonts[len(sheet.rows)] = dict.fromkeys(range(1, len(header) + 1), BOLD)
            sheet.rows.append([str(c) for c in header])
            sheet.formats_from = len(sheet.rows)
        for row in rows:
            self.append(sheet, row)
        return sheet

    def append(self, sheet: _Sheet, row: Sequence) -> None:
        sheet.rows.append(list(row))

    @staticmethod
    def _widths(sheet: _Sheet, values: list[list]) -> dict[int, float]:
        """Each column's width: as wide as its longest cell (from the header down), 8 to 60 characters."""
        longest: dict[int, int] = {}
        for row in values[sheet.data_from :]:
            for column, value in enumerate(row, start=1):
                if value is None:
                    continue
                length = len(f"{value:,.2f}") + 2 if isinstance(value, float) else len(str(value))
                if length >= longest.get(column, 0):  # an empty text counts: its column gets the narrowest width
                    longest[column] = length
        return {column: max(8, min(MAX_WIDTH, length + 2)) for column, length in longest.items()}

    @staticmethod
    def _cells(out, sheet: _Sheet, item: tuple, row_index: int) -> Iterator:
        """One row's cells for the write-only sheet: `item` is (the row's index in the sheet, the values as given,
        the values as written); the values as given choose the formats (Eur, Percent, Decimal…)."""
        from openpyxl.cell import WriteOnlyCell

        index, row, values = item
        fonts = sheet.fonts.get(index, {})
        formats = sheet.formats if index >= sheet.formats_from else {}
        plain = WriteOnlyCell(out)  # the unstyled cells share one object, written as soon as it is yielded
        for column, (original, value) in enumerate(zip(row, values, strict=True), start=1):
            number_format = number_format_of(original)
            text = number_format is None and isinstance(value, str)
            if number_format is None and not text:
                if isinstance(value, datetime):
                    number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, date):
                    number_format = "DD/MM/YYYY"
            if column in formats and isinstance(value, int | float):
                number_format = formats[column]
            font = fonts.get(column)
            if number_format is None and font is None:
                if value is None:
                    continue  # an empty cell is not written
                cell = plain
            else:
                cell = WriteOnlyCell(out)
                if number_format is not None:
                    cell.number_format = number_format  # before the value: a day then keeps it
                if font is not None:
                    cell.font = font
            cell.value = value
            if text:
                cell.data_type = "s"  # a text, even one openpyxl would take for a formula or an error code
            cell.row, cell.column = row_index, column
            yield cell

    def bytes(self) -> bytes:
        from openpyxl.utils import get_column_letter

        book = Workbook(write_only=True)
        for sheet in self._sheets:
            out = book.create_sheet(sheet.title)
            values = [[xlsx_cell(value) for value in row] for row in sheet.rows]
            # a width the caller chose (the HACCP register's) stays
            widths = {**self._widths(sheet, values), **sheet.widths}
            for column in sorted(widths):
                out.column_dimensions[get_column_letter(column)].width = widths[column]
            if sheet.freeze:
                out.freeze_panes = sheet.freeze
            # The write-only sheet turns what `append` gets into cells with `_values_to_row` (openpyxl 3.1, pinned):
            # given a styled cell, it first tries it as a plain value and takes it from the ValueError that raises,
            # whose message formats the cell; for a table of days, counts and amounts that made the write-only mode
            # slower than the normal one. The rows are made into cells here, once.
            out._values_to_row = partial(self._cells, out, sheet)
            for index, row in enumerate(sheet.rows):
                out.append((index, row, values[index]))
        if not self._sheets:
            book.create_sheet("Sheet")  # a workbook holds a sheet, as the normal mode's always did
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def xlsx_bytes(title: str, header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A workbook of one sheet."""
    book = XlsxBook()
    book.sheet(title, header, rows)
    return book.bytes()


# --- Report tables (reporting, the `report` command) -------------------------------------------------------------


def write_csv(table, stream) -> None:
    """The table into a text stream (a response or a file), as a French spreadsheet opens it."""
    write_csv_rows(stream, table.columns, table.rows)


def table_csv(table, filename: str) -> StreamingHttpResponse:
    return csv_response(filename, table.columns, table.rows)


def table_json(table) -> dict:
    """The table for a script: money and rates as strings (exact decimals), days in ISO format."""

    def cell(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value if value is None or isinstance(value, int | float) else str(value)

    return {
        "key": table.key,
        "title": str(table.title),
        "columns": [str(c) for c in table.columns],
        "rows": [[cell(v) for v in row] for row in table.rows],
        "note": str(table.note),
    }


def table_xlsx(table, filename: str) -> HttpResponse:
    return attachment(xlsx_bytes(table.key, table.columns, table.rows), XLSX, f"{filename}.xlsx")
