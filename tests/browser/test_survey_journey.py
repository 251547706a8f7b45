"""A resident answers the cannery's survey on a phone (390×844), without an account and without giving a name."""

from decimal import Decimal

from django.core.cache import cache

from conserverie.impact.models import Response

from ..impact.voices_data import survey_world
from .conftest import new_page
from .test_workshop_journeys import watch


def test_a_resident_answers_a_survey_on_a_phone(live_server, romans, coordinator, browser):
    from playwright.sync_api import expect

    cache.clear()
    world = survey_world(romans.territory, coordinator)
    context, page = new_page(browser, 390, 844, is_mobile=True, has_touch=True)
    problems = watch(page)
    try:
        page.goto(f"{live_server.url}/q/{world.survey.token}/")
        expect(page.get_by_role("heading", name="Questionnaire habitants")).to_be_visible()
        expect(page.get_by_test_id("anonymous")).to_contain_text("anonymes")
        # The page fits the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # A score is a big button under the thumb, not a tiny radio.
        four = page.get_by_text("4 — Beaucoup")
        box = four.bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 300, box
        four.click()
        page.get_by_text("Oui", exact=True).click()
        page.get_by_label("Combien d'ateliers ?").fill("beaucoup")
        page.get_by_label("Un mot ?").fill("On rit bien ensemble.")
        send = page.get_by_role("button", name="J'envoie mes réponses")
        assert send.bounding_box()["height"] >= 44
        send.click()

        # A plain French message under the question, the other answers kept, nothing written.
        expect(page.get_by_test_id("field-error")).to_have_text("Écrivez un nombre, par exemple 3.")
        expect(page.locator(f"#id_q{world.likert.pk}_3")).to_be_checked()
        expect(page.get_by_label("Un mot ?")).to_have_value("On rit bien ensemble.")
        assert Response.objects.count() == 0

        page.get_by_label("Combien d'ateliers ?").fill("3")
        page.get_by_role("button", name="J'envoie mes réponses").click()
        expect(page.get_by_test_id("thanks")).to_have_text("Merci !")

        response = Response.objects.get()
        values = {a.question_id: (a.value, a.text) for a in response.answers.all()}
        assert values == {
            world.likert.pk: (Decimal("4"), ""),
            world.yes_no.pk: (Decimal("1"), ""),
            world.number.pk: (Decimal("3"), ""),
            world.text.pk: (None, "On rit bien ensemble."),
        }
        assert response.channel == "online"
        # The 422 of the refused answer is expected; nothing else went wrong.
        assert [p for p in problems if not p.startswith("422 ")] == []
    finally:
        context.close()
