"""A coordinator, warned of a swollen lid, recalls a lot from its page, reads whom to call, downloads the
notification to the DDPP, and the jar's public page (its QR code) tells the recall."""

from pathlib import Path

from conserverie.distribution.models import Distribution
from conserverie.production.models import LotStatus, ProductionLot, Recall
from conserverie.territories.models import Role

from ..conftest import make_user
from ..production.scenario import distribute, released
from .test_production_journey import PASSWORD


def test_coordinator_recalls_a_lot_and_sees_the_contact_list(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    lot = released(chain, [(chain.raw, "10")])
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=2, name="Nadia")
    distribute(chain, lot, Distribution.Kind.INTERNAL, quantity=1)

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

    page.goto(f"{live_server.url}/t/romans/lots/{lot.code}/")
    expect(page.get_by_test_id("lot-code")).to_contain_text(lot.code)
    page.get_by_role("link", name="Rappeler ce lot").click()
    expect(page.get_by_label("Rappel : des bocaux sont chez des consommateurs, qui sont prévenus")).to_be_checked()
    page.get_by_label("Nature du danger").select_option("microbiological")
    page.get_by_label("Motif du rappel").fill("Couvercle bombé signalé par une participante")
    page.get_by_label("Motif affiché au public").fill("Couvercles bombés : risque de botulisme")
    page.get_by_label("Rappeler aussi les lots fabriqués avec un même lot brut").check()
    page.get_by_role("button", name="Rappeler le lot").click()

    expect(page.get_by_test_id("recall-title")).to_contain_text(lot.code)
    contacts = page.get_by_test_id("recall-contacts")
    expect(contacts).to_contain_text("Nadia")
    expect(contacts).to_contain_text("06 12 34 56 78")
    expect(contacts).to_contain_text(chain.structure.name)
    expect(page.get_by_test_id("recall-stock")).to_contain_text("Camion Romans")
    as_of = page.get_by_test_id("as-of")  # the HACCP file as of production, beside today's
    expect(as_of).to_contain_text("À la production")
    expect(as_of).to_contain_text("Aujourd'hui")
    expect(as_of).to_contain_text("Rappelé")
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.RECALLED
    assert Recall.objects.get().recalled_by == user

    page.get_by_role("button", name="Retirés et détruits").click()
    expect(page.get_by_test_id("recovered")).to_have_text("27")

    with page.expect_download() as download:
        page.get_by_test_id("ddpp-notice").click()
    assert download.value.suggested_filename == f"notification-ddpp-{lot.code}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.goto(f"{live_server.url}/l/{lot.code}/")
    banner = page.get_by_test_id("recall-banner")
    expect(banner).to_contain_text("Rappel — ne pas consommer")
    expect(page.get_by_test_id("recall-reason")).to_contain_text("Couvercles bombés : risque de botulisme")
    expect(page.get_by_test_id("recall-date")).to_contain_text("Rappel du")
