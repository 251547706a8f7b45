"""The register PDF draws its tables with `core.pdf_grid.Grid` (issue 20): the same pages and text as ReportLab's
`Table` wrote them. The reference is the former writer (Table with its style, inside KeepTogether), put back in
place for the comparison."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Table, TableStyle

from conserverie.core.pdf_grid import Grid
from conserverie.production import register
from conserverie.production.haccp import lot_add_reading
from conserverie.production.models import CorrectiveActionKind, ProductionLot
from conserverie.production.services import lot_correct, lot_recall, lot_release, lot_seal_check

from ..conftest import DAY, aware
from ..helpers import cold_reading, good_reading, make_lot, seal_checked
from ..pages import add_lots

PERIOD = register.Period(DAY - timedelta(days=1), DAY + timedelta(days=30))


def table(header, rows, widths):
    """The controls' table as the register wrote it before the Grid."""
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, 0), register.BOLD, register.FONT_SIZE, register.LEADING),
                ("FONT", (0, 1), (-1, -1), register.FONT, register.FONT_SIZE, register.LEADING),
            ]
        )
    )
    return table


@pytest.fixture
def season(chain):
    """A season's register: lots with one reading, lots seal-checked, corrected and recalled, a lot with a long
    reason, and a lot re-treated forty times (its table runs over more than a page)."""
    lots = add_lots(chain, 30)
    for index, lot in enumerate(lots):
        if index % 4 == 0:  # a jar badly sealed: the lot is corrected
            lot_seal_check(actor=chain.actor, lot=lot, jars_checked=10, jars_failed=1, at=aware(DAY, 16))
            note = "Nouveau passage à l'autoclave après une coupure de courant, relevé refait. " * (1 + index % 3)
            lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.RETREAT, note=note, at=aware(DAY, 17))
        elif index % 3 == 0:
            lot_seal_check(actor=chain.actor, lot=lot, jars_checked=10, jars_failed=0, at=aware(DAY, 16))
    long = make_lot(chain, treatments=[cold_reading(chain)])
    lot_correct(
        actor=chain.actor, lot=long, action=CorrectiveActionKind.RETREAT, note="115 °C 50 min", at=aware(DAY, 15)
    )
    for _ in range(40):
        lot_add_reading(actor=chain.actor, lot=long, reading=good_reading(chain))
    seal_checked(chain, long)
    lot_release(actor=chain.actor, lot=long)
    lot_recall(actor=chain.actor, lot=long, reason="Couvercle bombé", at=aware(DAY + timedelta(days=5), 9))
    # Three times (228 characters): the column holds 250 and PostgreSQL refuses more (SQLite would keep it).
    reason = "Mise de côté en attendant l'avis du laboratoire sur la couleur de la sauce, " * 3
    ProductionLot.objects.filter(pk=lots[1].pk).update(status_reason=reason)
    return chain


def pdf_pages(territory) -> list[str]:
    rows = register.register_rows(register.register_lots(territory, PERIOD))
    content = register.register_pdf(territory, PERIOD, rows)
    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def placed_texts(territory) -> list[list[tuple]]:
    """Each page's strings with where they are printed (x, y on the page, to a hundredth of a point)."""
    rows = register.register_rows(register.register_lots(territory, PERIOD))
    pages = []
    for page in PdfReader(BytesIO(register.register_pdf(territory, PERIOD, rows))).pages:
        placed = []

        def visit(text, cm, tm, font, size, placed=placed):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                placed.append((text, round(x, 2), round(y, 2)))

        page.extract_text(visitor_text=visit)
        pages.append(placed)
    return pages


def test_the_grid_keeps_the_pages_and_the_text_of_the_table(season, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: aware(DAY + timedelta(days=40), 12))  # the same print date
    grid, grid_placed = pdf_pages(season.territory), placed_texts(season.territory)
    monkeypatch.setattr(register, "controls_table", table)
    monkeypatch.setattr(register, "_KeepLot", KeepTogether)
    reference, reference_placed = pdf_pages(season.territory), placed_texts(season.territory)
    assert sum(len(page) for page in grid_placed) > 500
    assert grid_placed == reference_placed  # every string at the same place on the same page
    assert len(reference) > 3  # several pages, the long lot's table over more than one
    assert grid == reference  # page by page, the text a PDF reader extracts
    flat = " ".join(grid)
    lots = ProductionLot.objects.filter(territory=season.territory).count()
    assert flat.count("Contrôle\nObjet\nCible (recette)") > lots  # the long lot's header again on the next page
    assert "l'avis du laboratoire" in flat


def test_a_grid_splits_between_rows_with_its_header_as_table_does():
    cell = "relevé"
    header, rows, widths = ["Contrôle", "Relevé"], [[f"n° {i}", cell] for i in range(30)], [100, 200]
    options = {"font": "Helvetica", "bold": "Helvetica-Bold", "size": 7, "leading": 8.5}
    grid, reference = Grid(header, rows, widths, **options), table(header, rows, widths)
    assert grid.wrap(300, 1000) == reference.wrap(300, 1000)
    for height in (10, 30, 100, 14.5 * 31, 1000):
        parts, expected = grid.split(300, height), reference.split(300, height)
        assert [len(p.rows) + 1 for p in parts] == [len(p._cellvalues) for p in expected]
        assert [p.wrap(300, height)[1] for p in parts] == [p.wrap(300, height)[1] for p in expected]
    assert [len(p.rows) for p in grid.split(250, 100)] == [len(p._cellvalues) - 1 for p in reference.split(250, 100)]
