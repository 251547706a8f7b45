"""The territory's accounts for a period, as the treasurer and the accountant read them (docs/economics-en.md).

One set of numbers for the economics page, `conserverie accounts --json` and the FEC export:

- revenues: money earned or received (sales, processing fees, deposits forfeited, subsidies, contracts);
- expenses: every cost line (hand-entered, or derived from the records when nothing is entered);
- result = revenues − expenses;
- deposits: a liability, never revenue (`economics/deposits.py`);
- contributions in kind (classes 86/87): the structures' internal use valued at cost and the volunteers' hours at
  the minimum wage of the day; shown apart, never in revenues nor in the result;
- farms_paid: money paid to the farms (purchases);
- cost per jar, coverage by own revenue and break-even on real revenue only (`selectors.break_even`).
"""

import json
from datetime import date
from decimal import Decimal

from conserverie.economics.selectors import Sheet, UnitEconomics, cost_sheet, unit_economics
from conserverie.economics.unit_costs import COST_CATEGORIES, REVENUE_CATEGORIES, Category, eur


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def accounts_of(sheet: Sheet, unit: UnitEconomics) -> dict:
    """The accounts of a computed sheet (no query): the keys of `conserverie accounts --json`."""
    revenues = {str(c): eur(sheet.total([c])) for c in REVENUE_CATEGORIES}
    expenses = {str(c): eur(sheet.total([c])) for c in COST_CATEGORIES}
    revenues_total, expenses_total = eur(sum(revenues.values())), eur(sum(expenses.values()))
    contributions = sheet.contributions
    return {
        "revenues": revenues,
        "revenues_total": revenues_total,
        "expenses": expenses,
        "expenses_total": expenses_total,
        "result": eur(revenues_total - expenses_total),
        "deposits": sheet.deposits.as_json(),
        "contributions_in_kind": {
            "internal_use": eur(contributions.internal_use),
            "volunteer_hours": eur(contributions.volunteer_value),
        },
        "farms_paid": eur(sheet.total([Category.FARM_PURCHASES])),
        "cost_per_jar": unit.cost_per_jar,
        "own_revenue_coverage": unit.coverage,
        "break_even_jars": unit.break_even_jars,
        "break_even_reason": unit.break_even_reason,
    }


def accounts(territory, date_from: date, date_to: date) -> dict:
    sheet = cost_sheet(territory, date_from, date_to)
    return accounts_of(sheet, unit_economics(sheet))


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return _Number(value)
    return value


class _Number(float):
    """A Decimal written as a JSON number with its own decimals (2 for money: 1275.50, not 1275.5)."""

    def __new__(cls, value: Decimal):
        number = super().__new__(cls, value)
        number.text = str(value)
        return number

    def __repr__(self):
        return self.text


class _Encoder(json.JSONEncoder):
    def iterencode(self, o, _one_shot=False):
        # The C encoder writes floats with float.__repr__; the Python one calls repr() on our numbers.
        return json.encoder._make_iterencode(
            {},
            self.default,
            json.encoder.py_encode_basestring_ascii if self.ensure_ascii else json.encoder.py_encode_basestring,
            self.indent,
            repr,
            self.key_separator,
            self.item_separator,
            self.sort_keys,
            self.skipkeys,
            _one_shot,
        )(o, 0)


def as_json_text(data: dict, indent: int | None = 2) -> str:
    """`data` as JSON, money as numbers with 2 decimals."""
    return json.dumps(_plain(data), cls=_Encoder, indent=indent, ensure_ascii=False)
