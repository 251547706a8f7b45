"""A report table as a CSV file (semicolons and decimal commas, as a French spreadsheet opens it) or an XLSX file."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(table, stream) -> None:
    """The table into a text stream (a response or a file), as a French spreadsheet opens it."""
    stream.write("\ufeff")  # the byte order mark: a spreadsheet then reads the accents right
    writer = csv.writer(stream, delimiter=";")
    writer.writerow([str(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])


def table_csv(table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    write_csv(table, response)
    return response


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


def _xlsx_cell(value):
    """A spreadsheet stores numbers as binary floats: Decimal becomes float here, and only here."""
    return float(value) if isinstance(value, Decimal) else value


def table_xlsx(table, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append([str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
