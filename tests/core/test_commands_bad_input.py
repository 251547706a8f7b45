"""Every command given bad input (issue 9, item 7): a one-line French reason, a non-zero exit, nothing written.

Unknown codes and ids, dates that are not dates or in the wrong order, negative and huge numbers, missing files
and folders. Django turns a CommandError into exit status 1 (argparse errors into 2); a subprocess checks that on
two commands. Hypothesis throws arbitrary text at the report command's date parsing.
"""

import os
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from ..helpers import released_lot, table_counts
from ..pages import add_participant

SCRIPT = "<script>alert('x')</script>"
BIG_INT = "9" * 30
ENGLISH = ("Error:", "invalid value", "Traceback", "unknown", "must be", "Unknown")


def refused(command, *args, match=None):
    """`command *args` stops with a one-line French CommandError and writes nothing; its message."""
    before = table_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command(command, *args, stdout=out, stderr=err)
    message = str(info.value)
    assert "\n" not in message.strip(), message
    if match is not None:
        assert match in message, message
    assert table_counts() == before, f"{command} {args}: something was written"
    return message


def french(message):
    assert not any(word in message for word in ENGLISH), message


# --- report ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--territory", "nulle-part"], "Territoire inconnu"),
        (["--territory", SCRIPT], "Territoire inconnu"),
        (["--territory", "romans", "--from", "2026-13-45"], "Date invalide pour --from"),
        (["--territory", "romans", "--to", "hier"], "Date invalide pour --to"),
        (["--territory", "romans", "--from", "99999-01-01"], "Date invalide"),
        (["--territory", "romans", "--from", "0000-00-00"], "Date invalide"),
        (["--territory", "romans", "--from", ""], "Date invalide"),
        (["--territory", "romans", "--from", BIG_INT], "Date invalide"),
        (["--territory", "romans", "--from", "2026-06-30", "--to", "2026-06-01"], "doit précéder"),
    ],
)
def test_report_refuses_bad_input(romans, args, reason):
    french(refused("report", *args, match=reason))


def test_report_accepts_the_ends_of_the_calendar(romans):
    out = StringIO()
    call_command("report", "--territory", "romans", "--from", "0001-01-01", "--to", "9999-12-31", stdout=out)
    assert "Bilan de Romans" in out.getvalue()


junk = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
    st.dates().map(date.isoformat),
)


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=junk, end=junk)
def test_report_dates_never_crash(romans, start, end):
    """Any --from/--to: the figures, or a one-line French refusal; never a traceback."""
    out = StringIO()
    try:
        call_command("report", "--territory=romans", f"--from={start}", f"--to={end}", "--json", stdout=out)
    except CommandError as exc:
        message = str(exc)
        assert "Date invalide" in message or "doit précéder" in message, message
        assert "\n" not in message.strip()
    else:
        assert date.fromisoformat(start) <= date.fromisoformat(end)
        assert '"kg_collected"' in out.getvalue()


# --- recall and labels -------------------------------------------------------------------------------------------


@pytest.fixture
def lot(chain):
    return released_lot(chain)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["INCONNU-1", "--reason", "Analyse"], "Lot inconnu"),
        ([SCRIPT, "--reason", "Analyse"], "Lot inconnu"),
        (["{code}", "--reason", "Analyse", "--as", "personne"], "Utilisateur inconnu"),
        (["{code}", "--reason", "Analyse", "--as", "anim"], "coordinat"),
        (["{code}", "--reason", "Analyse", "--csv", "/pas/de/dossier/contacts.csv"], "Dossier introuvable"),
        (["{code}", "--reason", ""], None),
        (["{code}", "--reason", "   "], None),
    ],
)
def test_recall_refuses_bad_input(lot, animator, tmp_path, args, reason):
    args = [a.format(code=lot.code) for a in args]
    french(refused("recall", *args, match=reason))
    lot.refresh_from_db()
    assert lot.status == "released"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["INCONNU-1"], "Lot inconnu"),
        (["{code}", "--sheet", SCRIPT], "Format de planche inconnu"),
        (["{code}", "--count", "-5"], "au moins 1"),
        (["{code}", "--count", "0"], "au moins 1"),
        (["{code}", "--count", BIG_INT], "au plus"),
        (["{code}", "--count", "1000000"], "au plus"),
    ],
)
def test_labels_refuses_bad_input(lot, tmp_path, args, reason):
    args = [a.format(code=lot.code) for a in args]
    french(refused("labels", *args, "--out", str(tmp_path / "x.pdf"), match=reason))
    assert not (tmp_path / "x.pdf").exists()


def test_labels_refuses_a_missing_folder_and_a_non_number(lot, tmp_path):
    refused("labels", lot.code, "--out", str(tmp_path / "absent" / "x.pdf"), match="Dossier introuvable")
    refused("labels", lot.code, "--out", str(tmp_path / "x.pdf"), "--count", "abc")  # argparse: exit status 2
    assert list(tmp_path.iterdir()) == []


# --- backup and restore (no database change possible: they stop before touching it) --------------------------------


def test_backup_and_restore_refuse_missing_and_junk_files(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("pas une sauvegarde")
    (tmp_path / "junk.sqlite3.manifest.json").write_text("{pas du json")
    empty = tmp_path / "vide.sqlite3"
    empty.write_bytes(b"")
    before = sorted(p.name for p in tmp_path.iterdir())
    for command, path in [
        ("restore", tmp_path / "absent.sqlite3"),
        ("restore", tmp_path),
        ("restore", junk),
        ("restore", empty),
        ("backup", tmp_path / "pas-la" / "b.sqlite3"),
    ]:
        with pytest.raises(CommandError) as info:
            call_command(command, str(path), stdout=StringIO())
        message = str(info.value)
        assert message, (command, path, message)
        assert "\n" not in message.strip(), (command, path, message)
        french(message)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- person-export and person-erase --------------------------------------------------------------------------------


@pytest.fixture
def person(chain):
    return add_participant(chain)


@pytest.mark.parametrize(
    "raw_id",
    ["abc", "-1", "1.5", "", "   ", BIG_INT, "99999999999999999999", "²", "١٢", SCRIPT, "0x10", "#"],
)
def test_person_commands_refuse_bad_ids(person, coordinator, raw_id):
    french(refused("person-export", raw_id, match="Numéro de participant invalide"))
    french(refused("person-erase", raw_id, "--as", "coord", match="Numéro de participant invalide"))


def test_person_commands_refuse_unknown_ids_and_accounts(person, coordinator):
    refused("person-export", "999999999", match="Participant inconnu")
    refused("person-erase", "999999999", "--as", "coord", match="Participant inconnu")
    refused("person-erase", str(person.pk), "--as", SCRIPT, match="Compte inconnu")
    refused("person-erase", str(person.pk), "--as", "", match="Compte inconnu")


# --- retention and reminders -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "reason"),
    [("0", "au moins un mois"), ("-12", "au moins un mois"), (BIG_INT, "au plus"), ("100000", "au plus")],
)
def test_retention_refuses_bad_durations(person, months, reason):
    french(refused("retention", "--months", months, match=reason))
    french(refused("retention", "--months", months, "--dry-run", match=reason))


def test_retention_refuses_a_non_number(person):
    refused("retention", "--months", "douze")
    refused("retention", "--months", "1.5")


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-13-45", "Date invalide"),
        ("demain", "Date invalide"),
        (SCRIPT, "Date invalide"),
        ("99999-01-01", "Date invalide"),
        ("9999-12-31", "hors limites"),
        ("0001-01-01", "hors limites"),
    ],
)
def test_reminders_refuses_bad_dates(person, day, reason):
    french(refused("reminders", "--date", day, match=reason))


# --- demo: only its options (the demo itself is never loaded here) ------------------------------------------------


@pytest.mark.parametrize("port", ["0", "-1", "65536", BIG_INT])
def test_demo_refuses_an_impossible_port_before_touching_the_database(db, port):
    french(refused("demo", "--port", port, "--no-serve", match="Port invalide"))


def test_demo_refuses_a_port_that_is_not_a_number(db):
    refused("demo", "--port", "huit-mille", "--no-serve")


# --- exit status, end to end -------------------------------------------------------------------------------------


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conserverie", *args], env=dict(os.environ), capture_output=True, text=True, timeout=120
    )


def test_a_refused_command_exits_non_zero_with_one_french_line(tmp_path):
    result = run_cli("restore", str(tmp_path / "absent.sqlite3"))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "introuvable" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("labels", "X", "--out", str(tmp_path / "x.pdf"), "--count", "abc")
    assert result.returncode == 2  # argparse: not a number
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--territory"],
        ["impact", "--period", "2026", "--territory"],
        ["expire-offers", "--territory"],
        ["purchasing-rounds", "--territory"],
    ],
)
@pytest.mark.parametrize("slug", ["rom\x00ans", "romans; DROP TABLE", "x" * 500, "inconnu"])
def test_a_territory_that_cannot_exist_is_one_line_of_french(romans, args, slug):
    """PostgreSQL refuses a NUL byte in a query: the command must refuse the slug before asking the database."""
    with pytest.raises(CommandError, match="Territoire inconnu"):
        call_command(*args, slug)


@pytest.mark.parametrize("command", ["expire-offers", "purchasing-rounds"])
@pytest.mark.parametrize("day", ["07/12/2026", "2026-13-01", "demain"])
def test_a_nightly_command_refuses_an_unreadable_date_in_one_line(romans, command, day):
    with pytest.raises(CommandError, match="Date illisible") as refused:
        call_command(command, "--date", day)
    assert "\n" not in str(refused.value)
