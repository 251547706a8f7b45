"""English next to French: pages follow the browser's language, French stays the default, the catalogue is whole.

The catalogue is src/conserverie/locale/en/LC_MESSAGES/django.po (`make messages` refreshes it from the French
source strings, then compiles django.mo, which is committed so a machine without gettext still serves English).
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import conserverie
from conserverie.production.models import LotStatus

PACKAGE_DIR = Path(conserverie.__file__).resolve().parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}|</?[a-z][^>]*>")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # A request in English leaves English active in this thread: the next test must start from the default again.
    yield
    translation.deactivate()


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file, header included, obsolete ones (#~) left out: a small reader, no polib needed."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and entry.get("msgid") is not None and not entry["obsolete"]:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            entry, field = None, None
            continue
        if line.startswith("#"):
            if entry is not None and entry.get("msgid") is not None:
                close()
                entry, field = None, None
            entry = entry or {"flags": set(), "msgstr": {}, "obsolete": False}
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        entry = entry or {"flags": set(), "msgstr": {}, "obsolete": False}
        match = KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            field = ("msgstr", int(index or 0)) if keyword == "msgstr" else keyword
            value = ast.literal_eval(text)
        elif line.startswith('"') and field is not None:
            value = ast.literal_eval(line)
        else:
            raise AssertionError(f"{path.name}: unreadable line {raw!r}")
        if isinstance(field, tuple):
            entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + value
        elif match:
            entry[field] = value
        else:
            entry[field] += value
    close()
    return entries


def untranslated_or_fuzzy(entries: list[dict]) -> list[str]:
    """msgids whose translation is missing (any plural form) or still marked fuzzy, header included for fuzzy."""
    return [
        entry["msgid"] or "(header)"
        for entry in entries
        if "fuzzy" in entry["flags"]
        or (entry["msgid"] and (not entry["msgstr"] or any(not text for text in entry["msgstr"].values())))
    ]


# The pages.


def test_home_page_in_english_for_an_english_browser(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Upcoming workshops" in page
    assert "The mobile community cannery" in page
    assert "Prochains ateliers" not in page
    assert "La conserverie mobile et solidaire" not in page


def test_french_stays_the_default(client, db):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "de"}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}):
        page = client.get("/", **headers).content.decode()
        assert '<html lang="fr" dir="ltr">' in page
        assert "Prochains ateliers" in page
        assert "Upcoming workshops" not in page


def test_staff_dashboard_in_english(client, chain):
    client.force_login(chain.actor)
    response = client.get("/t/romans/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for english in ("Dashboard", "Mass balance correct", "Fruit and vegetables (kg)", "Jars", "Log out"):
        assert english in page
    for french in ("Tableau de bord", "Bilan matière", "Fruits et légumes", "Se déconnecter"):
        assert french not in page


def test_lazy_labels_and_messages_follow_the_active_language():
    with translation.override("en"):
        assert str(LotStatus.RELEASED.label) == "Released"
        assert translation.gettext("À consommer de préférence avant") == "Best before"
    with translation.override("fr"):
        assert str(LotStatus.RELEASED.label) == "Libéré"


# The catalogue.


def test_english_catalogue_has_no_empty_and_no_fuzzy_entry():
    entries = parse_po(PO_FILE)
    assert len(entries) > 500
    assert untranslated_or_fuzzy(entries) == []


def test_english_translations_keep_the_placeholders():
    wrong = []
    for entry in parse_po(PO_FILE):
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, text in entry["msgstr"].items():
            source = sources[min(index, 1)]
            if entry["msgid"] and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((source, text))
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    """django.mo is committed: it must say what django.po says (run `make messages` after translating)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(PO_FILE):
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, index in ((1, 0), (2, 1)):
                got = (
                    compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                    if context is not None
                    else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                )
                if got != entry["msgstr"][index]:
                    stale.append(entry["msgid"])
        else:
            got = (
                compiled.pgettext(context, entry["msgid"]) if context is not None else compiled.gettext(entry["msgid"])
            )
            if got != entry["msgstr"][0]:
                stale.append(entry["msgid"])
    assert stale == []


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")), reason="GNU gettext not installed")
def test_every_source_string_is_in_the_catalogue_and_translated(tmp_path, monkeypatch, settings):
    """makemessages, run on a copy of the code, finds nothing new: each French string added has its English."""
    copy = tmp_path / "conserverie"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "*.pyc"))
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=["static", "*/migrations/*"],
        no_obsolete=True,
        verbosity=0,
    )
    missing = untranslated_or_fuzzy(parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert missing == [], "run `make messages`, then translate these in src/conserverie/locale/en/LC_MESSAGES/django.po"
