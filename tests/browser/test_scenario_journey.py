"""A coordinator tries a faster rhythm in the season simulator, reads the result and the chart, then mistypes."""

from conserverie.economics.models import Scenario
from conserverie.territories.models import Role

from ..conftest import make_user
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def test_coordinator_runs_a_scenario_and_keeps_the_form_on_a_wrong_value(live_server, romans, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", romans.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

    open_menu_entry(page, "Économie")
    expect(page.get_by_role("heading", name="Modèle économique")).to_be_visible()
    page.get_by_role("link", name="Simulateur").click()
    expect(page.get_by_test_id("workshops")).to_have_text("60")  # Romans: 2 a week × 30 weeks

    page.get_by_label("Ateliers par semaine").fill("3")
    page.get_by_role("button", name="Simuler").click()
    expect(page.get_by_test_id("workshops")).to_have_text("90")
    expect(page.get_by_test_id("sensitivity-chart").locator("polyline")).to_have_count(3)
    expect(page.get_by_test_id("sensitivity").locator("li")).to_have_count(3)
    expect(page.get_by_label("Ateliers par semaine")).to_have_value("3")

    page.get_by_label("Rayon de collecte").fill("-4")
    page.get_by_label("Fermes partenaires").fill("17")
    page.get_by_role("button", name="Simuler").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Rayon de collecte")
    expect(page.get_by_text("Ne peut pas être négatif.").last).to_be_visible()
    expect(page.get_by_label("Rayon de collecte")).to_have_value("-4")
    expect(page.get_by_label("Fermes partenaires")).to_have_value("17")
    expect(page.get_by_label("Ateliers par semaine")).to_have_value("3")
    expect(page.get_by_test_id("result")).to_have_count(0)

    page.get_by_label("Rayon de collecte").fill("40")
    page.get_by_label("Nom du scénario").fill("Village de 17 fermes")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    expect(page.get_by_test_id("saved-scenarios")).to_contain_text("Village de 17 fermes")
    scenario = Scenario.objects.get()
    assert (scenario.inputs["farms"], scenario.inputs["radius_km"], scenario.result["workshops"]) == (17, 40, 90)
