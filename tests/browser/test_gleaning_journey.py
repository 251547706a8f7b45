"""A resident signs up for a full gleaning outing on a phone; a coordinator records the kilos gleaned."""

from decimal import Decimal

from conserverie.gleaning.models import GleaningRegistration
from conserverie.sourcing.models import RawLot
from conserverie.territories.models import Role
from conserverie.workshops.models import VolunteerHours

from ..conftest import make_user
from ..sourcing.gleaning_data import attended, make_outing, person, sign_up
from .conftest import new_page
from .menu import open_menu_entry
from .test_production_journey import PASSWORD
from .test_workshop_journeys import watch


def test_a_resident_signs_up_on_a_phone_and_lands_on_the_waiting_list(live_server, chain, browser):
    from playwright.sync_api import expect

    outing = make_outing(chain, capacity=2, products_expected="Pommes et poires", note="Prenez des gants.")
    sign_up(outing, chain, "Amina", party_size=2)  # the outing is full
    context, page = new_page(browser, 390, 844)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Venez aussi glaner à la ferme").click()
        expect(page.get_by_role("heading", name="Randos'cueillettes : glaner à la ferme")).to_be_visible()
        card = page.get_by_test_id("outing-card")
        expect(card).to_contain_text("Complet — liste d'attente")
        card.click()
        expect(page.get_by_role("heading", name="Glanage à Ferme des Tests ROM")).to_be_visible()
        expect(page.get_by_text("Prenez des gants.")).to_be_visible()

        page.get_by_label("Votre prénom").fill("Nadia")
        page.get_by_label("Téléphone (si vous voulez)").fill("06 00 00 00 42")
        page.get_by_label("Combien de personnes viennent glaner, vous compris ?").fill("1")
        page.get_by_label("J'accepte que la conserverie garde ces informations").check()
        submit = page.get_by_role("button", name="Je m'inscris sur la liste d'attente")
        box = submit.bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 300, box  # a thumb-sized button
        submit.click()

        expect(page.get_by_test_id("signup-status")).to_contain_text("Nadia, vous êtes sur la liste d'attente")
        registration = GleaningRegistration.objects.get(participant__first_name="Nadia")
        assert (registration.outing, registration.status) == (outing, "waiting")
        expect(page.get_by_test_id("cancel-link")).to_contain_text(registration.token)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        assert problems == [], problems
    finally:
        context.close()


def test_a_coordinator_records_the_kilos_gleaned(live_server, chain, browser):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    outing = make_outing(chain, days=-1)
    (amina,) = attended(outing, chain, ("Amina",))
    bernard = GleaningRegistration.objects.create(outing=outing, participant=person(chain, "Bernard"))
    context, page = new_page(browser, 1024, 768)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", "coordinatrice")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Entrer").click()
        expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

        open_menu_entry(page, "Glanages")
        page.get_by_label("Quand").select_option("past")
        page.get_by_role("button", name="Filtrer").click()
        page.get_by_role("link", name="Ferme des Tests ROM").click()
        expect(page.get_by_role("heading", name="Glanage à Ferme des Tests ROM")).to_be_visible()
        page.locator(f"#r{bernard.pk}").get_by_role("button", name="Marquer présent·e").click()
        expect(page.locator(f"#r{bernard.pk}")).to_contain_text("Présent·e")

        page.get_by_role("link", name="Noter la récolte et les heures").click()
        expect(page.get_by_text("Les 2 personnes notées présentes")).to_be_visible()
        first = page.get_by_test_id("harvest-line").first
        first.get_by_label("Produit").select_option(label="Tomate")
        first.get_by_label("Poids pesé (kg)").fill("48.5")
        first.get_by_label("Nature").select_option(label="Déclassé")
        page.get_by_role("button", name="Enregistrer la récolte").click()

        expect(page.get_by_test_id("outing-status")).to_have_text("Réalisée")
        expect(page.get_by_test_id("kg-gleaned")).to_have_text("48,50")
        lot = RawLot.objects.get(gleaning_outing=outing)
        assert (lot.product, lot.kg, lot.grade) == (chain.tomato, Decimal("48.5"), "downgraded")
        assert set(VolunteerHours.objects.filter(outing=outing).values_list("participant_id", flat=True)) == {
            amina.participant_id,
            bernard.participant_id,
        }
        expect(page.get_by_test_id("hours-value")).to_contain_text("€")
        assert problems == [], problems
    finally:
        context.close()
