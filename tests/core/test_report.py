import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conserverie.core.formats import french_number
from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record

from ..conftest import DAY
from ..helpers import released_lot


@pytest.fixture
def season(chain):
    """40 kg collected, 30 kg made into 20 jars, 5 sold: all on DAY."""
    lot = released_lot(chain, kg="30", jars=20)
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 5, Decimal("3.50"))],
    )
    return chain


def report(*args) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def report_json(*args) -> dict:
    return json.loads(report("--territory", "romans", "--json", *args))


def test_json_gives_the_figures_of_the_territory(season):
    data = report_json()
    assert data["territory"] == "romans"
    assert (data["from"], data["to"]) == (None, None)
    assert (data["kg_collected"], data["kg_processed"], data["kg_in_stock"]) == (40.0, 30.0, 10.0)
    assert (data["jars_produced"], data["jars_sold"], data["jars_in_stock"]) == (20, 5, 15)
    assert data["deposit_return_rate"] == 0.0
    assert data["mass_balance_ok"] is True


def test_text_is_french_for_a_person(season):
    text = report("--territory", "romans")
    assert "Bilan de Romans — toute la période" in text
    assert "Kilos collectés" in text
    assert "40,0 kg" in text
    assert "Bocaux produits" in text
    assert "Bocaux vendus" in text
    assert "Bilan matière juste" in text
    assert "kg_collected" not in text


def test_numbers_are_formatted_the_french_way():
    assert french_number(1234.5) == "1\xa0234,5"
    assert french_number(Decimal("1595.56")) == "1\xa0595,6"
    assert french_number(12345) == "12\xa0345"
    assert french_number(0.0) == "0,0"


def test_period_filters_the_flows_and_keeps_the_stock_at_its_end(season):
    before = report_json("--to", (DAY - timedelta(days=1)).isoformat())
    assert (before["kg_collected"], before["jars_produced"], before["kg_in_stock"]) == (0.0, 0, 0.0)
    after = report_json("--from", (DAY + timedelta(days=1)).isoformat())
    assert (after["kg_collected"], after["jars_sold"]) == (0.0, 0)
    around = report_json("--from", (DAY - timedelta(days=3)).isoformat(), "--to", DAY.isoformat())
    assert (around["from"], around["to"]) == ((DAY - timedelta(days=3)).isoformat(), DAY.isoformat())
    assert (around["kg_collected"], around["jars_produced"], around["jars_in_stock"]) == (40.0, 20, 15)
    text = report("--territory", "romans", "--from", DAY.isoformat())
    assert f"du {DAY:%d/%m/%Y} au …" in text


def test_other_territory_is_not_counted(season, other_chain):
    assert report_json()["kg_collected"] == 40.0
    other = json.loads(report("--territory", "vercors", "--json"))
    assert (other["kg_collected"], other["jars_produced"]) == (40.0, 0)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--territory", "nulle-part"], "Territoire inconnu"),
        (["--territory", "romans", "--from", "2026-13-01"], "Date invalide pour --from"),
        (["--territory", "romans", "--to", "10/06/2026"], "Date invalide pour --to"),
        (["--territory", "romans", "--from", "2026-07-01", "--to", "2026-06-01"], "doit précéder"),
    ],
)
def test_bad_input_stops_with_a_one_line_french_reason(romans, args, reason):
    with pytest.raises(CommandError) as error:
        report(*args)
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


def test_territory_is_required(db):
    with pytest.raises(CommandError):
        report()
