"""Spreadsheets that behave (issue 16 item 9): every XLSX export of the economics, the funders' reports and the
distribution report opened with openpyxl — no number stored as text, money and shares as formatted numbers,
column widths set."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conserverie.core.exports import EUR_FORMAT, PERCENT_FORMAT
from conserverie.impact.reports.funders import TEMPLATES
from conserverie.reporting.distribution_tables import REPORTS

from .test_funders import contract  # noqa: F401 (the fixture)
from .test_reports import season  # noqa: F401 (the fixture)

# A text that a spreadsheet should have held as a number: "12", "4317.00", "1 234,5", "45,3 %", "12,00 €".
NUMBER_AS_TEXT = re.compile(r"^[+-]?\d[\d \xa0\u202f]*(?:[.,]\d+)?(?:[ \xa0\u202f]?[€%])?$")


def xlsx_urls(slug: str) -> list[str]:
    urls = [reverse("economics:summary_xlsx", args=[slug]) + "?from=2026-01-01&to=2026-12-31"]
    reports = "periode=2026"
    urls.append(reverse("surveys:report_xlsx", args=[slug, "utilite-sociale"]) + "?" + reports)
    urls.append(reverse("surveys:report_xlsx", args=[slug, "activite"]) + "?" + reports)
    urls += [reverse("surveys:report_xlsx", args=[slug, "activite"]) + f"?{reports}&pour={k}" for k in TEMPLATES]
    urls += [reverse("distribution_report:export", args=[slug, key, "xlsx"]) for key in REPORTS]
    return urls


@pytest.mark.usefixtures("season", "contract")
def test_every_xlsx_export_stores_numbers_as_numbers(client, chain, coordinator, clock):
    clock(date(2026, 12, 6))
    client.force_login(coordinator)
    formats, numbers = set(), 0
    for url in xlsx_urls(chain.territory.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert not NUMBER_AS_TEXT.match(cell.value.strip()), (url, sheet.title, cell.coordinate)
                    elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        numbers += 1
                        formats.add(cell.number_format)
            if sheet.max_row > 1:
                assert sheet.column_dimensions["A"].width >= 8, (url, sheet.title)
    assert numbers > 50
    assert {EUR_FORMAT, PERCENT_FORMAT} <= formats
