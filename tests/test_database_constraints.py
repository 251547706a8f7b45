"""Quantities and prices the database itself refuses (issue 13), whatever code writes them: no jar line of zero,
no negative price, deposit, credit, declared donation value or unit cost. Zero stays allowed where it means "free".

The ledgers' own constraints are tested with them: tests/stock/test_ledger_database.py and
tests/sourcing/test_ledger_database.py.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.economics.models import CostParameters
from conserverie.economics.unit_costs import PARAMETER_DEFAULTS

from .conftest import DAY
from .helpers import released_lot


@pytest.fixture
def sale(chain):
    lot = released_lot(chain, jars=10)
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 2, Decimal("3.50"))],
    )


@pytest.mark.parametrize(
    "values",
    [
        {"quantity": 0},
        {"unit_price_eur": Decimal("-0.01")},
        {"deposit_eur": Decimal("-1")},
        {"credit_eur": Decimal("-1")},
    ],
    ids=["zero-jar", "negative-price", "negative-deposit", "negative-credit"],
)
def test_a_distribution_line_refuses_an_impossible_value(chain, sale, values):
    line = sale.lines.get()
    fields = {"distribution": sale, "lot": line.lot, "jar_format": chain.jar, "quantity": 1, **values}
    with pytest.raises(IntegrityError), transaction.atomic():
        DistributionLine.objects.create(**fields)


def test_a_free_line_is_allowed(chain, sale):
    line = sale.lines.get()
    DistributionLine.objects.create(
        distribution=sale, lot=line.lot, jar_format=chain.jar, quantity=1, unit_price_eur=0, deposit_eur=0
    )


@pytest.mark.parametrize("name", sorted(PARAMETER_DEFAULTS))
def test_cost_parameters_refuse_a_negative_value(romans, name):
    with pytest.raises(IntegrityError), transaction.atomic():
        CostParameters.objects.create(territory=romans.territory, **{name: Decimal("-1")})
    CostParameters.objects.create(territory=romans.territory, **{name: Decimal("0")})
