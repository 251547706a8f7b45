"""The coordinator counts the empty jars of the truck on a phone: the gap goes to the ledger with who and why,
and the alert for the coming workshops reads the new figure."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import empties_buy
from conserverie.territories.models import Role
from conserverie.workshops.services import workshop_open

from ..conftest import make_user
from .conftest import new_page
from .test_production_journey import PASSWORD


def test_coordinator_counts_the_empty_jars_of_the_truck(live_server, chain, browser):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    empties_buy(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=40)
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(14)))
    workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title="Atelier coulis",
        site=chain.site,
        structure=chain.structure,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=12,  # about 24 jars needed
        animators=[chain.actor],
        planned_recipes=[chain.recipe],
    )
    context, page = new_page(browser, 390, 844)
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    page.goto(f"{live_server.url}/t/romans/stock/")
    page.get_by_test_id("empties-link").click()
    expect(page.get_by_role("heading", name="Bocaux vides", exact=True)).to_be_visible()
    expect(page.get_by_test_id("empties")).to_contain_text("40")
    expect(page.get_by_test_id("empty-jar-alert")).to_have_count(0)

    page.get_by_test_id("empties").get_by_role("link", name="Compter").click()
    page.get_by_label("Bocaux vides comptés").fill("18")
    page.get_by_role("button", name="Enregistrer").click()
    # The message is in the summary of errors at the top and at its field: the field is the last.
    expect(page.get_by_text("Un ajustement d'inventaire dit toujours pourquoi.").last).to_be_visible()
    page.get_by_label("Pourquoi l'écart ?").fill("Deux caisses laissées au lavage")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Comptage enregistré")).to_be_visible()
    expect(page.get_by_test_id("empty-jar-alert")).to_contain_text("Il en manque 6.")
    count = StockMovement.objects.get(kind=MovementKind.ADJUSTED)
    assert (count.quantity, count.created_by, count.reason, count.lot) == (
        -22,
        user,
        "Deux caisses laissées au lavage",
        None,
    )
    context.close()
