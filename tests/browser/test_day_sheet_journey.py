"""The tablet's battery is flat: the animator prints the day sheet from the truck page, people sign it, and back at
the centre the sheet is typed in on one screen, on a phone or a tablet."""

import os

import pytest

from conserverie.territories.models import Role
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_create

from ..conftest import make_user
from ..workshops.public_data import future_workshop, person
from .conftest import new_page
from .test_production_journey import PASSWORD
from .test_truck_offline_journey import IMG, SIZES, sign_in


@pytest.mark.parametrize("size", list(SIZES))
def test_the_day_sheet_printed_then_typed_back(live_server, chain, browser, size):
    from playwright.sync_api import expect

    user = make_user("animateur", chain.territory, Role.ANIMATOR)
    user.set_password(PASSWORD)
    user.save()
    workshop = future_workshop(chain, capacity=6, title="Atelier coulis")
    workshop.planned_recipes.set([chain.recipe])
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    bernard = registration_create(workshop=workshop, participant=person(chain, "Bernard"))

    context, page = new_page(browser, *SIZES[size])
    sign_in(page, live_server.url, "animateur")
    page.goto(f"{live_server.url}/t/romans/ateliers/{workshop.pk}/camion/")
    sheet = page.get_by_role("link", name="Feuille du jour (PDF)")
    expect(sheet).to_be_visible()
    response = page.request.get(live_server.url + sheet.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    if os.environ.get("SCREENSHOTS") == "1" and size == "tablet":
        import pypdfium2

        first = pypdfium2.PdfDocument(response.body())[0]
        first.render(scale=1.4).to_pil().save(IMG / "day-sheet.png")

    page.get_by_role("link", name="Saisir la feuille papier").click()
    expect(page.get_by_role("heading", name="Saisir la feuille du jour")).to_be_visible()
    page.get_by_label("1. Amina").check()
    lines = page.get_by_test_id("paper-line")
    expect(lines).to_have_count(8)
    lines.nth(0).get_by_label("Prénom").fill("Karim")
    lines.nth(0).get_by_label("Personnes au foyer").fill("4")
    lines.nth(0).get_by_label("Quartier ou commune").fill("Les Ors")
    lines.nth(1).get_by_label("Personnes au foyer").fill("2")  # a first name forgotten: refused, nothing lost
    page.get_by_role("button", name="Enregistrer la feuille").click()
    expect(page.get_by_text("Indiquez le prénom écrit sur la ligne, ou videz la ligne.", exact=True)).to_be_visible()
    expect(page.get_by_test_id("paper-line").nth(0).get_by_label("Prénom")).to_have_value("Karim")
    assert not Registration.objects.filter(walk_in=True).exists()
    page.get_by_test_id("paper-line").nth(1).get_by_label("Prénom").fill("Léa")
    page.get_by_role("button", name="Enregistrer la feuille").click()
    expect(page.get_by_text("Feuille saisie : 1 présence(s) modifiée(s), 2 venue(s) sans inscription.")).to_be_visible()

    amina.refresh_from_db()
    bernard.refresh_from_db()
    assert (amina.attended, bernard.attended) == (True, False)
    walk_ins = Registration.objects.filter(workshop=workshop, walk_in=True).order_by("participant__first_name")
    assert [(r.participant.first_name, r.participant.household_size) for r in walk_ins] == [("Karim", 4), ("Léa", 2)]
    context.close()
