"""The residents' public pages in French, English, Arabic (right to left) and Turkish; staff pages in French and
English only (issue 19, item 6). The Arabic and Turkish catalogues hold every string of the public pages."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

import conserverie
from conserverie.workshops.models import Registration

from ..core.test_i18n import PLACEHOLDER, parse_po, untranslated_or_fuzzy
from ..pages import text
from ..workshops.public_data import future_workshop
from ..workshops.test_public import signup

LOCALE = Path(conserverie.__file__).resolve().parent / "locale"
# The sources of the public pages: a string referenced from one of them is a public string.
PUBLIC_SOURCES = (
    "core/templates/base.html",
    "core/templates/core/_error_summary.html",
    "core/templates/core/_language_switch.html",
    "core/templatetags/form_errors.py",
    "people/templates/people/signup/",
    "people/signup_views.py",
    "people/signup.py",
    "people/privacy.py",
    "people/privacy_views.py",
    "people/templates/people/privacy.html",
    "workshops/templates/workshops/public/",
    "workshops/views/public.py",
    "workshops/forms.py",
    "gleaning/templates/gleaning/public/",
    "gleaning/forms.py",
    "gleaning/views.py",
    "impact/templates/impact/surveys/public/",
    "impact/templates/impact/surveys/_answer_fields.html",
    "impact/surveys/forms.py",
    "impact/surveys/views.py",
    "production/templates/production/lot_public.html",
    "reporting/templates/reporting/home.html",
    "purchasing/templates/purchasing/public/",
    "purchasing/views/member.py",
    "purchasing/public_forms.py",
)


def public_msgids() -> set[str]:
    """The msgids the English catalogue (kept complete by `make messages`) places in a public source."""
    ids = set()
    blocks = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8").split("\n\n")
    for block in blocks:
        refs = [name for line in re.findall(r"^#: (.*)$", block, re.M) for name in line.split()]
        if any(ref.startswith(PUBLIC_SOURCES) for ref in refs):
            match = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
            ids.add("".join(ast.literal_eval(part) for part in match.group(1).split("\n") if part))
    return ids


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_every_public_string_is_translated_with_its_placeholders(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert untranslated_or_fuzzy(entries) == []
    translated = {entry["msgid"]: entry for entry in entries if entry["msgid"]}
    wanted = public_msgids()
    assert len(wanted) > 200
    missing = sorted(wanted - set(translated))
    assert missing == [], f"translate these in locale/{language}/LC_MESSAGES/django.po"
    for msgid in wanted:
        entry = translated[msgid]
        allowed = set(PLACEHOLDER.findall(msgid + entry.get("msgid_plural", "")))
        for text_ in entry["msgstr"].values():
            assert set(PLACEHOLDER.findall(text_)) <= allowed, (msgid, text_)
    # The compiled catalogue (django.mo) says the same as the .po file.
    with translation.override(language):
        for msgid in wanted:
            entry = translated[msgid]
            if "msgid_plural" not in entry:
                assert translation.gettext(msgid) == entry["msgstr"][0], msgid


def test_arabic_public_pages_read_right_to_left(client, chain):
    workshop = future_workshop(chain, title="Confitures")
    client.cookies["django_language"] = "ar"
    page = text(client.get(f"/ateliers/{workshop.pk}/"))
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "أسجّل نفسي" in page  # "Je m'inscris"
    assert "اسمك الأول" in page  # "Votre prénom"


def test_turkish_home_and_the_switch_offers_four_languages(client, chain):
    future_workshop(chain, title="Confitures")
    client.cookies["django_language"] = "tr"
    page = text(client.get("/"))
    assert '<html lang="tr" dir="ltr">' in page
    assert "Sonraki atölyeler" in page
    switch = page[page.index('data-testid="language-switch-top"') :]
    switch = switch[: switch.index("</form>")]
    for code in ("fr", "en", "ar", "tr"):
        assert f'value="{code}"' in switch


def test_an_arabic_signup_with_an_error_keeps_the_values_and_says_it_in_arabic(client, chain):
    workshop = future_workshop(chain)
    client.cookies["django_language"] = "ar"
    response = client.post(f"/ateliers/{workshop.pk}/", signup(consent="", first_name="ليلى"))
    assert response.status_code == 422
    page = text(response)
    assert "لم يُرسَل النموذج" in page
    assert 'value="ليلى"' in page
    response = client.post(f"/ateliers/{workshop.pk}/", signup(first_name="ليلى"))
    registration = Registration.objects.get()
    assert "تم يا ليلى" in text(client.get(response["Location"]))
    assert registration.participant.first_name == "ليلى"


def test_staff_pages_stay_french_or_english(client, chain, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "ar"
    page = text(client.get("/t/romans/"))
    assert '<html lang="fr" dir="ltr">' in page
    assert "Tableau de bord" in page
    switch = page[page.index('data-testid="language-switch-footer"') :]
    switch = switch[: switch.index("</form>")]
    assert 'value="en"' in switch
    assert 'value="ar"' not in switch
    assert 'value="tr"' not in switch
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in text(client.get("/t/romans/"))


def test_french_stays_the_default_for_a_browser_in_another_language(client, db):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="de"))
    assert '<html lang="fr" dir="ltr">' in page
    translation.deactivate()
