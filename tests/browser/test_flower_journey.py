"""A coordinator opens the flower from the menu, taps a petal and reads its indicators; the flower fits a phone."""

from decimal import Decimal

from conserverie.impact.services import indicator_value_record
from conserverie.territories.models import Role

from ..conftest import make_user
from ..impact.flower_data import build_season, flower_with_indicators
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


def test_coordinator_opens_a_petal_from_the_flower(live_server, chain, page, browser):
    from playwright.sync_api import expect

    from .conftest import new_page

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    build_season(chain)
    flower = flower_with_indicators(chain)
    for period, value in (("2025", "4"), ("2026", "6")):
        indicator_value_record(
            actor=chain.actor, indicator=flower.manual, period=period, value=Decimal(value), source_note="Carnet"
        )

    _login(page, live_server, "coordinatrice")
    expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()
    open_menu_entry(page, "La fleur")
    page.get_by_label("Année").fill("2026")
    page.get_by_role("button", name="Voir").click()
    expect(page.get_by_role("heading", name="Fleur de l'utilité sociale — 2026")).to_be_visible()
    expect(page.get_by_test_id("flower-current").locator("path.petal")).to_have_count(6)
    food = flower.dimensions[0]
    # The drawing is an image, not a set of links; each petal is a link of the list beside it (24 px at least).
    expect(page.get_by_test_id("flower-current").locator("a")).to_have_count(0)
    link = page.get_by_test_id("petal-link").filter(has_text=food.name)
    assert link.bounding_box()["height"] >= 24
    link.click()

    expect(page.get_by_test_id("petal-title")).to_have_text("Alimentation saine et accessible")
    rows = page.get_by_test_id("indicators").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("7 foyers")
    expect(rows.nth(1)).to_contain_text("▲ +2")
    expect(rows.nth(1)).to_contain_text("Carnet")

    # The coordinator enters this year's count from the petal.
    rows.nth(1).get_by_role("link", name="Saisir").click()
    page.get_by_label("Valeur").fill("9")
    page.get_by_label("Source du chiffre").fill("Carnet de bord de juin")
    page.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_test_id("indicators").locator("tbody tr").nth(1)).to_contain_text("Carnet de bord de juin")
    expect(page.get_by_test_id("petal-score")).to_contain_text("63/100")  # (2 × 7/14 + 1 × 9/10) / 3

    # On a phone the flower scales to the screen: no horizontal scrolling.
    context, phone = new_page(browser, 390, 844)
    _login(phone, live_server, "coordinatrice")
    phone.goto(f"{live_server.url}/t/romans/impact/?periode=2026")
    box = phone.get_by_test_id("flower-current").locator("svg").bounding_box()
    assert 0 < box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
