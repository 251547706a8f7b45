"""The purchasing group (issue 18): a member orders on a phone with the code given at the desk; at the pick-up an
animator hands the order over on the tablet, with the payment and the empty jars brought back."""

import os
from pathlib import Path

from conserverie.distribution.models import Distribution
from conserverie.purchasing.models import Order
from conserverie.purchasing.services import member_desk_code, order_set, round_close
from conserverie.territories.models import Role

from ..conftest import make_user
from ..purchasing.world import group
from .conftest import new_page
from .test_production_journey import PASSWORD

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def guide_picture(page, name: str) -> None:
    """With SCREENSHOTS=1, keep the screen for the guide's pictures (docs/purchasing-*.md), palette PNG (small)."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    from PIL import Image

    IMG.mkdir(parents=True, exist_ok=True)
    path = IMG / name
    page.screenshot(path=str(path), full_page=True)
    Image.open(path).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def test_a_member_orders_jars_on_a_phone(live_server, chain, browser):
    from playwright.sync_api import expect

    g = group(chain)
    code = member_desk_code(actor=chain.actor, member=g.amina)
    context, page = new_page(browser, 375, 740)
    try:
        page.goto(f"{live_server.url}/groupement/")
        page.get_by_label("Le code donné par votre centre social").fill(code.lower())
        page.get_by_role("button", name="Entrer").click()
        expect(page.get_by_role("heading", name="Bonjour Amina")).to_be_visible()
        # Her tier halves the group's 4.00; the deposit stays apart.
        expect(
            page.get_by_text("2.00 € le bocal + consigne 1.00 €").or_(
                page.get_by_text("2,00 € le bocal + consigne 1,00 €")
            )
        ).to_be_visible()
        page.get_by_label("Coulis de tomate — Bocal 375 ml").fill("3")
        page.get_by_role("button", name="Enregistrer ma commande").click()
        expect(page.get_by_text("Votre commande est enregistrée")).to_be_visible()
        expect(page.get_by_label("Coulis de tomate — Bocal 375 ml")).to_have_value("3")
        guide_picture(page, "purchasing-member-phone.png")
        assert Order.objects.get(member=g.amina).lines.get().quantity == 3
    finally:
        context.close()


def test_an_animator_hands_an_order_over_at_the_pick_up(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("animatrice", chain.territory, Role.ANIMATOR)
    user.set_password(PASSWORD)
    user.save()
    g = group(chain)
    order = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 3})
    round_close(actor=chain.actor, the_round=g.round)

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "animatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    page.goto(f"{live_server.url}/t/{chain.territory.slug}/cessions/")
    page.get_by_role("link", name="Groupement d'achat").click()
    page.get_by_role("link", name=g.round.title).click()
    page.get_by_role("link", name="Page de retrait").click()
    card = page.get_by_test_id("pickup-order").filter(has_text="Amina")
    expect(
        card.get_by_text("À payer : 6.00 € + consigne 3.00 €").or_(
            card.get_by_text("À payer : 6,00 € + consigne 3,00 €")
        )
    ).to_be_visible()
    card.get_by_label("Coulis de tomate — Bocal 375 ml").fill("2")  # one jar stays at the centre
    card.get_by_label("Paiement").select_option(label="Chèque alimentaire ou bon d'achat")
    card.get_by_label("Bocaux vides rapportés").fill("2")
    guide_picture(page, "purchasing-pickup-tablet.png")
    card.get_by_role("button", name="Remis et payé").click()
    expect(page.get_by_text("Commande de Amina remise.")).to_be_visible()
    sale = Distribution.objects.get()
    assert (sale.payment_mode, sale.lines.get().quantity) == ("voucher", 2)
    assert Order.objects.get(pk=order.pk).status == Order.Status.COLLECTED
    page.get_by_test_id("receipt-link").click()
    expect(page.get_by_test_id("payment")).to_have_text("Chèque alimentaire ou bon d'achat")
