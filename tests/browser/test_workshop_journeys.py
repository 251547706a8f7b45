"""A resident signs up on a phone; an animator welcomes people in the truck on a tablet."""

from conserverie.territories.models import Role
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_create

from ..conftest import make_user
from ..workshops.public_data import future_workshop, person, place_on_map
from .conftest import new_page
from .test_production_journey import PASSWORD


def watch(page) -> list:
    """Script errors, refusals of the Content-Security-Policy and failed requests (the favicon aside)."""
    problems = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("favicon.ico") and problems.append(f"{r.status} {r.url}"),
    )
    return problems


def test_a_resident_signs_up_on_a_phone(live_server, chain, browser):
    from playwright.sync_api import expect

    place_on_map(chain)
    workshop = future_workshop(chain, capacity=8, title="Confitures de prunes")
    context, page = new_page(browser, 375, 740)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/ateliers/")
        expect(page.get_by_role("heading", name="Les prochains ateliers")).to_be_visible()
        # The map script ran from its static file (no tiles configured: markers on a plain background).
        expect(page.locator("#workshop-map")).to_have_attribute("data-ready", "true")
        expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
        page.get_by_role("link", name="Confitures de prunes").click()
        expect(page.get_by_role("heading", name="Confitures de prunes")).to_be_visible()
        expect(page.get_by_test_id("places")).to_contain_text("8 places libres")

        page.get_by_label("Votre prénom").fill("Nadia")
        page.get_by_label("Votre quartier ou votre commune").fill("La Monnaie")
        page.get_by_label("Combien de personnes vivent chez vous ?").fill("4")
        page.get_by_label("Combien de personnes viennent à l'atelier, vous compris ?").fill("2")
        page.get_by_label("J'accepte que la conserverie garde ces informations").check()
        submit = page.get_by_role("button", name="Je m'inscris")
        box = submit.bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 300, box  # a thumb-sized button
        submit.click()

        expect(page.get_by_test_id("signup-status")).to_contain_text("Nadia")
        registration = Registration.objects.get()
        assert (registration.workshop, registration.party_size, registration.status) == (workshop, 2, "confirmed")
        expect(page.get_by_test_id("cancel-link")).to_contain_text(registration.token)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
        assert problems == [], problems  # no script error, nothing refused by the Content-Security-Policy
    finally:
        context.close()


def test_an_animator_checks_people_in_and_adds_a_walk_in_on_a_tablet(live_server, chain, browser):
    from playwright.sync_api import expect

    user = make_user("animatrice", chain.territory, Role.ANIMATOR)
    user.set_password(PASSWORD)
    user.save()
    workshop = future_workshop(chain, capacity=10, title="Coulis de tomates")
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"), party_size=1)
    context, page = new_page(browser, 1024, 768)
    try:
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", "animatrice")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Entrer").click()
        expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

        page.goto(f"{live_server.url}/t/romans/ateliers/{workshop.pk}/")
        page.get_by_role("link", name="Dans le camion : accueil et présences").click()
        expect(page.get_by_role("heading", name="Dans le camion")).to_be_visible()
        expect(page.get_by_test_id("present-count")).to_have_text("0")
        expect(page.get_by_test_id("first-time")).to_have_count(1)

        page.get_by_role("button", name="Amina est là").click()
        expect(page.get_by_test_id("present-count")).to_have_text("1")
        amina.refresh_from_db()
        assert amina.attended

        page.get_by_label("Prénom").fill("Karim")
        page.get_by_label("Personnes au foyer").fill("3")
        page.get_by_label("Quartier ou commune").fill("Les Ors")
        page.get_by_role("button", name="Ajouter et marquer présent·e").click()
        expect(page.get_by_test_id("present-count")).to_have_text("2")
        expect(page.get_by_test_id("truck-row").filter(has_text="Karim")).to_contain_text("Sans inscription")
        karim = Registration.objects.get(participant__first_name="Karim")
        assert karim.walk_in
        assert karim.attended
        assert karim.participant.household_size == 3
    finally:
        context.close()
