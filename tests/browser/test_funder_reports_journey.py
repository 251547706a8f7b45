"""The coordinator of Romans prepares the year's papers for the accountant and the impact contract's funder:
goes from the FEC to the legal entity's page, mistypes the SIREN (told at the field), saves it, downloads the FEC
named with it, records the evaluator's sign-off and
downloads the Contrat d'impact social report."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pypdf
from django.utils import timezone

from conserverie.impact.models import Indicator
from conserverie.impact.services import (
    contract_indicator_set,
    dimensions_create_defaults,
    indicator_create,
    indicator_value_record,
)
from conserverie.territories.models import LegalEntity, Role

from ..conftest import make_user
from .menu import open_menu_entry
from .test_production_journey import PASSWORD

SIREN = "732829320"


def test_coordinator_downloads_the_fec_and_the_cis_report(live_server, romans, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", romans.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    year = timezone.localdate().year
    dimensions = dimensions_create_defaults(romans.territory)
    work = indicator_create(
        actor=user,
        dimension=dimensions[5],
        name="Familles vers l'emploi",
        source=Indicator.Source.MANUAL,
        target=Decimal("20"),
    )
    indicator_value_record(actor=user, indicator=work, period=str(year), value=Decimal("15"), source_note="Registre")
    contract_indicator_set(
        actor=user,
        territory=romans.territory,
        indicator=work,
        threshold=Decimal("10"),
        target=Decimal("20"),
        payment_eur=Decimal("10000"),
    )

    # The association is registered by its RNA number; its SIREN is not typed in yet.
    LegalEntity.objects.create(
        territory=romans.territory,
        name="Conserverie solidaire",
        legal_form="Association déclarée (loi du 1er juillet 1901)",
        rna="W261000001",
        address="1 place du Marché, 26100 Romans-sur-Isère",
        city="Romans-sur-Isère",
        purpose="Transformer les surplus agricoles avec les habitants.",
        eligibility="Organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI).",
        signatory_name="Camille Exemple",
        signatory_role="présidente",
    )

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_role("heading", name="Tableau de bord · Romans")).to_be_visible()

    open_menu_entry(page, "Économie")
    page.get_by_role("link", name="Plan comptable et FEC").click()
    page.get_by_role("link", name="Le SIREN se saisit sur la page de l'entité juridique.").click()
    page.get_by_label("SIREN", exact=True).fill("732829321")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("SIREN")
    expect(page.get_by_text("Un SIREN a 9 chiffres et sa clé doit être juste").last).to_be_visible()
    page.get_by_label("SIREN", exact=True).fill(SIREN)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Entité juridique enregistrée.")).to_be_visible()
    open_menu_entry(page, "Économie")
    page.get_by_role("link", name="Plan comptable et FEC").click()
    expect(page.get_by_test_id("fec-siren")).to_contain_text(SIREN)
    with page.expect_download() as download:
        page.get_by_test_id("fec-download").click()
    assert download.value.suggested_filename == f"{SIREN}FEC{year}1231.txt"
    header = Path(download.value.path()).read_bytes().decode("iso8859_15").split("\r\n")[0]
    assert header.split("\t")[:3] == ["JournalCode", "JournalLib", "EcritureNum"]

    open_menu_entry(page, "Rapports")
    page.get_by_test_id("contract-link").click()
    expect(page.get_by_test_id("total-due")).to_contain_text("5")
    page.get_by_label("Évaluateur ou évaluatrice").fill("Évaluatrice de test")
    page.get_by_label("Organisme d'évaluation").fill("Cabinet test")
    page.get_by_label("Date de validation").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enregistrer la validation").click()
    expect(page.get_by_test_id("sign-off")).to_contain_text("Validé par Évaluatrice de test (Cabinet test)")
    with page.expect_download() as download:
        page.get_by_test_id("cis-pdf").click()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(Path(download.value.path()).read_bytes())).pages)
    text = " ".join(text.replace("\xa0", " ").split())
    assert "Rapport de résultats — contrat à impact social" in text
    assert "5 000,00 €" in text
    assert "Validé par Évaluatrice de test (Cabinet test)" in text
