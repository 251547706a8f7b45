"""`conserverie simulate`: JSON out for a script, one French line and a non-zero exit for a bad scenario."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> dict:
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def scenario_file(tmp_path, data, name="scenario.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_defaults_as_json_have_every_output_key():
    data = json.loads(run("--json"))
    for key in (
        "workshops",
        "kg_saved",
        "jars",
        "households",
        "km",
        "costs",
        "revenues",
        "cost_per_jar",
        "break_even_jars",
        "fte",
        "sensitivity",
    ):
        assert key in data, key
    assert data["workshops"] == 60
    assert len(data["sensitivity"]) == 3


def test_a_scenario_file_overrides_the_defaults(tmp_path):
    path = scenario_file(tmp_path, {"workshops_per_week": 3, "weeks_per_year": 40, "vehicle": {"lease_eur": 9000}})
    data = json.loads(run("--scenario", path, "--json"))
    assert data["workshops"] == 120
    assert data["costs"]["vehicle"] == 9000


def test_the_text_output_is_french():
    text = run()
    assert "Saison simulée" in text
    assert "Coût par bocal" in text
    assert "€" in text


def test_a_territory_starts_from_its_own_figures(books, tmp_path):
    data = json.loads(run("--territory", "romans", "--json"))
    assert data["workshops"] == 1
    assert data["costs"]["vehicle"] == 600
    path = scenario_file(tmp_path, {"vehicle": {"insurance_eur": 300}, "farms": {"x": 1}})
    with pytest.raises(CommandError, match="farms"):
        run("--territory", "romans", "--scenario", path)
    path = scenario_file(tmp_path, {"vehicle": {"insurance_eur": 300}})
    data = json.loads(run("--territory", "romans", "--scenario", path, "--json"))
    assert (data["costs"]["vehicle"], data["costs"]["insurance"]) == (600, 300)  # the group is merged, not replaced


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({"farmz": 3}, "farmz"),
        ({"farms": "30"}, "farms"),
        ({"radius_km": -1}, "radius_km"),
        ({"workshops_per_week": 500}, "workshops_per_week"),
        ({"vehicle": {"lease_eur": -10}}, "vehicle.lease_eur"),
        ({"jar_mix": {"375": 0.4}}, "jar_mix"),
        ("[1, 2]", "scenario"),
    ],
)
def test_bad_scenarios_are_refused_naming_the_field(tmp_path, content, field):
    path = scenario_file(tmp_path, content)
    with pytest.raises(CommandError) as info:
        run("--scenario", path, "--json")
    message = str(info.value)
    assert field in message, message
    assert "\n" not in message, message


def test_unreadable_files_and_unknown_territories_are_refused(tmp_path, db):
    for args, expected in [
        (("--scenario", str(tmp_path / "absent.json")), "Fichier illisible"),
        (("--scenario", scenario_file(tmp_path, "{farms: 3")), "JSON invalide"),
        (("--territory", "atlantide"), "Territoire inconnu"),
    ]:
        with pytest.raises(CommandError, match=expected):
            run(*args)


def test_the_console_script_exits_non_zero_with_one_line(tmp_path):
    path = scenario_file(tmp_path, {"weeks_per_year": 80})
    done = subprocess.run(
        [sys.executable, "-m", "conserverie", "simulate", "--scenario", path, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "weeks_per_year" in lines[0], done.stderr


def test_help_documents_the_schema():
    done = subprocess.run(
        [sys.executable, "-m", "conserverie", "simulate", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    for key in ("farms", "radius_km", "jar_mix", "deposit_eur", "staff_fte", "subsidies_eur", "lease_eur"):
        assert key in done.stdout
