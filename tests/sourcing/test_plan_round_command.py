"""`conserverie plan-round --input FILE.json [--json] [--seconds N]`."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .test_planner_properties import referee

HUB = {"lat": 45.04639, "lon": 5.0562}
ROUND = {
    "depot": HUB,
    "vehicle": {"capacity_kg": 600, "start": "08:00", "end": "17:00", "speed_kmh": 50},
    "road_factor": 1.3,
    "stops": [
        {"id": "peage", "lat": 45.02825, "lon": 5.07162, "kg": 40, "service_min": 15, "window": ["09:00", "11:00"]},
        {"id": "mours", "lat": 45.06829, "lon": 5.05752, "kg": 20, "required": True},
        {"id": "loin", "lat": 45.3, "lon": 5.4, "kg": 5},
    ],
}


def write(tmp_path, data, name="round.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(*args):
    out = StringIO()
    call_command("plan-round", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_the_documented_keys_and_keeps_the_rules(tmp_path):
    data = json.loads(run("--input", write(tmp_path, ROUND), "--json", "--seconds", "0.3"))
    assert data["route"] == ["mours", "peage"]
    assert data["skipped"] == ["loin"]
    assert sorted(data) == ["arrivals", "distance_km", "duration_min", "load_kg", "route", "skipped", "starts"]
    assert data["load_kg"] == 60
    assert data["arrivals"] == {"mours": "08:04", "peage": "08:21"}
    # Péage's window opens at 09:00: the truck waits, its service starts then; Mours has no window.
    assert data["starts"] == {"mours": "08:04", "peage": "09:00"}
    assert 10 < data["distance_km"] < 15
    assert data["duration_min"] > 60

    from conserverie.sourcing.rounds.planner import evaluate, problem_from_json

    problem = problem_from_json(ROUND)
    referee(problem, evaluate(problem, data["route"]))


def test_without_json_prints_a_french_summary(tmp_path):
    text = run("--input", write(tmp_path, ROUND), "--seconds", "0.3")
    assert "Tournée : 2 arrêt(s), 1 laissé(s) de côté." in text
    assert "2. peage, arrivée 08:21 (attente jusqu'à 09:00)" in text
    assert "Laissés de côté : loin" in text


def bad_stop(**changes):
    data = json.loads(json.dumps(ROUND))
    data["stops"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "JSON invalide, ligne 1"),
        ({**ROUND, "colour": "red"}, "colour : champ inconnu"),
        (bad_stop(kg=-3), "stops[0].kg"),
        (bad_stop(window=["11:00", "09:00"]), "stops[0].window : la fin de la fenêtre est avant son début"),
        (bad_stop(id="mours"), "identifiant en double"),
        (bad_stop(kg=700, required=True), "Tournée impossible"),
        (
            {**ROUND, "stops": [{**s, "required": True, "window": ["09:00", "09:01"]} for s in ROUND["stops"]]},
            "Tournée impossible",
        ),
    ],
)
def test_bad_input_is_a_one_line_french_reason(tmp_path, content, reason):
    with pytest.raises(CommandError) as error:
        run("--input", write(tmp_path, content), "--json", "--seconds", "0.2")
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_and_bad_seconds_are_refused(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("--input", str(tmp_path / "absent.json"))
    with pytest.raises(CommandError, match="--seconds"):
        run("--input", write(tmp_path, ROUND), "--seconds", "0")


def test_the_console_script_exits_non_zero_with_the_reason(tmp_path):
    command = [sys.executable, "-m", "conserverie", "plan-round", "--json", "--seconds", "0.3"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "conserverie.settings"}
    good = subprocess.run([*command, "--input", write(tmp_path, ROUND)], capture_output=True, text=True, env=env)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["route"] == ["mours", "peage"]
    bad = subprocess.run(
        [*command, "--input", write(tmp_path, bad_stop(kg=-1), "bad.json")], capture_output=True, text=True, env=env
    )
    assert bad.returncode != 0
    assert "stops[0].kg" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
