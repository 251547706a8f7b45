"""A farmer, on a phone in the field, logs in and proposes a surplus in under a minute: a real browser and server."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import cost_price_declare
from conserverie.sourcing.receipts import receipt_issue
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..sourcing.test_receipts import donor, entity_for
from .conftest import new_page

PASSWORD = "Courgettes-en-trop-2026"


@pytest.fixture
def page(browser):
    # A phone held upright: the farmer's screen in the field.
    context, page = new_page(browser, 375, 740, is_mobile=True, has_touch=True)
    yield page
    context.close()


def closed_year_receipt(chain):
    """Last year's gift and its receipt, issued by the coordination (tests/sourcing/test_receipts.py)."""
    last_year = timezone.localdate().year - 1
    entity_for(chain.territory)
    donor(chain.farm, chain.actor)
    cost_price_declare(
        actor=chain.actor, producer=chain.farm, product=chain.tomato, eur_per_kg=Decimal("0.80"), declared_on=DAY
    )
    collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("12"),
        collected_on=date(last_year, 8, 1),
    )
    return receipt_issue(actor=chain.actor, producer=chain.farm, year=last_year)


def test_farmer_proposes_a_surplus_from_a_phone(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("fermier", chain.territory, Role.PRODUCER, producer=chain.farm)
    user.set_password(PASSWORD)
    user.save()
    started = time.monotonic()

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "fermier")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name=chain.farm.name)).to_be_visible()
    assert page.url.endswith("/producteur/")

    page.get_by_label("Produit", exact=True).select_option(label="Tomate")
    page.get_by_label("Poids estimé (kg)", exact=True).fill("35")
    page.get_by_label("Nature", exact=True).select_option(value=SurplusOffer.Grade.DOWNGRADED)
    page.get_by_label("Disponible à partir du", exact=True).fill(DAY.isoformat())
    page.get_by_label("Disponible jusqu'au", exact=True).fill((DAY + timedelta(days=3)).isoformat())
    # What the farm wishes to receive (issue 16): a purchase, whose price was forgotten at first.
    page.get_by_label("Achat", exact=True).check()
    page.get_by_role("button", name="Proposer un surplus").click()
    expect(page.get_by_text("Un achat demande un prix au kilo supérieur à zéro.", exact=True)).to_be_visible()
    expect(page.get_by_label("Poids estimé (kg)", exact=True)).to_have_value("35")  # nothing lost
    page.get_by_label("Prix d'achat (€/kg)", exact=True).fill("0.80")
    page.get_by_role("button", name="Proposer un surplus").click()

    expect(page.get_by_text("Offre enregistrée")).to_be_visible()
    expect(page.locator(".list-group-item .badge").first).to_have_text("Proposée")
    assert time.monotonic() - started < 60
    offer = SurplusOffer.objects.get()
    assert offer.producer == chain.farm
    assert offer.created_by == user
    assert offer.kg_estimated == 35
    assert (offer.terms, offer.price_eur_kg, offer.terms_agreed) == ("purchase", Decimal("0.80"), False)
    page.get_by_role("link", name="Tomate — 35 kg").click()
    expect(page.get_by_test_id("offer-terms")).to_contain_text("Achat à 0,80 €/kg")
    expect(page.get_by_test_id("offer-terms")).to_contain_text("en attente de l'accord de la coordination")


def test_farmer_follows_an_offer_with_its_photo_and_downloads_the_certificate(live_server, chain, page, tmp_path):
    """On the phone: an offer with a photo, its status once the coordination declined it, the yearly certificate."""
    from django.test import override_settings
    from playwright.sync_api import expect

    from conserverie.producers.services import offer_accept, offer_decline

    from ..producers.test_portal import png_bytes

    user = make_user("fermier", chain.territory, Role.PRODUCER, producer=chain.farm)
    user.set_password(PASSWORD)
    user.save()
    photo = tmp_path / "courgettes.png"
    photo.write_bytes(png_bytes())
    today = timezone.localdate()
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", "fermier")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Entrer").click()
        page.get_by_label("Produit", exact=True).select_option(label="Tomate")
        page.get_by_label("Poids estimé (kg)", exact=True).fill("18")
        page.get_by_label("Disponible à partir du", exact=True).fill(today.isoformat())
        page.get_by_label("Disponible jusqu'au", exact=True).fill((today + timedelta(days=2)).isoformat())
        page.get_by_label("Photo (facultatif)").set_input_files(str(photo))
        page.get_by_role("button", name="Proposer un surplus").click()
        expect(page.get_by_text("Offre enregistrée")).to_be_visible()

        offer = SurplusOffer.objects.get()
        assert offer.photo
        offer_decline(
            actor=chain.actor, offer=offer_accept(actor=chain.actor, offer=offer), message="Camion plein demain"
        )
        page.get_by_role("link", name="Tomate — 18 kg").click()
        expect(page.get_by_test_id("offer-status")).to_contain_text("Refusée")
        expect(page.get_by_test_id("offer-message")).to_contain_text("Camion plein demain")
        expect(page.get_by_test_id("timeline").locator("li")).to_have_count(3)
        photo = page.locator("img.img-fluid")
        expect(photo).to_be_visible()
        # The page's CSP forbids evaluating strings (wait_for_function): read the decoded size, as the image loads.
        expect(photo).to_have_js_property("naturalWidth", 4)  # the 4 × 3 photo sent

        receipt = closed_year_receipt(chain)
        page.get_by_role("link", name="Retour à mes offres").click()
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Reçu {receipt.year} n° {receipt.number} (PDF)").click()
        assert download.value.suggested_filename == f"recu-don-{receipt.number}.pdf"
