"""The coordinator, on the truck's tablet, records a purchase from a farm, then issues the farm's donation receipt
for the closed year (article 238 bis CGI): a real browser and server."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from conserverie.sourcing.models import DonationReceipt, RawLot
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Role

from ..conftest import make_user
from ..sourcing.test_receipts import entity_for

PASSWORD = "Bocaux-payes-2026"


def test_coordinator_buys_from_a_farm_then_issues_its_receipt(live_server, chain, page, tmp_path):
    from playwright.sync_api import expect

    last_year = timezone.localdate().year - 1
    entity_for(chain.territory)
    collection_record(  # last year's gift, the one the receipt covers
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("42.5"),
        collected_on=date(last_year, 9, 2),
    )
    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()

    # A purchase: 25 kg of tomatoes at 0.64 €/kg, paid on collection. Forgetting the price is refused at the field.
    page.goto(f"{live_server.url}/t/romans/collectes/nouvelle/")
    page.get_by_label("Ferme", exact=True).select_option(label=str(chain.farm))
    page.get_by_label("Produit", exact=True).select_option(label="Tomate")
    page.get_by_label("Poids pesé (kg)", exact=True).fill("25")
    page.get_by_label("Ce que reçoit la ferme", exact=True).select_option(value="purchase")
    page.get_by_role("button", name="Enregistrer la collecte").click()
    # The refusal shows in the summary (a link to the field) and at the field.
    expect(page.get_by_text("Un achat demande un prix au kilo supérieur à zéro.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Prix d'achat convenu (€/kg)")).to_be_visible()
    expect(page.get_by_label("Poids pesé (kg)", exact=True)).to_have_value("25")
    page.get_by_label("Prix d'achat convenu (€/kg)", exact=True).fill("0.64")
    page.get_by_role("button", name="Enregistrer la collecte").click()
    expect(page.get_by_text("Collecte enregistrée")).to_be_visible()
    bought = RawLot.objects.get(terms="purchase")
    assert bought.purchase_eur == Decimal("16.00")

    # The farm's page: what it received; its identity as a donor and its cost price; then the receipt.
    page.goto(f"{live_server.url}/t/romans/producteurs/{chain.farm.pk}/")
    page.get_by_role("link", name="Achats, bons d'achat et reçus de dons").click()
    expect(page.get_by_test_id("paid")).to_have_text("16,00 €")
    expect(page.get_by_test_id("purchases")).to_contain_text(bought.code)
    page.get_by_label("Dénomination (raison sociale)", exact=True).fill("EARL des Tests")
    page.get_by_label("Forme juridique", exact=True).fill("EARL")
    page.get_by_label("SIREN", exact=True).fill("987654321")
    page.get_by_label("Adresse complète", exact=True).fill("12 chemin des Vergers, 26750 Peyrins")
    page.get_by_role("button", name="Enregistrer l'identité").click()
    expect(page.get_by_text("Identité du donateur enregistrée.")).to_be_visible()
    page.get_by_label("Produit", exact=True).select_option(label="Tomate")
    page.get_by_label("Coût de revient (€/kg)", exact=True).fill("0.80")
    page.get_by_role("button", name="Enregistrer le coût de revient").click()
    expect(page.get_by_test_id("cost-prices")).to_contain_text("0,80")
    page.get_by_label("Année des dons (close)", exact=True).select_option(value=str(last_year))
    page.get_by_role("button", name="Émettre le reçu").click()
    number = f"ROM-RD{last_year}-0001"
    expect(page.get_by_text(f"Reçu {number} émis.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=number).click()
    path = tmp_path / "recu.pdf"
    download.value.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(path.read_bytes())).pages)
    assert "EARL des Tests" in text
    assert "42,50" in text
    assert "***34,00 €***" in text  # 42.5 kg × 0.80 €/kg, the farm's cost; the purchase is no gift
    assert DonationReceipt.objects.get().total_eur == Decimal("34.00")
