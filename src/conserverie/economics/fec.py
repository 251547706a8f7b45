"""The accounting export in the French standard format: the « fichier des écritures comptables » (FEC).

The rule is article A47 A-1 of the Livre des procédures fiscales (and BOI-CF-IOR-60-40-20): a flat file, one record
a line, fields separated by one character used for nothing else (a tab here), the first line naming the 18 fields
in their order (JournalCode … Idevise), dates as YYYYMMDD, amounts in decimal figures with a comma and no
thousands separator, characters of ISO 8859-15, the file named `<SIREN>FEC<closing date YYYYMMDD>`. Entries are in
chronological order, numbered without a gap in each journal, and each entry is balanced (debits = credits).

One entry per event, built from the same figures as `conserverie accounts` and the economics page (`accounts.py`):

- VT (ventes): one entry per cession with a price or a deposit (a sale to the purchasing group, a gift with a
  deposit, …): treasury (530 cash or 512 bank, from the payment mode) at debit; the price part to 707, the deposit
  to 4196 (a debt) at credit. When the sales are entered by hand, the hand items replace the price parts;
- CS (consignes): per day, the deposits refunded (4196 → treasury), turned into a credit (4196 → 4198) and
  forfeited under the territory's written rule (4196 → 708, on the day they lapse);
- AC (achats): one entry per cost line, entered or computed (class 6 at debit, 401 or 421 at credit), and one
  entry per raw lot bought from a farm (`sourcing.purchases.farm_purchases`: 6011 at debit, 401 at credit with the
  farm as auxiliary account, CompAuxNum/CompAuxLib), on the day of the collection;
- TR (trésorerie): the payment of each lot bought, on collection (401 of the farm at debit, the account « paiement
  des fermes », 512 by default, at credit), so the farm's supplier account is settled;
- VT also holds one entry per return of jars processed for a farm (à façon) with a fee: 411 of the farm (auxiliary
  account) at debit, 706 at credit;
- OD (opérations diverses): revenue entered by hand (subsidies 74 against 441, contracts and fees against 411);
- CN (contributions en nature): internal use (861/871) and volunteers' hours (864/875), outside the result.

The chart of accounts is the territory's (`chart.py`). The validation date of an entry is its date: the export
computes the entries from records already kept, nothing is typed afterwards.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.economics.chart import Account, chart_of
from conserverie.economics.deposits import OUT_KINDS, _flows
from conserverie.economics.selectors import Sheet, cost_sheet
from conserverie.economics.unit_costs import REVENUE_CATEGORIES, ZERO, Category, eur
from conserverie.sourcing.purchases import farm_jar_returns, farm_purchases
from conserverie.stock.models import StockMovement
from conserverie.territories.models import LegalEntity

FIELDS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "\t"
ENCODING = "iso8859_15"
JOURNALS = {
    "VT": "Ventes",
    "CS": "Consignes",
    "AC": "Achats et charges",
    "TR": "Trésorerie (règlements)",
    "OD": "Opérations diverses",
    "CN": "Contributions volontaires en nature",
}


class Kind:
    """What an entry records (`Entry.kind`)."""

    SALE = "sale"
    CESSION = "cession"
    DEPOSIT_RECEIVED = "deposit_received"  # a gift or a sale with a deposit and no price
    DEPOSIT_REFUNDED = "deposit_refunded"
    DEPOSIT_CREDITED = "deposit_credited"
    DEPOSIT_FORFEITED = "deposit_forfeited"
    COST = "cost"
    FARM_PURCHASE = "farm_purchase"
    FARM_PAYMENT = "farm_payment"
    PROCESSING_FEE = "processing_fee"
    REVENUE = "revenue"
    IN_KIND = "in_kind"


@dataclass
class Posting:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    aux_num: str = ""
    aux_label: str = ""


@dataclass
class Entry:
    journal: str
    kind: str
    day: date
    ref: str
    label: str
    postings: list[Posting] = field(default_factory=list)
    number: int = 0

    @property
    def debit(self) -> Decimal:
        return sum((p.debit for p in self.postings), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((p.credit for p in self.postings), ZERO)


def _pair(journal, kind, day, ref, label, debit: Account, credit: Account, amount: Decimal, **aux) -> Entry | None:
    """A two-line entry; a negative amount (a reversal) swaps the sides; nothing for zero."""
    amount = eur(amount)
    if not amount:
        return None
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    return Entry(journal, kind, day, ref, label, [Posting(debit, debit=amount, **aux), Posting(credit, credit=amount)])


def _treasury(chart, mode: str) -> Account:
    return chart["cash"] if mode in (PaymentMode.CASH, PaymentMode.FREE, "") else chart["bank"]


MONEY = DecimalField(max_digits=12, decimal_places=2)


def cession_entries(sheet: Sheet, chart, with_price: bool) -> list[Entry]:
    """One entry per cession and day of the jar ledger (two queries): the price part (when the sales are not
    entered by hand) and the deposit received; the part of the deposit paid with the participant's credit comes out
    of 4198, not out of the till."""
    t, start, end = sheet.territory, sheet.date_from, sheet.date_to
    out = -F("quantity")
    rows = (
        StockMovement.objects.filter(territory=t, distribution_line__isnull=False, day__gte=start, day__lte=end)
        .values_list("distribution_line__distribution", "day")
        .annotate(
            price=Sum(out * F("distribution_line__unit_price_eur"), output_field=MONEY),
            deposit=Sum(
                out * F("distribution_line__deposit_eur"),
                filter=Q(kind__in=OUT_KINDS, distribution_line__deposit_eur__gt=0),
                output_field=MONEY,
            ),
        )
        .values_list("distribution_line__distribution", "day", "price", "deposit")
        .order_by("day", "distribution_line__distribution")
    )
    rows = list(rows)
    ids = {row[0] for row in rows}
    info = {
        pk: (kind, day, mode, credit or ZERO)
        for pk, kind, day, mode, credit in Distribution.objects.filter(pk__in=ids)
        .annotate(credit=Sum("lines__credit_eur"))
        .values_list("pk", "kind", "date", "payment_mode", "credit")
        .order_by()
    }
    entries = []
    # Translated once, not once per cession (a season's 1,250 cessions: a tenth of the FEC's time, issue 20).
    sale_label, cession_label = _("Vente au groupement d'achat n° %(n)s"), _("Cession n° %(n)s")
    for pk, day, price, deposit in rows:
        kind_of, recorded_on, mode, credit = info[pk]
        price = eur(price) if with_price else ZERO
        deposit = eur(deposit)
        if not price and not deposit:
            continue
        used_credit = min(eur(credit), deposit) if day == recorded_on and deposit > 0 else ZERO
        sale = kind_of == Distribution.Kind.GROUP_SALE
        kind = Kind.SALE if sale else (Kind.CESSION if price else Kind.DEPOSIT_RECEIVED)
        label = (sale_label if sale else cession_label) % {"n": pk}
        postings = []
        cash = price + deposit - used_credit
        if cash > 0:
            postings.append(Posting(_treasury(chart, mode), debit=cash))
        elif cash < 0:
            postings.append(Posting(_treasury(chart, mode), credit=-cash))
        if used_credit:
            postings.append(Posting(chart["credits"], debit=used_credit))
        for account, amount in ((chart["sales"], price), (chart["deposits"], deposit)):
            if amount > 0:
                postings.append(Posting(account, credit=amount))
            elif amount < 0:
                postings.append(Posting(account, debit=-amount))
        entries.append(Entry("VT", kind, day, f"CES{pk}", label, postings))
    return entries


def deposit_entries(sheet: Sheet, chart) -> list[Entry]:
    """Per day: deposits refunded, turned into a credit, forfeited. The sheet's deposit account read the ledger up
    to the end of the period already (every season: read once, not twice); a sheet without the accounts reads it."""
    start, end = sheet.date_from, sheet.date_to
    account = sheet.deposits
    if account is not None and account.settled_by_day is not None and account.date_to == end:
        settled = account.settled_by_day
    else:
        _received, settled = _flows(sheet.territory, end)
    entries = []
    for day, (refunded, credited) in sorted(settled.items()):
        if not start <= day <= end:
            continue
        ref = f"CONS{day:%Y%m%d}"
        entries.append(
            _pair(
                "CS",
                Kind.DEPOSIT_REFUNDED,
                day,
                ref,
                _("Consignes remboursées"),
                chart["deposits"],
                chart["cash"],
                refunded,
            )
        )
        entries.append(
            _pair(
                "CS",
                Kind.DEPOSIT_CREDITED,
                day,
                ref,
                _("Consignes transformées en avoir"),
                chart["deposits"],
                chart["credits"],
                credited,
            )
        )
    return [e for e in entries if e]


def forfeit_entries(sheet: Sheet, chart) -> list[Entry]:
    start, end = sheet.date_from, sheet.date_to
    entries = [
        _pair(
            "CS",
            Kind.DEPOSIT_FORFEITED,
            day,
            f"ACQ{day:%Y%m%d}",
            _("Consignes acquises (bocaux non rendus, règle du territoire)"),
            chart["deposits"],
            chart["deposits_forfeited"],
            amount,
        )
        for day, amount in sheet.deposits.forfeited_by_day.items()
        if start <= day <= end
    ]
    return [e for e in entries if e]


def farm_aux(producer) -> tuple[str, str]:
    """The farm's auxiliary account (CompAuxNum, CompAuxLib): one per farm, under 401 and 411."""
    return f"F{producer.pk:05d}", producer.legal_name or producer.name


def _aux_entry(journal, kind, day, ref, label, debit, credit, amount, debit_aux=("", ""), credit_aux=("", "")):
    amount = eur(amount)
    if amount <= 0:
        return None
    return Entry(
        journal,
        kind,
        day,
        ref,
        label,
        [
            Posting(debit, debit=amount, aux_num=debit_aux[0], aux_label=debit_aux[1]),
            Posting(credit, credit=amount, aux_num=credit_aux[0], aux_label=credit_aux[1]),
        ],
    )


def farm_purchase_entries(sheet: Sheet, chart, lines) -> list[Entry]:
    """Farm purchases. The derived line (purchases recorded at collection) is booked lot by lot from
    `sourcing.purchases.farm_purchases`: the purchase (AC: 6011 / 401 of the farm) and its payment on collection
    (TR: 401 of the farm / « paiement des fermes »), both on the collection day, the amount rounded to the cent as
    the purchase note says. Lines entered by hand replace the derived one (no double counting): one entry each."""
    entries = []
    for line in lines:
        if not line.derived:
            entries.append(
                _pair(
                    "AC",
                    Kind.FARM_PURCHASE,
                    _line_day(sheet, line),
                    _line_ref(line),
                    line.label,
                    chart[Category.FARM_PURCHASES],
                    chart["farms"],
                    line.amount,
                )
            )
            continue
        for lot in farm_purchases(sheet.territory, sheet.date_from, sheet.date_to):
            aux = farm_aux(lot.producer)
            label = _("Achat %(lot)s, %(kg)s kg de %(product)s — %(farm)s") % {
                "lot": lot.code,
                "kg": str(lot.kg).replace(".", ","),
                "product": lot.product.name,
                "farm": aux[1],
            }
            amount = Decimal(lot.amount_eur)
            ref = f"ACH-{lot.code}"
            entries.append(
                _aux_entry(
                    "AC",
                    Kind.FARM_PURCHASE,
                    lot.collected_on,
                    ref,
                    label,
                    chart[Category.FARM_PURCHASES],
                    chart["farms"],
                    amount,
                    credit_aux=aux,
                )
            )
            entries.append(
                _aux_entry(
                    "TR",
                    Kind.FARM_PAYMENT,
                    lot.collected_on,
                    ref,
                    _("Paiement à la collecte, %(lot)s — %(farm)s") % {"lot": lot.code, "farm": aux[1]},
                    chart["farms"],
                    chart["farm_payments"],
                    amount,
                    debit_aux=aux,
                )
            )
    return entries


def processing_fee_entries(sheet: Sheet, chart) -> list[Entry]:
    """One entry per return of jars processed for a farm (à façon) with a fee: the farm owes it (411, the farm as
    auxiliary account), revenue 706, on the day the jars went back."""
    entries = []
    for jar_return in farm_jar_returns(sheet.territory, sheet.date_from, sheet.date_to):
        aux = farm_aux(jar_return.producer)
        entries.append(
            _aux_entry(
                "VT",
                Kind.PROCESSING_FEE,
                jar_return.day,
                f"FAC-{jar_return.pk}",
                _("Transformation à façon : %(jars)s bocaux × %(fee)s €, %(lot)s — %(farm)s")
                % {
                    "jars": jar_return.jars,
                    "fee": str(jar_return.fee_eur_per_jar).replace(".", ","),
                    "lot": jar_return.raw_lot.code,
                    "farm": aux[1],
                },
                chart["customers"],
                chart[Category.PROCESSING_FEES],
                jar_return.fee_eur,
                debit_aux=aux,
            )
        )
    return entries


def _line_day(sheet: Sheet, line) -> date:
    if line.day:
        return line.day
    return min(sheet.date_to, max(sheet.date_from, timezone.localdate()))


def _line_ref(line) -> str:
    return f"SAI{line.item.pk}" if line.item is not None else f"CALC-{line.category}".upper()


REVENUE_DEBIT = {Category.SUBSIDIES: "grants_receivable", Category.DEPOSITS_FORFEITED: "deposits"}
STAFF = (Category.STAFF_ANIMATORS, Category.STAFF_COORDINATION)


def line_entries(sheet: Sheet, chart) -> list[Entry]:
    """The counted lines of the sheet: the derived sales and forfeits are booked event by event (see above), the
    farm purchases through their hook, every other line as one entry."""
    entries, farm_lines = [], []
    derived_sales = any(line.counted and line.derived and line.category == Category.SALES for line in sheet.lines)
    entries += cession_entries(sheet, chart, with_price=derived_sales)
    entries += deposit_entries(sheet, chart)
    for line in sheet.lines:
        if not line.counted or not line.amount:
            continue
        if line.derived and line.category == Category.SALES:
            continue
        if line.derived and line.category == Category.DEPOSITS_FORFEITED:
            entries += forfeit_entries(sheet, chart)
            continue
        if line.category == Category.FARM_PURCHASES:
            farm_lines.append(line)
            continue
        if line.derived and line.category == Category.PROCESSING_FEES:
            entries += processing_fee_entries(sheet, chart)
            continue
        day, ref = _line_day(sheet, line), _line_ref(line)
        label = f"{line.label} — {line.funder}" if line.funder else line.label
        if line.category in REVENUE_CATEGORIES:
            journal = "VT" if line.category in (Category.SALES, Category.PROCESSING_FEES) else "OD"
            debit = chart[REVENUE_DEBIT.get(line.category, "customers")]
            entries.append(_pair(journal, Kind.REVENUE, day, ref, label, debit, chart[line.category], line.amount))
        else:
            credit = chart["staff"] if line.category in STAFF else chart["suppliers"]
            entries.append(_pair("AC", Kind.COST, day, ref, label, chart[line.category], credit, line.amount))
    entries += farm_purchase_entries(sheet, chart, farm_lines)
    return [e for e in entries if e]


def in_kind_entries(sheet: Sheet, chart) -> list[Entry]:
    day = min(sheet.date_to, max(sheet.date_from, timezone.localdate()))
    c = sheet.contributions
    entries = [
        _pair(
            "CN",
            Kind.IN_KIND,
            day,
            "CVN-USAGE",
            _("Usage interne des structures (valorisé au coût de revient)"),
            chart["in_kind_use_goods"],
            chart["in_kind_goods"],
            c.internal_use,
        ),
        _pair(
            "CN",
            Kind.IN_KIND,
            day,
            "CVN-BENEVOLAT",
            _("Heures de bénévolat (au SMIC du jour)"),
            chart["in_kind_volunteers_use"],
            chart["in_kind_volunteers"],
            c.volunteer_value,
        ),
    ]
    return [e for e in entries if e]


ORDER = {code: index for index, code in enumerate(JOURNALS)}


def fec_entries(territory, date_from: date, date_to: date, sheet: Sheet | None = None) -> list[Entry]:
    """Every entry of the period, in chronological order, numbered from 1 without a gap in each journal."""
    sheet = sheet or cost_sheet(territory, date_from, date_to)
    chart = chart_of(territory)
    entries = line_entries(sheet, chart) + in_kind_entries(sheet, chart)
    entries.sort(key=lambda e: (e.day, ORDER[e.journal], e.ref, e.kind))
    counters: dict = defaultdict(int)
    for entry in entries:
        counters[entry.journal] += 1
        entry.number = counters[entry.journal]
    return entries


def amount_text(value: Decimal) -> str:
    """1234.5 -> "1234,50": a decimal comma, no thousands separator (article A47 A-1 LPF)."""
    return f"{eur(value):f}".replace(".", ",")


_CLEAN = str.maketrans(
    {
        "\t": " ",
        "\r": " ",
        "\n": " ",
        "—": "-",
        "–": "-",
        "’": "'",
        "…": "...",
        "\u202f": " ",
        "\xa0": " ",
        "«": '"',
        "»": '"',
        "−": "-",
    }
)


def _text(value) -> str:
    return " ".join(str(value).translate(_CLEAN).split())


def fec_rows(entries: list[Entry]) -> Iterator[list[str]]:
    """The 18 fields of each line of the file, entry by entry (a generator: the text is never held whole)."""
    texts: dict = {}  # the accounts' and farms' names, cleaned once
    # Every line has one side at zero, the module's ZERO itself (`Posting`'s default): written once, not once a line
    # (an identity test, so a zero of another exponent or sign is still written by `amount_text`).
    zero = amount_text(ZERO)

    def text(value) -> str:
        if value not in texts:
            texts[value] = _text(value)
        return texts[value]

    def amount(value) -> str:
        return zero if value is ZERO else amount_text(value)

    for entry in entries:
        day = f"{entry.day:%Y%m%d}"
        number, label = str(entry.number), _text(entry.label)
        for posting in entry.postings:
            yield [
                entry.journal,
                JOURNALS[entry.journal],
                number,
                day,
                posting.account.number,
                text(posting.account.label),
                posting.aux_num,
                text(posting.aux_label),
                entry.ref,
                day,
                label,
                amount(posting.debit),
                amount(posting.credit),
                "",
                "",
                day,
                "",
                "",
            ]


def fec_lines(entries: list[Entry]) -> list[list[str]]:
    return list(fec_rows(entries))


LINES_PER_CHUNK = 1000


def fec_chunks(entries: list[Entry], lines_per_chunk: int = LINES_PER_CHUNK) -> Iterator[bytes]:
    """The file in pieces of `lines_per_chunk` lines, encoded: what the page streams (issue 20). The entries must be
    built and numbered first (chronological order, no gap in a journal: `fec_entries`); the text, the largest part
    of the export, is written while it is sent."""
    lines = [SEPARATOR.join(FIELDS)]
    for row in fec_rows(entries):
        lines.append(SEPARATOR.join(row))
        if len(lines) == lines_per_chunk:
            yield ("\r\n".join(lines) + "\r\n").encode(ENCODING, errors="replace")
            lines = []
    if lines:
        yield ("\r\n".join(lines) + "\r\n").encode(ENCODING, errors="replace")


def fec_bytes(entries: list[Entry]) -> bytes:
    return b"".join(fec_chunks(entries))


def fec_filename(territory, closing: date) -> str:
    """`<SIREN>FEC<YYYYMMDD>.txt` (the closing date of the year); the SIREN is the legal entity's (one source,
    `territories.LegalEntity`); without one, the territory's slug instead."""
    siren = LegalEntity.objects.filter(territory=territory).values_list("siren", flat=True).first()
    return f"{siren or territory.slug}FEC{closing:%Y%m%d}.txt"


def fec_of_year_entries(territory, year: int) -> tuple[str, list[Entry]]:
    """The file's name and the year's entries, numbered (`fec_chunks` writes them)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return fec_filename(territory, end), fec_entries(territory, start, end)


def fec_of_year(territory, year: int) -> tuple[str, bytes]:
    name, entries = fec_of_year_entries(territory, year)
    return name, fec_bytes(entries)
