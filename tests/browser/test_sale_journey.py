"""An animator sells jars at the shop: the price list fills the price, the receipt adds the deposit apart."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import price_set, tier_set
from conserverie.purchasing.services import ItemSpec, round_open
from conserverie.stock.services import jars_move
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import released_lot
from ..pages import add_participant
from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def test_animator_sells_at_the_shop_with_the_price_list(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("animatrice", chain.territory, Role.ANIMATOR)
    user.set_password(PASSWORD)
    user.save()
    lot = released_lot(chain, jars=12)
    jars_move(actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=8)
    price_set(actor=chain.actor, territory=chain.territory, jar_format=chain.jar, price_eur=Decimal("3.00"))
    price_set(
        actor=chain.actor,
        territory=chain.territory,
        jar_format=chain.jar,
        recipe_code="CTOM",
        price_eur=Decimal("4.20"),
        social_price_eur=Decimal("3.40"),
    )
    tier_set(actor=user, territory=chain.territory, structure=chain.structure, name="Tarif réduit", percent=70)
    aicha = add_participant(chain, "Aïcha")
    add_participant(chain, "Bernard")
    # The shop's centre runs a group order: 2 of the shop's 8 jars are set aside for it, 6 are free to sell.
    now = timezone.localtime()
    round_open(
        actor=chain.actor,
        territory=chain.territory,
        structure=chain.structure,
        title="Commande de la boutique",
        location=chain.shop,
        closes_at=now + timedelta(days=3),
        pickup_place="Boutique",
        pickup_day=(now + timedelta(days=4)).date(),
        pickup_start=time(16),
        pickup_end=time(18),
        items=[ItemSpec(lot, chain.jar, 2, Decimal("4.00"))],
    )

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "animatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

    open_menu_entry(page, "Cessions et ventes")
    page.get_by_role("link", name="Nouvelle cession ou vente").click()
    # Only the chosen kind's fields: a gift to a participant (the default) offers the credit, not the structure.
    credit = page.get_by_label("Payer les consignes avec l'avoir du participant")
    expect(credit).to_be_visible()
    expect(page.get_by_label("Structure bénéficiaire")).to_be_hidden()
    page.get_by_label("Usage interne d'une structure").check()
    expect(page.get_by_label("Structure bénéficiaire")).to_be_visible()
    page.get_by_label("Vente au groupement d'achat").check()
    expect(page.get_by_label("Structure bénéficiaire")).to_be_hidden()
    expect(credit).to_be_hidden()
    expect(page.get_by_label("Partenaire", exact=True)).to_be_hidden()
    expect(page.get_by_label("Prix solidaire")).to_be_visible()
    page.get_by_label("Bocaux pris à").select_option(label=chain.shop.name)
    # The buyer: a few letters typed, the server suggests this territory's participants, one is picked.
    buyer = page.get_by_label("Participant", exact=True)
    buyer.press_sequentially("ïch", delay=50)
    suggestion = page.locator("#participant-options option")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("value", f"Aïcha #{aicha.pk} — La Monnaie")
    buyer.fill(suggestion.get_attribute("value"))  # what picking the suggestion writes in the box
    page.get_by_label("Date").fill(DAY.isoformat())
    page.get_by_label("Paiement").select_option(label="Carte bancaire")
    page.locator("select[name='lines-0-lot']").select_option(value=str(lot.pk))
    hint = page.locator("[data-stock-for='0']")
    expect(hint).to_contain_text(": 8 bocaux")  # the 8 jars taken to the shop
    expect(hint).to_contain_text("dont 2 réservés pour une commande groupée : 6 libres")
    price = page.locator("input[name='lines-0-unit_price_eur']")
    expect(price).to_have_value("4.20")  # the recipe's own price wins over the format's 3.00
    page.get_by_label("Prix solidaire").check()
    expect(price).to_have_value("3.40")
    page.get_by_label("Prix solidaire").uncheck()
    expect(price).to_have_value("4.20")
    tier = page.get_by_label("Tarif social d'une structure")
    tier.select_option(label="Maison de quartier Romans — Tarif réduit (70 %)")
    expect(price).to_have_value("2.94")  # 70 % of 4.20, to the cent
    tier.select_option(value="")
    expect(price).to_have_value("4.20")
    page.locator("input[name='lines-0-quantity']").fill("3")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", name="Reçu n°")).to_be_visible()
    expect(page.get_by_test_id("payment")).to_have_text("Carte bancaire")
    expect(page.get_by_test_id("price-total")).to_have_text("12,60")
    expect(page.get_by_test_id("deposit-total")).to_have_text("3,00")
    expect(page.get_by_test_id("due")).to_have_text("15,60")
    sale = Distribution.objects.get()
    line = sale.lines.get()
    assert (sale.kind, sale.location, sale.created_by, sale.participant) == ("group_sale", chain.shop, user, aicha)
    assert (line.quantity, line.unit_price_eur, line.deposit_eur) == (3, Decimal("4.20"), Decimal("1.00"))


def test_coordinator_reverses_a_sale_and_the_receipt_says_so(live_server, chain, page):
    from playwright.sync_api import expect

    from conserverie.distribution.services import LineSpec, distribution_record
    from conserverie.stock.services import jars_at

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    lot = released_lot(chain, jars=12)
    sale = distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 4, Decimal("3.50"))],
    )
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    page.goto(f"{live_server.url}/t/romans/cessions/{sale.pk}/")
    page.get_by_text("Annuler cette cession (saisie par erreur)").click()
    page.get_by_role("button", name="Annuler et remettre les bocaux en stock").click()
    # The message is in the summary of errors at the top and at its field: the field is the last.
    expect(page.get_by_text("Une annulation dit toujours pourquoi.").last).to_be_visible()
    page.get_by_label("Pourquoi annuler ?").fill("Vente saisie deux fois")
    page.get_by_role("button", name="Annuler et remettre les bocaux en stock").click()
    expect(page.get_by_test_id("reversed")).to_contain_text("ANNULÉE")
    expect(page.get_by_test_id("reversed")).to_contain_text("Vente saisie deux fois")
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 12
    page.goto(f"{live_server.url}/t/romans/cessions/")
    expect(page.get_by_test_id("reversed-badge")).to_have_text("annulée")
