"""A federation viewer compares the territories of the network: eight a page by name, a search by name, the period
kept from page to page; the pager's links are big enough for a finger and the page fits a phone."""

from conserverie.impact.services import dimensions_create_defaults
from conserverie.territories.models import Membership, Role

from ..conftest import make_territory, make_user
from .test_production_journey import PASSWORD

NAMES = ["Drôme des collines", "Ardèche verte", "Diois", *(f"Vallée {n:02d}" for n in range(10))]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


def test_federation_viewer_pages_and_searches_the_network(live_server, chain, page, browser):
    from playwright.sync_api import expect

    from .conftest import new_page

    person = make_user("federation", chain.territory, Role.VIEWER)
    person.set_password(PASSWORD)
    person.save()
    dimensions_create_defaults(chain.territory)
    for index, name in enumerate(NAMES):
        place = make_territory(f"t{index}", f"T{index:02d}", name)
        Membership.objects.create(user=person, territory=place.territory, role=Role.VIEWER)

    _login(page, live_server, "federation")
    page.goto(f"{live_server.url}/reseau/")
    expect(page.get_by_role("heading", name="Réseau des territoires")).to_be_visible()
    page.get_by_label("Période").fill("2025")
    page.get_by_role("button", name="Afficher").click()
    columns = page.locator("thead th.text-end")
    expect(columns).to_have_count(8)
    expect(columns.first).to_have_text("Ardèche verte")
    expect(page.get_by_test_id("network-count")).to_have_text("14 territoires — Page 1 sur 2")
    expect(page.locator("svg.impact-flower")).to_have_count(1)  # Romans has petals; the others say so

    following = page.get_by_role("link", name="Suivante")
    assert following.bounding_box()["height"] >= 44  # a finger's target
    following.click()
    expect(columns).to_have_count(6)
    expect(columns.nth(1)).to_have_text("Vallée 05")
    expect(page.get_by_label("Période")).to_have_value("2025")
    expect(page.get_by_test_id("network-count")).to_contain_text("Page 2 sur 2")

    page.get_by_label("Chercher un territoire").fill("drome")
    page.get_by_role("button", name="Afficher").click()
    expect(columns).to_have_count(1)
    expect(columns.first).to_have_text("Drôme des collines")
    expect(page.get_by_test_id("network-count")).to_have_text("1 territoire sur 14 correspond à « drome »")
    expect(page.get_by_label("Période")).to_have_value("2025")

    page.get_by_role("link", name="Tous les territoires").click()
    expect(columns).to_have_count(8)
    expect(page.get_by_label("Période")).to_have_value("2025")
    expect(page.get_by_label("Chercher un territoire")).to_have_value("")

    # On a phone the eight columns scroll inside their table, not the page.
    context, phone = new_page(browser, 390, 844)
    _login(phone, live_server, "federation")
    phone.goto(f"{live_server.url}/reseau/?periode=2025")
    expect(phone.locator("thead th.text-end")).to_have_count(8)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
