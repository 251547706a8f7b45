"""The trained cook, told by the lot form that the soup's HACCP plan waits, reviews and validates it and
downloads its sheet, then records a sterilisation of the low-acid soup with the probe's core curve and sees its
lethality F0 beside the target; a short curve shows why the lot cannot be released (docs/safety-en.md)."""

from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from conserverie.production.models import ProductionLot
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create, recipe_validate_schedule
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..production.test_lethality import GOOD, SHORT

PASSWORD = "Autoclave-a-121-degres"


def _curve(points):
    return "\n".join(f"{m} {str(t).replace('.', ',')}" for m, t in points)


@pytest.fixture
def soup(chain):
    """A low-acid soup (celeriac, leek), sterilised at 121 °C for 30 min: its schedule is validated, its HACCP plan
    waits for the trained cook."""
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="SOUP",
        name="Soupe céleri-poireau",
        category="low_acid",
        ingredients=[(chain.tomato, Decimal("10"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("121"), 30)],
        shelf_life_days=730,
    )
    return recipe_validate_schedule(actor=chain.actor, recipe=recipe)


def test_the_cook_records_a_sterilisation_and_sees_its_lethality(live_server, chain, soup, page):
    from playwright.sync_api import expect

    user = make_user("cuisiniere", chain.territory, Role.ANIMATOR, trained=True)
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "cuisiniere")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()

    # No lot before the plan is validated: the lot form says which plan waits, who may sign it, and links to it.
    page.goto(f"{live_server.url}/t/romans/lots/nouveau/")
    waiting = page.get_by_test_id("unsigned-plans")
    expect(waiting).to_contain_text("Peuvent le valider (formation HACCP en cours de validité) : coord, cuisiniere.")
    # She reviews the soup's HACCP plan (the default one for a low-acid product), signs it and prints its sheet.
    waiting.get_by_role("link", name="Soupe céleri-poireau (v1)").click()
    expect(page.get_by_test_id("critical-limit").first).to_contain_text("F0 ≥ 3,0 min à cœur")
    expect(page.get_by_test_id("ccp")).to_have_count(3)  # sterilisation, seal, stability test
    page.get_by_role("button", name="Valider le plan HACCP").click()
    expect(page.get_by_test_id("haccp-status")).to_contain_text("Plan validé par cuisiniere")
    with page.expect_download() as download:
        page.get_by_test_id("haccp-pdf").click()
    sheet = " ".join(p.extract_text() for p in pypdf.PdfReader(Path(download.value.path())).pages)
    assert "Validé par cuisiniere" in " ".join(sheet.split())

    page.goto(f"{live_server.url}/t/romans/lots/nouveau/")
    expect(page.get_by_test_id("unsigned-plans")).to_have_count(0)
    page.get_by_label("Recette").select_option(label="Soupe céleri-poireau (v1)")
    page.get_by_label("Fabriqué le").fill(DAY.isoformat())
    # The form reopens for that day: only the raw lots still usable then are offered, the recipe is kept.
    page.wait_for_url(f"**produced_on={DAY.isoformat()}*")
    # The plan has no pH control point for this low-acid soup: the form asks for the core curve, not the pH.
    expect(page.get_by_label("pH mesuré")).to_be_hidden()
    expect(page.locator(f"textarea[name='core_{chain.jar.pk}']")).to_be_visible()
    page.locator("select[name='raw-0-raw_lot']").select_option(value=str(chain.raw.pk))
    page.locator("input[name='raw-0-kg']").fill("10")
    page.get_by_label("Bocaux Bocal 375 ml remplis").fill("12")
    page.locator(f"input[name='temp_{chain.jar.pk}']").fill("121.5")
    page.locator(f"input[name='minutes_{chain.jar.pk}']").fill("32")
    # A typing slip in the curve is shown at its field, nothing is lost.
    page.locator(f"textarea[name='core_{chain.jar.pk}']").fill("0 100\n1 chaud")
    page.get_by_role("button", name="Enregistrer le lot").click()
    expect(page.get_by_text("Ligne 2 illisible").last).to_be_visible()  # the field; the summary says it too
    assert not ProductionLot.objects.exists()
    page.locator(f"textarea[name='core_{chain.jar.pk}']").fill(_curve(SHORT))
    page.get_by_role("button", name="Enregistrer le lot").click()

    expect(page.get_by_test_id("lot-code")).to_be_visible()
    expect(page.get_by_test_id("lethality")).to_have_text("F = 2,208 min")
    expect(page.get_by_test_id("treatment-row")).to_contain_text("≥ 3,0 min")
    expect(page.get_by_text("valeur insuffisante")).to_be_visible()
    lot = ProductionLot.objects.get()
    assert lot.status == "non_conforming"

    # The jars go back to the autoclave: the new curve reaches F0.
    form = page.get_by_test_id("reading-form")
    if not form.is_visible():
        page.get_by_text("Ajouter un relevé (traitement thermique ou pH)").click()
    form.get_by_label("Format").select_option(label="Bocal 375 ml")
    form.get_by_label("Température relevée (°C)").fill("121.5")
    form.get_by_label("Durée de maintien (min)").fill("32")
    form.get_by_label("Relevés à cœur (minute, °C)").fill(_curve(GOOD))
    form.get_by_role("button", name="Enregistrer le relevé").click()
    expect(page.get_by_text("qui reste non conforme")).to_be_visible()
    expect(page.get_by_test_id("lethality").nth(1)).to_have_text("F = 6,208 min")
    # Its release is now the coordinator's decision (with a corrective action): the lethality no longer blocks it.
    from conserverie.production.haccp import lethality_blocks

    assert lethality_blocks(lot) == []
