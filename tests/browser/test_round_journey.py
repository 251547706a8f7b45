"""A coordinator plans a collection round on the tablet; the driver weighs each stop on a phone."""

from decimal import Decimal

from conserverie.producers.models import SurplusOffer
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.territories.models import Role

from ..conftest import make_user
from ..sourcing.rounds_world import FAR, accepted_offer, accepted_offers, add_vehicle, round_day
from .conftest import new_page
from .menu import open_menu_entry

PASSWORD = "Tournee-des-fermes-2026"


def login(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


def person(territory, username, role):
    user = make_user(username, territory, role)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_coordinator_plans_a_round_and_the_driver_weighs_on_a_phone(
    live_server, romans, tomato, page, browser, monkeypatch
):
    from playwright.sync_api import expect

    monkeypatch.setattr("conserverie.sourcing.rounds.services.SOLVER_SECONDS", 1.0)
    territory = romans.territory
    coordinator = person(territory, "coordinatrice", Role.COORDINATOR)
    person(territory, "chauffeur", Role.ANIMATOR)
    accepted_offers(coordinator, territory, tomato, 3)
    far = accepted_offer(coordinator, territory, tomato, FAR, kg="2")
    add_vehicle(territory, name="Camion-conserverie")

    # The coordinator, on the tablet: date and truck, the day's offers, then the planner's round.
    login(page, live_server, "coordinatrice")
    open_menu_entry(page, "Tournées")
    page.get_by_role("link", name="Préparer une tournée").click()
    page.get_by_label("Date de la tournée").fill(round_day().isoformat())
    page.get_by_label("Camion").select_option(label="Camion-conserverie")
    page.get_by_role("button", name="Voir les offres de ce jour").click()
    expect(page.get_by_test_id("candidates").locator("tbody tr")).to_have_count(4)
    page.get_by_role("button", name="Calculer la tournée").click()

    expect(page.get_by_role("heading", name="Tournée du")).to_be_visible()
    expect(page.get_by_test_id("route").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("skipped")).to_contain_text("Ne vaut pas le détour")
    expect(page.locator("#round-map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#round-map .round-marker")).to_have_count(4)  # the depot and three farms
    expect(page.get_by_test_id("km-saved")).not_to_have_text("")
    page.get_by_role("button", name="Confirmer la tournée").click()
    expect(page.get_by_test_id("round-status")).to_have_text("Planifiée")
    collection_round = CollectionRound.objects.get()
    assert SurplusOffer.objects.filter(status=SurplusOffer.Status.PLANNED).count() == 3
    assert SurplusOffer.objects.get(pk=far.pk).status == SurplusOffer.Status.ACCEPTED

    # The driver, on a phone: one big field per stop, then the end of the round.
    context, phone = new_page(browser, 390, 844, is_mobile=True, has_touch=True)
    login(phone, live_server, "chauffeur")
    phone.goto(f"{live_server.url}/t/romans/tournees/{collection_round.pk}/chauffeur/")
    first, second, third = (phone.locator(f"#arret-{n}") for n in (1, 2, 3))
    first.get_by_label("Poids pesé (kg)").fill("48.5")
    first.get_by_role("button", name="Enregistrer la pesée").click()
    expect(first.get_by_test_id("stop-done")).to_contain_text("48,5")
    second.get_by_role("button", name="Rien à prendre").click()
    expect(second.get_by_test_id("stop-done")).to_have_text("Rien à prendre")
    third.get_by_label("Poids pesé (kg)").fill("51")
    third.get_by_role("button", name="Enregistrer la pesée").click()
    expect(third.get_by_test_id("stop-done")).to_contain_text("51 kg pesés")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Km parcourus").fill("27.5")
    phone.get_by_role("button", name="Terminer la tournée").click()
    expect(phone.get_by_test_id("round-status")).to_have_text("Terminée")
    context.close()

    collection_round.refresh_from_db()
    assert collection_round.status == CollectionRound.Status.DONE
    assert collection_round.km == Decimal("27.5")
    assert sorted(RawLot.objects.filter(collection_round=collection_round).values_list("kg", flat=True)) == [
        Decimal("48.5"),
        Decimal("51"),
    ]
