"""A coordinator signs in for the first time and is taken to set up the second factor (the code computed here from
the key shown, as the phone's app would), keeps the ten recovery codes, signs out, signs in with a code, then once
more with a recovery code (no phone at hand)."""

import re
from datetime import UTC, datetime, timedelta

from conserverie.territories.models import Role

from ..conftest import make_user
from ..core.test_two_factor import code_of
from .test_production_journey import PASSWORD


def sign_in(page, url):
    page.goto(f"{url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


def sign_out(page, url):
    page.get_by_role("button", name="Menu").click()  # the tablet's width folds the bar
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{url}/")


def test_coordinator_sets_up_the_second_factor_then_signs_in_with_a_code_and_a_recovery_code(
    live_server, chain, page, settings, time_machine
):
    from playwright.sync_api import expect

    settings.TWO_FACTOR_REQUIRED = True
    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    # Real time (cookies expire by the browser's clock), held still at the start of a 30-second step.
    now = datetime.now(UTC)
    start = now - timedelta(seconds=now.timestamp() % 30)
    time_machine.move_to(start, tick=False)

    sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/compte/double-authentification/$"))
    expect(page.get_by_text("votre rôle demande une double authentification")).to_be_visible()
    expect(page.get_by_role("img", name="QR code de configuration")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code à 6 chiffres").fill(code_of(secret))
    activate = page.get_by_role("button", name="Activer")
    assert activate.bounding_box()["height"] >= 44  # a big touch target
    activate.click()
    expect(page.get_by_text("C'est fait")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes de secours : continuer").click()
    expect(page).to_have_url(re.compile(r"/t/romans/"))
    sign_out(page, live_server.url)

    time_machine.move_to(start + timedelta(seconds=30), tick=False)
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Code de connexion")).to_be_visible()
    page.get_by_label("Code à 6 chiffres").fill(code_of(secret))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/t/romans/"))
    sign_out(page, live_server.url)

    sign_in(page, live_server.url)
    page.get_by_role("link", name="Pas de téléphone ? Utiliser un code de secours").click()
    page.get_by_label("Code de secours").fill(codes[3])
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/t/romans/"))
    expect(page.get_by_role("status").filter(has_text="il vous en reste 9")).to_be_visible()
