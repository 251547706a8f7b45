"""`conserverie impact --territory SLUG --period PERIOD [--json]`."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conserverie.impact.services import indicator_value_record

from .flower_data import build_season, flower_with_indicators


def run(*args) -> str:
    out = StringIO()
    call_command("impact", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_documented_shape(chain):
    build_season(chain)
    flower = flower_with_indicators(chain)
    indicator_value_record(
        actor=chain.actor, indicator=flower.manual, period="2026", value=Decimal("5"), source_note="x"
    )
    data = json.loads(run("--territory", "romans", "--period", "2026", "--json"))
    assert set(data) == {"period", "dimensions"}
    assert data["period"] == "2026"
    assert len(data["dimensions"]) == 6
    food = data["dimensions"][0]
    assert set(food) == {"name", "score", "indicators"}
    assert food["name"] == "Alimentation saine et accessible"
    assert food["score"] == 50
    assert food["indicators"] == [
        {"name": "Foyers touchés", "value": 7, "target": 14, "unit": "foyers", "source": "computed"},
        {"name": "Repas partagés", "value": 5, "target": 10, "unit": "", "source": "manual"},
    ]
    ecology = data["dimensions"][4]
    assert ecology["indicators"][0]["value"] == 60
    assert ecology["score"] == 60


def test_hidden_values_are_null(chain):
    flower_with_indicators(chain)
    data = json.loads(run("--territory", "romans", "--period", "2026-ete", "--json"))
    assert data["period"] == "2026-ete"
    assert data["dimensions"][0]["indicators"][0]["value"] is None


def test_text_output_is_french(chain):
    flower_with_indicators(chain)
    out = run("--territory", "romans", "--period", "2026")
    assert "Fleur de l'utilité sociale — Romans — 2026" in out
    assert "masqué (moins de 5 personnes)" in out
    assert "Kilos sauvés : 40 kg (cible 100 kg)" in out


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--territory", "nowhere", "--period", "2026"], "Territoire inconnu : « nowhere »."),
        (["--territory", "romans", "--period", "demain"], "Période illisible"),
        (["--territory", "romans", "--period", "2026-mousson"], "Saison inconnue"),
    ],
)
def test_bad_input_is_one_french_line(romans, args, reason):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_console_script_exits_non_zero(romans):
    with pytest.raises(CommandError):
        call_command("impact", "--territory", "romans", "--period", "x")
