"""A coordinator starts a new territory from Romans with the replication kit, then its first season."""

from conserverie.territories.models import Territory
from conserverie.workshops.models import Workshop

from ..helpers import next_monday
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def test_coordinator_starts_a_territory_from_the_template(live_server, chain, coordinator, page):
    from playwright.sync_api import expect

    coordinator.set_password(PASSWORD)
    coordinator.save()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    open_menu_entry(page, "Nouveau territoire")

    page.get_by_label("Nom du territoire").fill("Crest – Vallée de la Drôme")
    page.get_by_label("Identifiant dans les adresses").fill("crest")
    page.get_by_label("Code court").fill("RO")  # a typo: two letters
    page.get_by_label("Latitude du point central").fill("44.7286")
    page.get_by_label("Longitude du point central").fill("5.0223")
    page.get_by_role("button", name="Continuer").click()

    page.locator("input[name='structures-0-name']").fill("Centre social de Crest")
    page.locator("input[name='structures-0-city']").fill("Crest")
    page.locator("input[name='sites-0-name']").fill("Place du marché")
    page.locator("input[name='sites-0-city']").fill("Crest")
    page.locator("input[name='sites-0-structure']").fill("Centre social de Crest")
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Nom du camion").fill("Camion de la vallée")
    page.get_by_role("button", name="Créer le territoire").click()
    # The typo of the first screen is caught at the end, and said with the screen to go back to.
    # In the summary of errors at the top and in the form: the form's is the last.
    expect(page.get_by_text("Étape 1 — Le code court est fait de trois lettres majuscules").last).to_be_visible()
    page.get_by_role("link", name="Revenir à l'étape 1").click()
    expect(page.get_by_label("Nom du territoire")).to_have_value("Crest – Vallée de la Drôme")
    page.get_by_label("Code court").fill("CRE")
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("input[name='structures-0-name']")).to_have_value("Centre social de Crest")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Nom du camion").fill("Camion de la vallée")
    page.get_by_role("button", name="Créer le territoire").click()

    expect(page.get_by_role("heading", name="Démarrer « Crest – Vallée de la Drôme »")).to_be_visible()
    expect(page.get_by_text("1 recette attend la validation")).to_be_visible()
    page.get_by_label("Premier atelier à partir du").fill(next_monday().isoformat())
    page.get_by_label("Nombre de semaines").fill("4")
    page.get_by_role("button", name="Voir le calendrier proposé").click()
    expect(page.get_by_role("cell", name="mardi")).to_be_visible()
    page.get_by_role("button", name="Créer ces ateliers").click()
    expect(page.get_by_text("2 séries d'ateliers créées.")).to_be_visible()
    crest = Territory.objects.get(slug="crest")
    assert Workshop.objects.filter(territory=crest).count() == 8
