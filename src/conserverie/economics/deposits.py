"""Jar deposits as the accountant books them: a debt while the jar is out, revenue only once forfeited.

A deposit received when a jar leaves is owed back to whoever brings the jar back: it is a liability (account 4196,
"clients, dettes pour emballages et matériel consignés"), never revenue. It leaves the liability when

- it is **refunded** in cash (an empty jar brought back, the amount paid out: `StockMovement.amount_eur`);
- it is **credited**: the jar came back and the deposit was turned into a credit for the participant (no money out);
- it is **forfeited** under the territory's written rule (`CostParameters.deposit_forfeit_months`): a deposit whose
  jar has not come back N months after it left becomes the cannery's revenue on that day, the day it is forfeited.
  Without a rule, no deposit is ever forfeited.

Returns are not matched to the jar that left (an empty jar is an empty jar): they settle the oldest deposits first
(first in, first out). A jar returned after its deposit was forfeited is refunded out of the forfeited deposits (it
reduces the forfeited amount of the day it came back), so forfeited is a net figure.

For a period: received, refunded, credited and forfeited are the movements of the period; outstanding is the
liability at the end of the period (opening + received − refunded − credited − forfeited). Forfeiture happens only
on days up to the end of the period and never after today. One query, whatever the size of the ledger.
"""

import calendar
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.utils import timezone

from conserverie.stock.models import MovementKind, StockMovement

ZERO = Decimal("0")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=12, decimal_places=2)
OUT_KINDS = (MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class DepositAccount:
    date_from: date
    date_to: date
    forfeit_months: int | None
    opening: Decimal
    received: Decimal
    refunded: Decimal
    credited: Decimal
    forfeited: Decimal
    outstanding: Decimal
    forfeited_by_day: dict
    # The ledger's refunds and credits per day up to `date_to`, as `_flows` read them (None: not read): the FEC books
    # them from here rather than reading every season's ledger a second time (issue 20).
    settled_by_day: dict | None = None

    @classmethod
    def empty(cls, date_from, date_to) -> "DepositAccount":
        return cls(date_from, date_to, None, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, {})

    @classmethod
    def nothing_forfeited(cls, date_from, date_to) -> "DepositAccount":
        """Without a written rule no deposit is ever forfeited: what `deposit_account` gives then for `forfeited`
        (0.00, the same Decimal), without reading the ledger. Its other figures are not read: zero."""
        return cls(date_from, date_to, None, ZERO, ZERO, ZERO, ZERO, ZERO.quantize(CENT), ZERO, {})

    def as_json(self) -> dict:
        return {
            "received": self.received,
            "refunded": self.refunded,
            "credited": self.credited,
            "forfeited": self.forfeited,
            "outstanding": self.outstanding,
        }


def _flows(territory, date_to):
    """Per day up to `date_to`: deposits received, refunded in cash, credited (one query)."""
    credit = Case(
        When(
            Q(kind=MovementKind.EMPTY_RETURNED) & Q(amount_eur=0) & Q(participant__isnull=False),
            then=F("quantity") * F("jar_format__deposit_eur"),
        ),
        default=Value(ZERO),
        output_field=MONEY,
    )
    rows = (
        StockMovement.objects.filter(territory=territory, day__lte=date_to)
        .filter(Q(kind__in=OUT_KINDS, distribution_line__deposit_eur__gt=0) | Q(kind=MovementKind.EMPTY_RETURNED))
        .values_list("day")
        .annotate(
            received=Sum(
                -F("quantity") * F("distribution_line__deposit_eur"),
                filter=Q(kind__in=OUT_KINDS),
                output_field=MONEY,
            ),
            refunded=Sum("amount_eur", filter=Q(kind=MovementKind.EMPTY_RETURNED)),
            credited=Sum(credit),
        )
        .values_list("day", "received", "refunded", "credited")
        .order_by()
    )
    received, settled = {}, {}
    for day, got, refunded, credited in rows:
        if got:
            received[day] = got
        if refunded or credited:
            settled[day] = (refunded or ZERO, credited or ZERO)
    return received, settled


def deposit_account(territory, date_from: date, date_to: date, forfeit_months: int | None) -> DepositAccount:
    """The deposit liability of the period (see the module's docstring for the rule)."""
    received_by_day, settled_by_day = _flows(territory, date_to)
    last_forfeit_day = min(date_to, timezone.localdate())
    queue: deque = deque()  # [day received, amount still owed], oldest first
    deadlines: dict = defaultdict(list)
    totals = {"received": ZERO, "refunded": ZERO, "credited": ZERO, "forfeited": ZERO}
    opening = ZERO
    balance = ZERO
    forfeited_by_day: dict = defaultdict(lambda: ZERO)
    forfeited_so_far = ZERO  # forfeited and not yet paid back by a late return

    days = set(received_by_day) | set(settled_by_day)
    if forfeit_months:
        days |= {add_months(day, forfeit_months) for day in received_by_day}
    for day in sorted(d for d in days if d <= date_to):
        in_period = day >= date_from
        amount = received_by_day.get(day, ZERO)
        if amount > 0:
            queue.append([day, amount])
            if forfeit_months:
                deadlines[add_months(day, forfeit_months)].append(queue[-1])
        elif amount < 0:  # a reversed distribution gives back the newest deposits
            left = -amount
            while left > 0 and queue:
                take = min(left, queue[-1][1])
                queue[-1][1] -= take
                left -= take
                if queue[-1][1] == 0:
                    queue.pop()
        balance += amount
        if in_period:
            totals["received"] += amount
        refunded, credited = settled_by_day.get(day, (ZERO, ZERO))
        paid = refunded + credited
        left = paid
        while left > 0 and queue:
            take = min(left, queue[0][1])
            queue[0][1] -= take
            left -= take
            if queue[0][1] == 0:
                queue.popleft()
        if left > 0 and forfeited_so_far > 0:  # a jar back after its deposit was forfeited
            back = min(left, forfeited_so_far)
            forfeited_so_far -= back
            balance += back
            forfeited_by_day[day] -= back
            if in_period:
                totals["forfeited"] -= back
        balance -= paid
        if in_period:
            totals["refunded"] += refunded
            totals["credited"] += credited
        if forfeit_months and day <= last_forfeit_day:
            for entry in deadlines.pop(day, []):
                if entry[1] > 0:
                    lapsed, entry[1] = entry[1], ZERO
                    forfeited_so_far += lapsed
                    balance -= lapsed
                    forfeited_by_day[day] += lapsed
                    if in_period:
                        totals["forfeited"] += lapsed
            while queue and queue[0][1] == 0:
                queue.popleft()
        if not in_period:
            opening = balance
    return DepositAccount(
        date_from=date_from,
        date_to=date_to,
        forfeit_months=forfeit_months,
        opening=opening.quantize(CENT),
        received=totals["received"].quantize(CENT),
        refunded=totals["refunded"].quantize(CENT),
        credited=totals["credited"].quantize(CENT),
        forfeited=totals["forfeited"].quantize(CENT),
        outstanding=balance.quantize(CENT),
        forfeited_by_day={d: v.quantize(CENT) for d, v in sorted(forfeited_by_day.items()) if v},
        settled_by_day=settled_by_day,
    )
