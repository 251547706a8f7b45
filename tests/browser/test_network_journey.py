"""A coordinator grows the producer network from a spreadsheet, finds the farms on the map, answers offers."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.producers.models import Producer, SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.territories.models import Role

from ..conftest import make_user
from .menu import open_menu_entry

PASSWORD = "Reseau-de-fermes-2026"
HEADER = "nom;commune;latitude;longitude;distance_km;certifiee_ab;fin_certification;reseaux;active"


def login(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()


def test_coordinator_imports_farms_then_sees_them_on_the_map(live_server, chain, page, tmp_path):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    bad = tmp_path / "fermes-fausses.csv"
    bad.write_text(
        "\n".join(
            [HEADER, "Ferme du Levant;Alixan;44,98;5,03;;oui;31/12/2027;CIVAM;oui", "Ferme Perdue;Nulle;123;5;;;;;"]
        ),
        encoding="utf-8",
    )
    good = tmp_path / "fermes.csv"
    good.write_text(
        "\n".join(
            [
                HEADER,
                "Ferme du Levant;Alixan;44,98;5,03;;oui;31/12/2027;CIVAM;oui",
                "Jardin du Couchant;Clérieux;45,08;4,96;;non;;AMAP;oui",
            ]
        ),
        encoding="utf-8",
    )

    login(page, live_server, "coordinatrice")
    open_menu_entry(page, "Producteurs")
    expect(page.get_by_role("heading", name="Réseau de producteurs")).to_be_visible()
    page.get_by_role("link", name="Importer").click()

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier et importer").click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("1 ligne à corriger : rien n'a été importé.")
    expect(problems).to_contain_text("Ligne 3 : Latitude hors limites")
    assert not Producer.objects.filter(name="Ferme du Levant").exists()

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.get_by_text("2 fermes importées")).to_be_visible()
    expect(page.get_by_role("link", name="Jardin du Couchant")).to_be_visible()

    page.get_by_label("Réseau").select_option("CIVAM")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_test_id("producers").locator("tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Carte").click()
    holder = page.locator("#producer-map")
    expect(holder).to_have_attribute("data-ready", "true")  # drawn without any tile server
    expect(holder).to_have_attribute("data-markers", "1")  # the CIVAM filter kept
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("path.leaflet-interactive").first).to_be_visible()  # the radius circle


def test_coordinator_accepts_one_offer_and_declines_another_with_a_word(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    today = timezone.localdate()
    for kg in ("25", "60"):
        offer_declare(
            actor=chain.actor,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg_estimated=Decimal(kg),
            grade=SurplusOffer.Grade.SURPLUS,
            available_from=today,
            available_until=today + timedelta(days=3),
        )

    login(page, live_server, "coordinatrice")
    open_menu_entry(page, "Offres")
    expect(page.get_by_text("2 offres attendent une réponse.")).to_be_visible()
    row_25 = page.locator("tr", has_text="25")
    row_60 = page.locator("tr", has_text="60")
    row_25.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Acceptée").first).to_be_visible()
    row_60.get_by_placeholder("Message au producteur").fill("Le camion est plein cette semaine")
    row_60.get_by_role("button", name="Refuser").click()
    expect(page.get_by_text("« Le camion est plein cette semaine »")).to_be_visible()
    statuses = dict(SurplusOffer.objects.values_list("kg_estimated", "status"))
    assert statuses == {Decimal("25"): "accepted", Decimal("60"): "declined"}
    assert SurplusOffer.objects.get(kg_estimated=60).status_message == "Le camion est plein cette semaine"
