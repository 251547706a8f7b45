"""An animator prints the labels of a lot: the small sheet cannot hold the mandatory text on one label, the page
says so and what fits; the front/back layout downloads a complete PDF."""

from io import BytesIO
from pathlib import Path

import pypdf

from conserverie.production.models import LabellingProfile
from conserverie.territories.models import Role

from ..conftest import make_user
from ..production.scenario import released
from .test_production_journey import PASSWORD


def test_animator_is_told_which_sheet_fits_and_downloads_it(live_server, chain, page):
    from playwright.sync_api import expect

    chain.territory.organisation = "La Coopération entre 3 lieux"
    chain.territory.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    chain.territory.save()
    LabellingProfile.objects.create(territory=chain.territory, nutrition_exemption="annex_v_19")
    user = make_user("animatrice", chain.territory, Role.ANIMATOR)
    user.set_password(PASSWORD)
    user.save()
    lot = released(chain, [(chain.raw, "10")])

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "animatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    page.goto(f"{live_server.url}/t/romans/lots/{lot.code}/")
    page.get_by_role("link", name="L7160", exact=True).click()
    alert = page.get_by_role("status").filter(has_text="ne tient pas")
    expect(alert).to_contain_text("L7160")
    expect(alert).to_contain_text("Ce qui tient")

    with page.expect_download() as download:
        page.get_by_role("link", name="L7160 recto-verso").click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(content)).pages)
    assert lot.code in text
    assert "14 place du Chapitre" in " ".join(text.split())
