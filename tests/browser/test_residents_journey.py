"""A resident's sign-up sent with mistakes, on a phone and a tablet: the summary of errors is on screen, has the
focus and is announced; its links put the cursor in the field; what was typed is kept (issue 19, items 4 and 8).
axe-core runs on every page (tests/browser/axe.py)."""

import os
from pathlib import Path

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
        shot(page, f"signup-error-summary-{'phone' if width < 400 else 'tablet'}.png")
        # Typed values are kept.
        expect(page.get_by_label("Votre prénom")).to_have_value("Nadia")
        expect(page.get_by_label("Votre quartier ou votre commune")).to_have_value("La Monnaie")
        # Each link leads into its field.
        link = summary.get_by_role("link", name="Combien de personnes vivent chez vous ?", exact=False)
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
        assert [p for p in problems if not p.startswith("422 ")] == []  # 422: the refused form, on purpose
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
        page.get_by_role("button", name="J'annule mon inscription").click()
        expect(page.get_by_text("votre inscription est annulée")).to_be_visible()
        assert Registration.objects.get().is_cancelled
    finally:
        context.close()


def shot(page, name: str) -> None:
    """With DOCS_SCREENSHOTS=<folder>, keep the screen for the guides (docs/img)."""
    folder = os.environ.get("DOCS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


@pytest.mark.parametrize(("width", "height"), [(375, 740), (820, 1180)], ids=["phone", "tablet"])
def test_a_resident_signs_up_in_arabic_right_to_left(live_server, chain, browser, width, height):
    from playwright.sync_api import expect

    workshop = future_workshop(chain, capacity=8, title="Confitures de prunes")
    context, page = new_page(browser, width, height)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
        # The switch at the top of every public page; the language is kept for the next pages.
        page.get_by_test_id("language-switch-top").locator('button[value="ar"]').click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        # Right to left: the form's labels start at the right edge.
        label = page.get_by_text("اسمك الأول", exact=True)
        box = label.bounding_box()
        assert box["x"] + box["width"] > width * 0.6, box
        page.get_by_label("اسمك الأول").fill("ليلى")
        page.get_by_label("حيّك أو بلديتك").fill("La Monnaie")
        page.get_by_label("كم شخصًا يعيش في بيتك؟").fill("3")
        page.get_by_role("button", name="أسجّل نفسي").click()
        summary = page.get_by_role("alert").filter(has_text="لم يُرسَل النموذج")
        expect(summary).to_be_focused()
        expect(page.get_by_label("اسمك الأول")).to_have_value("ليلى")
        if width < 400:
            shot(page, "signup-ar-error-phone.png")
        page.get_by_label("أوافق على أن يحتفظ مصنع التعليب", exact=False).check()
        page.get_by_role("button", name="أسجّل نفسي").click()
        expect(page.get_by_test_id("signup-status")).to_contain_text("ليلى")
        expect(page.get_by_test_id("cancel-code")).to_have_text(cancel_code(Registration.objects.get().token))
        if width < 400:
            shot(page, "signup-ar-confirmation-phone.png")
        assert [p for p in problems if not p.startswith("422 ")] == []  # 422: the refused form, on purpose
    finally:
        context.close()
