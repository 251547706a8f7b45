"""Hostile input through the forms added for issues #5 and #6: no 500, French answers, nothing written."""

import pytest

from conserverie.territories.models import Location

from ..conftest import DAY
from ..core.test_robustness import BIG_INT, CHOICE_JUNK, DATE_JUNK, LONG, NUMBER_JUNK
from ..core.test_robustness_more import hammer
from ..helpers import make_lot, released_lot


@pytest.fixture
def coord_client(client, chain, coordinator):
    client.force_login(coordinator)
    return client


def test_empty_jar_forms(coord_client, chain):
    washer = Location.objects.create(territory=chain.territory, name="Laverie", kind=Location.Kind.WASHING)
    base = {"jar_format": chain.jar.pk, "day": DAY.isoformat(), "reason": "Test"}
    numbers = [*NUMBER_JUNK, BIG_INT, "-3"]
    filled = [n for n in numbers if n != ""]  # blank is a valid answer to an optional field
    problems = hammer(
        coord_client,
        "/t/romans/stock/vides/achat/",
        {**base, "location": chain.truck.pk, "quantity": "5", "amount_eur": "3"},
        {"location": CHOICE_JUNK, "quantity": numbers, "amount_eur": filled, "day": DATE_JUNK, "reason": [LONG]},
    )
    problems += hammer(
        coord_client,
        "/t/romans/stock/vides/transfert/",
        {**base, "source": washer.pk, "destination": chain.truck.pk, "quantity": "500", "washed": "on"},
        {"source": CHOICE_JUNK, "destination": CHOICE_JUNK, "quantity": numbers},
        strict=False,
    )
    problems += hammer(
        coord_client,
        "/t/romans/stock/vides/inventaire/",
        {**base, "location": chain.truck.pk, "counted": "4"},
        {"counted": numbers, "reason": ["", "   ", LONG], "jar_format": CHOICE_JUNK},
        strict=False,
    )
    assert not problems, "\n".join(problems)


def test_reading_reverse_and_tier_forms(coord_client, chain):
    lot = make_lot(chain, treatments=())
    problems = hammer(
        coord_client,
        f"/t/romans/lots/{lot.code}/releves/",
        {"jar_format": chain.jar.pk, "temperature_c": "200", "minutes": "1", "batch": "9"},
        {
            "jar_format": CHOICE_JUNK,
            "temperature_c": [*NUMBER_JUNK, BIG_INT],
            "minutes": [*NUMBER_JUNK, BIG_INT],
            "batch": [n for n in NUMBER_JUNK if n != ""] + [BIG_INT],
            "ph_measured": [*NUMBER_JUNK, "15", "-1"],
            "equipment": CHOICE_JUNK,
        },
        strict=False,
    )
    sold = released_lot(chain, jars=3)
    from decimal import Decimal

    from conserverie.distribution.models import Distribution
    from conserverie.distribution.services import LineSpec, distribution_record

    sale = distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(sold, chain.jar, 1, Decimal("2"))],
    )
    problems += hammer(
        coord_client, f"/t/romans/cessions/{sale.pk}/annuler/", {"reason": ""}, {"reason": [LONG, "   "]}, strict=False
    )
    problems += hammer(
        coord_client,
        "/t/romans/cessions/tarifs/",
        {"form": "tier", "structure": chain.structure.pk, "name": "", "percent": "50"},
        {"structure": CHOICE_JUNK, "name": [LONG, "   "], "percent": [*NUMBER_JUNK, BIG_INT, "-1", "101"]},
        strict=False,
    )
    problems += hammer(
        coord_client,
        "/t/romans/lots/tracabilite/ferme/",
        {"producer": chain.farm.pk, "date_from": "2026-06-30", "date_to": "2026-06-01"},
        {"producer": CHOICE_JUNK, "date_from": DATE_JUNK, "date_to": DATE_JUNK},
        strict=False,
        method="get",
    )
    assert not problems, "\n".join(problems)
