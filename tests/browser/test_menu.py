"""The staff menu fits a laptop screen on one line, and its drop-down groups open on a tablet too."""

import pytest

from .conftest import new_page
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def sign_in(page, url, user):
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_coordinator_menu_fits_one_line_on_a_laptop(live_server, chain, coordinator, browser, width):
    context, page = new_page(browser, width, 800)
    sign_in(page, live_server.url, coordinator)
    # One line of links is one link high (plus the bar's padding); a wrapped menu is twice as high.
    link = page.locator("#nav .nav-link").first.bounding_box()["height"]
    bar = page.locator("nav.navbar").bounding_box()["height"]
    logout = page.get_by_role("button", name="Se déconnecter").bounding_box()
    context.close()
    assert bar < 2 * link + 16, f"the menu wraps at {width} px: bar {bar} px for links of {link} px"
    assert logout["x"] + logout["width"] <= width, f"the logout button leaves the screen at {width} px"


def test_an_entry_of_a_group_opens_on_a_tablet(live_server, chain, coordinator, page):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, coordinator)
    open_menu_entry(page, "Participants")
    expect(page).to_have_url(f"{live_server.url}/t/romans/participants/")
