"""A farmer, on a phone in the field, logs in and proposes a surplus in under a minute: a real browser and server."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from conserverie.producers.models import SurplusOffer
from conserverie.territories.models import Role

from ..conftest import DAY, make_user

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
PASSWORD = "Courgettes-en-trop-2026"


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium absent: apt-get install chromium (required in CI)")
        pytest.skip("chromium absent: apt-get install chromium")
    # Sync Playwright runs an event loop in this thread: let the test's own ORM calls through.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # A phone held upright: the farmer's screen in the field.
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_farmer_proposes_a_surplus_from_a_phone(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("fermier", chain.territory, Role.PRODUCER, producer=chain.farm)
    user.set_password(PASSWORD)
    user.save()
    started = time.monotonic()

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "fermier")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name=chain.farm.name)).to_be_visible()
    assert page.url.endswith("/producteur/")

    page.get_by_label("Produit", exact=True).select_option(label="Tomate")
    page.get_by_label("Poids estimé (kg)", exact=True).fill("35")
    page.get_by_label("Nature", exact=True).select_option(value=SurplusOffer.Grade.DOWNGRADED)
    page.get_by_label("Disponible à partir du", exact=True).fill(DAY.isoformat())
    page.get_by_label("Disponible jusqu'au", exact=True).fill((DAY + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Proposer un surplus").click()

    expect(page.get_by_text("Offre enregistrée")).to_be_visible()
    expect(page.locator(".list-group-item .badge").first).to_have_text("Proposée")
    assert time.monotonic() - started < 60
    offer = SurplusOffer.objects.get()
    assert offer.producer == chain.farm and offer.created_by == user and offer.kg_estimated == 35
