"""Lethality F = ∫ 10^((T − Tref)/z) dt by the trapezoidal rule, against values computed by hand, and
`conserverie process-check` on files (docs/safety-en.md)."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from conserverie.recipes.lethality import (
    F0_TARGET,
    Target,
    default_target,
    lethality,
    parse_readings,
    reading_errors,
    target_errors,
)

D = Decimal


def curve(*pairs):
    return [(D(str(m)), D(str(t))) for m, t in pairs]


def test_constant_121_1_for_3_minutes_gives_3_000():
    readings = curve(*[(m, "121.1") for m in range(4)])
    assert lethality(readings, tref_c=D("121.1"), z_c=D("10")) == D("3.000")


def test_half_minute_readings_give_the_same_value():
    readings = curve(*[(m / 2, "121.1") for m in range(7)])
    assert lethality(readings, tref_c=D("121.1"), z_c=D("10")) == D("3.000")


def test_a_measured_curve_against_a_hand_computed_value():
    # Rates 10^((T − 121.1)/10): 100 °C → 10^-2.11 = 0.0077625; 111.1 °C → 0.1; 121.1 °C → 1.
    # Trapezoids: 2 × (0.0077625 + 0.1)/2 + 2 × (0.1 + 1)/2 + (1 + 1)/2 = 0.1077625 + 1.1 + 1 = 2.2077625.
    readings = curve((0, 100), (1, "111.1"), (2, "121.1"), (3, "121.1"), (4, "111.1"), (5, 100))
    assert lethality(readings, tref_c=D("121.1"), z_c=D("10")) == D("2.208")


def test_a_pasteurisation_curve_with_its_own_reference():
    # Tref 100 °C, z 10: 90 °C counts 0.1 min a minute, 100 °C one. (0.1 + 1)/2 + 1 + 1 = 2.55.
    readings = curve((0, 90), (1, 100), (2, 100), (3, 100))
    assert lethality(readings, tref_c=D("100"), z_c=D("10")) == D("2.550")


@pytest.mark.parametrize(
    ("readings", "message"),
    [
        (curve((0, 121)), "au moins deux relevés"),
        ([], "au moins deux relevés"),
        (curve((0, 100), (1, 110), (1, 120)), "Les minutes doivent croître"),
        (curve((0, 100), (2, 110), (1, 120)), "Les minutes doivent croître"),
        (curve((0, 100), (1, 151)), "hors de −20 à 150 °C"),
        (curve((0, -21), (1, 100)), "hors de −20 à 150 °C"),
        (curve((0, 100), (3, 110)), "Un relevé par minute au moins"),
    ],
)
def test_curves_that_cannot_give_a_lethality(readings, message):
    assert any(message in e for e in reading_errors(readings)), reading_errors(readings)


def test_the_f0_floor_cannot_be_lowered_for_a_low_acid_product():
    assert target_errors("low_acid", F0_TARGET) == []
    assert target_errors("low_acid", Target(D("121.1"), D("10"), D("6"))) == []
    assert "ne peut pas être abaissé" in target_errors("low_acid", Target(D("121.1"), D("10"), D("2.9")))[0]
    assert "121,1 °C et z = 10 °C" in target_errors("low_acid", Target(D("115"), D("10"), D("3")))[0]
    # An acid product takes the target of the trained person.
    assert target_errors("acid", Target(D("90"), D("8"), D("1"))) == []


def test_default_targets():
    assert default_target("low_acid", None) == F0_TARGET
    assert default_target("acid", D("3.5")) == Target(D("80"), D("10"), D("5"))
    assert default_target("acid", D("4.2")) == Target(D("100"), D("10"), D("15"))


def test_parse_readings_takes_french_and_english_decimals():
    assert parse_readings("0 65\n1;72,5\n\n2\t80.5\n") == curve((0, 65), (1, "72.5"), (2, "80.5"))
    with pytest.raises(ValueError, match="Ligne 2 illisible"):
        parse_readings("0 65\n1 chaud\n")
    with pytest.raises(ValueError, match="Ligne 1 illisible"):
        parse_readings("0 65 70")
    with pytest.raises(ValueError, match="Ligne 1 illisible"):
        parse_readings("0 NaN")


# conserverie process-check


def run(tmp_path, data):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    out = __import__("io").StringIO()
    try:
        call_command("process-check", "--input", str(path), "--json", stdout=out)
    except CommandError as exc:
        return json.loads(out.getvalue()), str(exc)
    return json.loads(out.getvalue()), None


def readings(*pairs):
    return [{"minute": m, "celsius": t} for m, t in pairs]


def test_process_check_f0_of_a_constant_hold(tmp_path):
    result, error = run(
        tmp_path, {"category": "low_acid", "ph": 6.2, "readings": readings(*[(m, 121.1) for m in range(4)])}
    )
    assert error is None
    assert result == {
        "lethality_min": 3.0,
        "tref_c": 121.1,
        "z_c": 10.0,
        "minimum_min": 3.0,
        "verdict": "ok",
        "reasons": result["reasons"],
    }
    assert len(result["reasons"]) == 1


def test_process_check_a_short_curve_is_insufficient(tmp_path):
    data = {
        "category": "low_acid",
        "ph": 5.8,
        "target": {"tref_c": 121.1, "z_c": 10, "minimum_min": 3.0},
        "readings": readings((0, 100), (1, 111.1), (2, 121.1), (3, 121.1), (4, 111.1), (5, 100)),
    }
    result, error = run(tmp_path, data)
    assert error is None
    assert result["lethality_min"] == 2.208
    assert result["verdict"] == "insufficient"
    assert "2.208" in result["reasons"][0]


def test_process_check_an_acid_product_with_its_target(tmp_path):
    data = {
        "category": "acid",
        "ph": 3.9,
        "target": {"tref_c": 100, "z_c": 10, "minimum_min": 2.5},
        "readings": readings((0, 90), (1, 100), (2, 100), (3, 100)),
    }
    result, _error = run(tmp_path, data)
    assert (result["lethality_min"], result["verdict"], result["tref_c"]) == (2.55, "ok", 100.0)


GOOD = readings((0, 121.1), (1, 121.1))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            {"category": "low_acid", "target": {"tref_c": 121.1, "z_c": 10, "minimum_min": 2}, "readings": GOOD},
            "abaissé",
        ),
        ({"category": "low_acid", "target": {"tref_c": 110, "z_c": 10, "minimum_min": 3}, "readings": GOOD}, "F0"),
        ({"category": "low_acid", "ph": 4.2, "readings": GOOD}, "au-dessus de 4,5"),
        (
            {"category": "acid", "ph": 5.2, "target": {"tref_c": 100, "z_c": 10, "minimum_min": 1}, "readings": GOOD},
            "4,5 au plus",
        ),
        ({"category": "low_acid", "readings": readings((0, 121.1))}, "au moins deux"),
        ({"category": "low_acid", "readings": readings((0, 121.1), (0, 122))}, "croître"),
        ({"category": "low_acid", "readings": readings((0, 121.1), (1, 151))}, "150 °C"),
        ({"category": "low_acid", "readings": readings((0, -25), (1, 100))}, "150 °C"),
        ({"category": "neutral", "readings": GOOD}, "category"),
        ({"category": "acid", "ph": 4.0, "readings": GOOD}, "target"),
        (
            {"category": "low_acid", "readings": [{"minute": True, "celsius": 121}, {"minute": 1, "celsius": 121}]},
            "minute",
        ),
        ([1, 2], "objet JSON"),
        ("{not json", "JSON illisible"),
    ],
)
def test_process_check_refusals(tmp_path, data, reason):
    result, error = run(tmp_path, data)
    assert result["verdict"] == "refused"
    assert result["lethality_min"] is None
    assert any(reason in r for r in result["reasons"]), result["reasons"]
    assert error
    assert "\n" not in error
    assert reason in error


def test_process_check_exits_non_zero_on_a_refusal(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"category": "low_acid", "readings": readings((0, 121.1))}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "conserverie", "process-check", "--input", str(path), "--json"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DEBUG": "1"},
        timeout=120,
    )
    assert done.returncode != 0
    assert json.loads(done.stdout)["verdict"] == "refused"
    assert "au moins deux relevés" in done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "conserverie", "process-check", "--input", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DEBUG": "1"},
        timeout=120,
    )
    assert missing.returncode != 0
    assert "Fichier introuvable" in missing.stderr
