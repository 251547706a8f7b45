"""A coordinator plans a market series for the season and sees it in the month view."""

from conserverie.territories.models import Role
from conserverie.workshops.models import WorkshopSeries

from ..conftest import make_user
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def test_a_coordinator_creates_a_series_and_sees_it_in_the_month(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("favicon.ico") and problems.append(f"{r.status} {r.url}"),
    )

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    open_menu_entry(page, "Ateliers")
    page.get_by_role("link", name="Créer une série").click()
    expect(page.get_by_role("heading", name="Créer une série d'ateliers")).to_be_visible()

    page.get_by_label("Titre").fill("Conserverie au marché")
    page.get_by_label("Lieu").select_option(value=str(chain.site.pk))
    page.get_by_label("Structure d'accueil").select_option(value=str(chain.structure.pk))
    page.get_by_label("Chaque").select_option(label="mercredi")
    page.get_by_label("Début").fill("09:00")
    page.get_by_label("Fin", exact=True).fill("12:00")
    page.get_by_label("À partir du").fill("2026-05-01")
    page.get_by_label("Jusqu'au").fill("2026-10-31")
    page.get_by_label("Places").fill("10")
    page.get_by_label("Coulis de tomate (v1)").check()
    page.get_by_role("button", name="Créer la série").click()

    expect(page.get_by_text("Série créée : 26 ateliers")).to_be_visible()
    expect(page.get_by_role("heading", name="Mai 2026")).to_be_visible()
    cells = page.locator(".calendar-workshop", has_text="Conserverie au marché")
    expect(cells).to_have_count(4)  # 6, 13, 20 and 27 May
    expect(cells.first).to_contain_text("0 / 10 places")
    box = cells.first.bounding_box()
    assert box["height"] >= 44, box  # a finger-sized target
    page.get_by_role("link", name="Mois suivant").click()
    expect(page.get_by_role("heading", name="Juin 2026")).to_be_visible()
    # 3, 10, 17, 24 June and 1 July (the grid ends on Sunday 5 July)
    expect(page.locator(".calendar-workshop", has_text="Conserverie au marché")).to_have_count(5)
    assert WorkshopSeries.objects.get().workshops.count() == 26
    assert problems == [], problems
