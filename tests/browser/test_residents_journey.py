"""A resident's sign-up sent with mistakes, on a phone and a tablet: the summary of errors is on screen, has the
focus and is announced; its links put the cursor in the field; what was typed is kept (issue 19, items 4 and 8).
axe-core runs on every page (tests/browser/axe.py)."""

import pytest

from conserverie.people.cancel_code import cancel_code
from conserverie.workshops.models import Registration

from ..workshops.public_data import future_workshop
from .conftest import new_page
from .test_workshop_journeys import watch


@pytest.mark.parametrize(("width", "height"), [(375, 740), (820, 1180)], ids=["phone", "tablet"])
def test_a_wrong_signup_shows_the_summary_with_focus_and_keeps_typed_values(live_server, chain, browser, width, height):
    from playwright.sync_api import expect

    workshop = future_workshop(chain, capacity=8, title="Confitures de prunes")
    context, page = new_page(browser, width, height)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
        page.get_by_label("Votre prénom").fill("Nadia")
        page.get_by_label("Votre quartier ou votre commune").fill("La Monnaie")
        page.get_by_label("Combien de personnes vivent chez vous ?").fill("0")
        page.get_by_label("Combien de personnes viennent à l'atelier, vous compris ?").fill("2")
        # The consent box is left unticked.
        page.get_by_role("button", name="Je m'inscris").click()

        summary = page.get_by_role("alert").filter(has_text="à corriger")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        box = summary.bounding_box()
        assert box["y"] < height, box  # on the first screen, not below the form
        # Typed values are kept.
        expect(page.get_by_label("Votre prénom")).to_have_value("Nadia")
        expect(page.get_by_label("Votre quartier ou votre commune")).to_have_value("La Monnaie")
        # Each link leads into its field.
        link = summary.get_by_role("link", name="Combien de personnes vivent chez vous ?", exact=False)
        assert link.bounding_box()["height"] >= 24
        link.click()
        expect(page.get_by_label("Combien de personnes vivent chez vous ?")).to_be_focused()
        consent = summary.get_by_role("link", name="J'accepte", exact=False)
        consent.click()
        expect(page.get_by_label("J'accepte que la conserverie garde ces informations")).to_be_focused()

        page.get_by_label("Combien de personnes vivent chez vous ?").fill("4")
        page.get_by_label("J'accepte que la conserverie garde ces informations").check()
        page.get_by_role("button", name="Je m'inscris").click()
        expect(page.get_by_test_id("signup-status")).to_contain_text("Nadia")
        registration = Registration.objects.get()
        expect(page.get_by_test_id("cancel-code")).to_have_text(cancel_code(registration.token))
        expect(page.get_by_test_id("workshop-ics")).to_be_visible()
        assert problems == []
    finally:
        context.close()


def test_a_resident_without_email_cancels_with_the_code_and_the_phone(live_server, chain, browser):
    from playwright.sync_api import expect

    workshop = future_workshop(chain, capacity=8, title="Confitures de prunes")
    context, page = new_page(browser, 375, 740)
    try:
        page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
        page.get_by_label("Votre prénom").fill("Karim")
        page.get_by_label("Téléphone", exact=False).first.fill("06 12 34 56 78")
        page.get_by_label("Votre quartier ou votre commune").fill("Jules-Nadi")
        page.get_by_label("Combien de personnes vivent chez vous ?").fill("3")
        page.get_by_label("Combien de personnes viennent à l'atelier, vous compris ?").fill("1")
        page.get_by_label("J'accepte que la conserverie garde ces informations").check()
        page.get_by_role("button", name="Je m'inscris").click()
        code = page.get_by_test_id("cancel-code").inner_text()
        assert len(code) == 6

        page.goto(f"{live_server.url}/ateliers/annuler/")
        page.get_by_label("Votre numéro de téléphone").fill("0612345678")
        page.get_by_label("Votre code d'annulation", exact=False).fill("AAAAAA")
        page.get_by_role("button", name="Trouver mon inscription").click()
        expect(page.get_by_role("alert").filter(has_text="à corriger")).to_be_focused()
        expect(page.get_by_label("Votre numéro de téléphone")).to_have_value("0612345678")
        page.get_by_label("Votre code d'annulation", exact=False).fill(code.lower())
        page.get_by_role("button", name="Trouver mon inscription").click()
        expect(page.get_by_text("Confitures de prunes").first).to_be_visible()
        page.get_by_role("button", name="annuler", exact=False).first.click()
        expect(page.get_by_text("votre inscription est annulée")).to_be_visible()
        assert Registration.objects.get().is_cancelled
    finally:
        context.close()
