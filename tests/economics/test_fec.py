"""The FEC export (article A47 A-1 LPF): the file parsed back as an auditor's tool reads it — 18 fields in order,
tabs, YYYYMMDD, decimal comma, every entry balanced, numbers without a gap per journal — and its totals equal to
`conserverie accounts --json`."""

import dataclasses
import json
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conserverie.core.scoping import scopes_disabled
from conserverie.economics.chart import DEFAULTS
from conserverie.economics.fec import (
    FIELDS,
    Entry,
    Kind,
    Posting,
    amount_text,
    fec_bytes,
    fec_chunks,
    fec_entries,
    fec_of_year,
    fec_rows,
)
from conserverie.economics.models import LedgerAccount
from conserverie.economics.selectors import cost_sheet
from conserverie.economics.services import chart_set, deposit_rule_set
from conserverie.economics.unit_costs import ZERO
from conserverie.sourcing.forms import LegalEntityForm
from conserverie.territories.models import LegalEntity, siren_valid

from .conftest import SEASON
from .test_accounts import deposits  # noqa: F401 (the fixture)
from .test_pages import _grow, url

D = Decimal
SIREN = "732829320"  # a published SIREN whose key is right (INSEE's example)
AMOUNT = re.compile(r"^\d+,\d{2}$")


def parse(content: bytes) -> list[dict]:
    """The file as an auditor's tool reads it (ISO 8859-15, one record a line, tab-separated, a header)."""
    lines = content.decode("iso8859_15").split("\r\n")
    assert lines[-1] == ""
    header, *records = lines[:-1]
    assert header.split("\t") == list(FIELDS)
    rows = []
    for record in records:
        values = record.split("\t")
        assert len(values) == 18, record
        row = dict(zip(FIELDS, values, strict=True))
        for name in ("EcritureDate", "PieceDate", "ValidDate"):
            date(int(row[name][:4]), int(row[name][4:6]), int(row[name][6:]))  # a real day
            assert len(row[name]) == 8, record
        assert AMOUNT.match(row["Debit"]), record
        assert AMOUNT.match(row["Credit"]), record
        row["debit"] = D(row["Debit"].replace(",", "."))
        row["credit"] = D(row["Credit"].replace(",", "."))
        assert (row["debit"] == 0) != (row["credit"] == 0), record  # one side per line
        assert row["ValidDate"] >= row["EcritureDate"]
        rows.append(row)
    return rows


def check_entries(rows: list[dict]) -> dict:
    """Every entry balanced; numbers 1..n per journal, in the order of the file; dates never go back."""
    entries = defaultdict(list)
    for row in rows:
        entries[(row["JournalCode"], int(row["EcritureNum"]))].append(row)
    for key, lines in entries.items():
        assert sum(r["debit"] for r in lines) == sum(r["credit"] for r in lines), key
        assert len({(r["EcritureDate"], r["PieceRef"]) for r in lines}) == 1, key
    numbers = defaultdict(list)
    for journal, number in dict.fromkeys((r["JournalCode"], int(r["EcritureNum"])) for r in rows):
        numbers[journal].append(number)
    for journal, seen in numbers.items():
        assert seen == list(range(1, len(seen) + 1)), journal
    days = [r["EcritureDate"] for r in rows]
    assert days == sorted(days)
    return entries


def balance(rows, prefix: str) -> Decimal:
    """Debit − credit of the accounts whose number starts with `prefix`."""
    return sum((r["debit"] - r["credit"] for r in rows if r["CompteNum"].startswith(prefix)), D(0))


def _accounts(year="2026") -> dict:
    out = StringIO()
    call_command("accounts", "--territory", "romans", "--year", year, "--json", stdout=out)
    return json.loads(out.getvalue(), parse_float=D)


def _fec(tmp_path, year="2026") -> tuple[str, bytes]:
    out = StringIO()
    call_command("fec", "--territory", "romans", "--year", year, "--out", str(tmp_path), stdout=out)
    (path,) = tmp_path.iterdir()
    assert str(path) in out.getvalue()
    return path.name, path.read_bytes()


def test_the_fec_parses_back_balanced_and_agrees_with_the_accounts(books, tmp_path):
    name, content = _fec(tmp_path)
    assert name == "romansFEC20261231.txt"  # no SIREN yet: the territory's slug
    rows = parse(content)
    entries = check_entries(rows)
    data = _accounts()
    assert -balance(rows, "7") == data["revenues_total"] == D("1014.00")
    assert balance(rows, "6") == data["expenses_total"]
    assert balance(rows, "74") == -D("1000.00")
    assert balance(rows, "707") == -data["revenues"]["sales"]
    owed = [r for r in rows if r["CompteNum"] == "4196"]
    assert sum(r["credit"] for r in owed) == data["deposits"]["received"] == D("9.00")
    assert sum(r["debit"] for r in owed) == data["deposits"]["refunded"] == D("3.00")
    assert -balance(rows, "4196") == data["deposits"]["received"] - data["deposits"]["refunded"]
    in_kind = data["contributions_in_kind"]
    assert balance(rows, "86") == -balance(rows, "87") == in_kind["internal_use"] + in_kind["volunteer_hours"]
    assert balance(rows, "861") == in_kind["internal_use"] == D("77.52")
    # The till: the sale (4 × 3.50 + 4.00 deposit) and the gift's deposits (5.00) in, 3.00 refunded out.
    assert balance(rows, "530") == D("14.00") + D("9.00") - D("3.00")
    # One entry per cession with money: the group sale and the gift with deposits; the internal use has none.
    sales = {k: v for k, v in entries.items() if k[0] == "VT"}
    assert sorted(sum(r["credit"] for r in lines) for lines in sales.values()) == [D("5.00"), D("18.00")]
    lease = [r for r in rows if r["CompteNum"] == "6135"]
    assert [(r["EcritureDate"], r["debit"], r["PieceRef"][:3]) for r in lease] == [("20260610", D("600.00"), "SAI")]


def test_the_kinds_of_entries_and_the_forfeited_deposits(deposits, coordinator):  # noqa: F811
    """The deposits fixture with a 3-month rule: 2.00 lapse on 12 September, booked 4196 → 708 that day."""
    deposit_rule_set(actor=coordinator, territory=deposits.territory, months=3)
    entries = fec_entries(deposits.territory, *SEASON)
    kinds = {e.kind for e in entries}
    assert {Kind.DEPOSIT_RECEIVED, Kind.DEPOSIT_REFUNDED, Kind.DEPOSIT_CREDITED, Kind.DEPOSIT_FORFEITED} <= kinds
    (lapse,) = [e for e in entries if e.kind == Kind.DEPOSIT_FORFEITED]
    assert lapse.day == date(2026, 9, 12)
    assert [(p.account.number, p.debit, p.credit) for p in lapse.postings] == [
        ("4196", D("2.00"), D("0")),
        ("708", D("0"), D("2.00")),
    ]
    assert all(e.debit == e.credit > 0 for e in entries)
    data = _accounts()
    assert data["deposits"]["forfeited"] == D("2.00")
    assert data["revenues"]["deposits_forfeited"] == D("2.00")


def test_farm_purchases_have_their_own_kind_and_account(chain, coordinator):
    from conserverie.economics.services import cost_item_add

    cost_item_add(
        actor=coordinator,
        territory=chain.territory,
        category="farm_purchases",
        label="Tomates de la ferme",
        amount_eur=D("84.00"),
        date=date(2026, 7, 2),
    )
    (entry,) = [e for e in fec_entries(chain.territory, *SEASON) if e.kind == Kind.FARM_PURCHASE]
    assert [(p.account.number, p.debit, p.credit) for p in entry.postings] == [
        ("6011", D("84.00"), D("0")),
        ("401", D("0"), D("84.00")),
    ]
    assert entry.journal == "AC"


def test_farm_purchases_and_processing_fees_are_booked_per_lot_with_the_farm_as_auxiliary_account(
    chain, coordinator, tmp_path
):
    """Two lots bought (12.5 kg × 1.33 = 16.625 → 16.63 €, 8 kg × 2.00 = 16.00 €) and an à-façon return (10 jars ×
    0.45 € = 4.50 €): 6011 = farms_paid, 706 = processing fees, each farm's 401 settled by its payment on
    collection, every entry balanced, totals equal to `accounts --json`."""
    from conserverie.producers.models import Terms
    from conserverie.sourcing.services import collection_record, farm_jars_return

    def collect(kg, day, **terms):
        return collection_record(
            actor=coordinator,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg=D(kg),
            collected_on=day,
            **terms,
        )

    collect("12.5", date(2026, 7, 1), terms=Terms.PURCHASE, price_eur_kg=D("1.33"))
    collect("8", date(2026, 7, 3), terms=Terms.PURCHASE, price_eur_kg=D("2.00"))
    processed = collect("20", date(2026, 7, 2), terms=Terms.PROCESSING)
    farm_jars_return(actor=coordinator, raw_lot=processed, jars=10, day=date(2026, 7, 4), fee_eur_per_jar=D("0.45"))
    _name, content = _fec(tmp_path)
    rows = parse(content)
    check_entries(rows)
    data = _accounts()
    assert balance(rows, "6011") == data["farms_paid"] == D("32.63")
    assert -balance(rows, "706") == data["revenues"]["processing_fees"] == D("4.50")
    assert balance(rows, "6") == data["expenses_total"]
    assert -balance(rows, "7") == data["revenues_total"]
    aux = f"F{chain.farm.pk:05d}"
    farm_401 = [r for r in rows if r["CompteNum"] == "401"]
    assert {r["CompAuxNum"] for r in farm_401} == {aux}
    assert sum(r["credit"] for r in farm_401) == D("32.63")
    assert balance(rows, "401") == 0  # paid on collection: the farm's account is settled
    payments = [r for r in rows if r["JournalCode"] == "TR"]
    assert [(r["EcritureDate"], r["CompteNum"], r["debit"], r["credit"]) for r in payments] == [
        ("20260701", "401", D("16.63"), D("0")),
        ("20260701", "512", D("0"), D("16.63")),
        ("20260703", "401", D("16.00"), D("0")),
        ("20260703", "512", D("0"), D("16.00")),
    ]
    fee = [r for r in rows if r["CompteNum"] == "411"]
    assert [(r["EcritureDate"], r["CompAuxNum"], r["debit"]) for r in fee] == [("20260704", aux, D("4.50"))]
    # The chart decides the accounts: a farm paid from the till.
    chart_set(actor=coordinator, territory=chain.territory, accounts={"farm_payments": ("530", "Caisse")})
    (tmp_path / _name).unlink()
    rows = parse(_fec(tmp_path)[1])
    assert balance(rows, "530") == -D("32.63")


def test_the_chart_and_the_siren_are_the_coordinators_and_name_the_file(books, coordinator, tmp_path):
    assert siren_valid(SIREN)
    assert not siren_valid("732829321")
    assert not siren_valid("12345678")
    accounts = {"sales": ("7071", "Ventes de bocaux")}
    with pytest.raises(ValidationError) as refused:
        chart_set(actor=coordinator, territory=books.territory, accounts={"sales": ("ABC", "")})
    assert {"sales_number", "sales_label"} <= set(refused.value.message_dict)
    assert not LedgerAccount.objects.exists()  # nothing half-written
    default = DEFAULTS["cash"]
    chart_set(
        actor=coordinator,
        territory=books.territory,
        accounts={**accounts, "cash": (default[0], str(default[1]))},
    )
    assert list(LedgerAccount.objects.values_list("key", "number")) == [("sales", "7071")]  # defaults not stored
    # One SIREN, the legal entity's (the receipts print it, the FEC is named with it); its key is checked there.
    entity = {
        "name": "Association Bocaux Solidaires",
        "legal_form": "Association déclarée",
        "address": "1 place du Marché, 26100 Romans-sur-Isère",
        "city": "Romans-sur-Isère",
        "purpose": "Transformer les surplus agricoles",
        "eligibility": "Intérêt général à caractère social",
        "signatory_name": "Camille Exemple",
        "signatory_role": "Présidente",
    }
    form = LegalEntityForm({**entity, "siren": "732829321"})
    assert not form.is_valid()
    assert "clé doit être juste" in form.errors["siren"][0]
    LegalEntity.objects.create(territory=books.territory, siren=SIREN, **entity)
    name, content = _fec(tmp_path)
    assert name == f"{SIREN}FEC20261231.txt"
    rows = parse(content)
    assert {r["CompteLib"] for r in rows if r["CompteNum"] == "7071"} == {"Ventes de bocaux"}
    assert not [r for r in rows if r["CompteNum"] == "707"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--territory", "nowhere", "--year", "2026", "--out", "."], "Territoire inconnu"),
        (["--territory", "romans", "--year", "26", "--out", "."], "Année invalide"),
        (["--territory", "romans", "--year", "2026", "--out", "/nulle/part/fec.txt"], "Dossier introuvable"),
    ],
)
def test_the_cli_refuses_bad_input_in_one_line(romans, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("fec", *args, stdout=StringIO())
    assert "\n" not in str(refused.value)


def test_coordinators_download_it_and_nobody_else(books, client, coordinator, viewer, other_coordinator):
    client.force_login(coordinator)
    response = client.get(url("fec", books.territory) + "?year=2026")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="romansFEC20261231.txt"'
    assert response.streaming  # the text is sent while it is written (issue 20)
    streamed = b"".join(response.streaming_content)
    check_entries(parse(streamed))
    with scopes_disabled():
        assert streamed == fec_of_year(books.territory, 2026)[1]  # the same bytes as `conserverie fec`
    response = client.post(url("chart", books.territory), {f"{k}_number": "" for k in DEFAULTS})
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.content.decode()
    assert "Aucun SIREN" in response.content.decode()
    for user in (viewer, other_coordinator):
        client.force_login(user)
        assert client.get(url("fec", books.territory)).status_code in (403, 404)


@pytest.mark.parametrize("name", ["fec", "chart"])
def test_query_counts_do_not_grow(name, chain, coordinator, client, django_assert_num_queries):
    from ..pages import assert_flat_queries

    client.force_login(coordinator)
    page = url(name, chain.territory) + "?year=2026"
    queries = assert_flat_queries(client, page, _grow(chain, coordinator), django_assert_num_queries, n=2)
    assert queries <= 30, queries


def test_the_streamed_pieces_make_the_same_file_whatever_their_size(books):
    with scopes_disabled():
        entries = fec_entries(books.territory, *SEASON)
    whole = fec_bytes(entries)
    lines = whole.count(b"\r\n")
    assert lines > 4
    for size in (1, 2, 3, lines - 1, lines, lines + 1):
        pieces = list(fec_chunks(entries, lines_per_chunk=size))
        assert b"".join(pieces) == whole, size
        assert all(piece.endswith(b"\r\n") for piece in pieces)
    assert b"".join(fec_chunks([])) == ("\t".join(FIELDS) + "\r\n").encode()


def test_the_deposit_ledger_is_read_once_and_the_file_is_the_same(deposits, coordinator):  # noqa: F811
    """The refunds and credits are booked from the ledger the sheet's deposit account read (issue 20: every season's
    ledger, read once instead of twice): the same bytes as reading it again, one query fewer. With a rule, a cash
    refund, a credit and a lapse, so that every deposit entry is written."""
    deposit_rule_set(actor=coordinator, territory=deposits.territory, months=3)
    with scopes_disabled():
        sheet = cost_sheet(deposits.territory, *SEASON)
        assert sheet.deposits.settled_by_day == {
            date(2026, 7, 1): (D("2.00"), D("0")),
            date(2026, 7, 15): (ZERO, D("1.00")),
        }
        with CaptureQueriesContext(connection) as kept:
            entries = fec_entries(deposits.territory, *SEASON, sheet=sheet)
        again = dataclasses.replace(sheet, deposits=dataclasses.replace(sheet.deposits, settled_by_day=None))
        with CaptureQueriesContext(connection) as read:
            reference = fec_entries(deposits.territory, *SEASON, sheet=again)
    assert {Kind.DEPOSIT_REFUNDED, Kind.DEPOSIT_CREDITED, Kind.DEPOSIT_FORFEITED} <= {e.kind for e in entries}
    assert fec_bytes(entries) == fec_bytes(reference)
    assert len(kept.captured_queries) == len(read.captured_queries) - 1


def test_every_amount_is_written_as_amount_text_writes_it(books):
    """The zero side of a line is written once for the file: a zero of another exponent or sign is still written by
    `amount_text` itself, byte for byte."""
    with scopes_disabled():
        account = fec_entries(books.territory, *SEASON)[0].postings[0].account
    amounts = [ZERO, D("0"), D("0.00"), D("-0"), D("-0.00"), D("12.5"), D("-3.456"), D("1000000")]
    entries = [
        Entry("OD", Kind.REVENUE, date(2026, 6, 1), "X", "x", [Posting(account, debit=a, credit=a)]) for a in amounts
    ]
    rows = list(fec_rows(entries))
    assert [(row[11], row[12]) for row in rows] == [(amount_text(a), amount_text(a)) for a in amounts]
    assert rows[3][11] == "-0,00"
    assert rows[0][11] == "0,00"
