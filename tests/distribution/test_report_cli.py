"""The distribution report from the command line (`conserverie report --distribution`), and the value of the
structures' internal use, at cost and at the purchasing group's prices."""

import csv
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record, price_set
from conserverie.economics.selectors import cost_sheet, unit_economics
from conserverie.economics.services import cost_item_add
from conserverie.economics.unit_costs import Category
from conserverie.reporting.distribution_tables import internal_use_value

from ..conftest import DAY
from ..helpers import released_lot


@pytest.fixture
def season(chain):
    lot = released_lot(chain, kg="30", jars=20)
    common = {"actor": chain.actor, "territory": chain.territory, "location": chain.truck, "day": DAY}
    distribution_record(
        kind=Distribution.Kind.GROUP_SALE, lines=[LineSpec(lot, chain.jar, 5, Decimal("3.50"))], **common
    )
    distribution_record(
        kind=Distribution.Kind.INTERNAL, structure=chain.structure, lines=[LineSpec(lot, chain.jar, 4)], **common
    )
    return chain


def report(*args) -> str:
    out = StringIO()
    call_command("report", "--territory", "romans", "--distribution", *args, stdout=out)
    return out.getvalue()


def test_internal_use_is_valued_at_cost_and_at_the_list_price(season):
    table = internal_use_value(season.territory, DAY, DAY)
    # The cost of a jar is every cost of the period over the jars produced (the economics page's figure).
    per_jar = unit_economics(cost_sheet(season.territory, DAY, DAY)).cost_per_jar
    assert per_jar > 0
    assert table.rows[0] == [season.structure.name, 4, (4 * per_jar).quantize(Decimal("0.01")), Decimal("0.00"), 4]
    price_set(actor=season.actor, territory=season.territory, jar_format=season.jar, price_eur=Decimal("3.20"))
    table = internal_use_value(season.territory, DAY, DAY)
    assert table.rows[0][3:] == [Decimal("12.80"), 0]
    assert table.rows[-1][0] == "Total"
    assert "coût d'un bocal" in table.note
    # A hand-entered cost of the period raises the cost of each jar used.
    cost_item_add(
        actor=season.actor,
        territory=season.territory,
        category=Category.INSURANCE,
        label="Assurance",
        amount_eur=Decimal("100.00"),
        date=DAY,
    )
    jars = unit_economics(cost_sheet(season.territory, DAY, DAY)).jars
    raised = internal_use_value(season.territory, DAY, DAY).rows[0][2]
    assert raised > table.rows[0][2]
    assert abs(raised - table.rows[0][2] - Decimal("400") / jars) <= Decimal("0.02")


def test_cli_prints_every_table(season):
    out = report()
    for title in ("Bocaux par destination", "Trou de consigne", "Usage interne des structures"):
        assert title in out
    assert "Vente au groupement d'achat" in out


def test_cli_json_and_csv(season, tmp_path):
    data = json.loads(report("--json"))
    keys = [t["key"] for t in data["tables"]]
    assert keys == [
        "destinations",
        "return_format",
        "return_site",
        "deposit_hole",
        "sales_day",
        "sales_tier",
        "internal_value",
        "group",  # the purchasing group per structure (issue 18)
    ]
    sales = next(t for t in data["tables"] if t["key"] == "sales_day")
    assert sales["rows"] == [["2026-06-10", "Espèces", 9, "22.50"]]  # 5 × (3.50 + 1.00 deposit); internal use: 0
    tiers = next(t for t in data["tables"] if t["key"] == "sales_tier")
    assert tiers["rows"] == [["Prix du tarif", 5, "22.50"]]
    out = report("--csv-dir", str(tmp_path))
    assert "Écrit" in out
    with (tmp_path / "romans-destinations.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["Destination", "Structure", "Bocaux", "Encaissé (€)"]
    assert ["Vente au groupement d'achat", "—", "5", "22,50"] in rows


def test_cli_bad_input(season, tmp_path):
    with pytest.raises(CommandError, match="Dossier introuvable"):
        report("--csv-dir", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="va avec --distribution"):
        call_command("report", "--territory", "romans", "--csv-dir", str(tmp_path), stdout=StringIO())
