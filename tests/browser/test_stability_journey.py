"""The cook puts jars of a low-acid lot in the incubator, then records the result a week later: a swollen jar
blocks the lot (NF V08-408 practice, docs/safety-en.md)."""

from conserverie.production.models import LotStatus

from ..conftest import DAY
from ..production.test_lethality import GOOD, _lot, soup  # noqa: F401 (fixture)


def test_the_cook_records_a_failing_stability_test(live_server, chain, soup, page):  # noqa: F811
    from playwright.sync_api import expect

    lot = _lot(chain, soup, core=GOOD)
    chain.actor.set_password("Incubateur-37-degres")
    chain.actor.save()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", chain.actor.get_username())
    page.fill("#id_password", "Incubateur-37-degres")
    page.get_by_role("button", name="Entrer").click()

    page.goto(f"{live_server.url}/t/romans/lots/{lot.code}/")
    expect(page.get_by_test_id("missing-records")).to_contain_text("test de stabilité")
    start = page.get_by_test_id("stability-start-form")
    start.get_by_label("Bocaux mis en incubation").fill("2")
    start.get_by_label("Mis en incubation le").fill(DAY.isoformat())
    start.get_by_role("button", name="Mettre en incubation").click()
    expect(page.get_by_text("Bocaux en incubation jusqu'au 17/06/2026.")).to_be_visible()

    page.goto(f"{live_server.url}/t/romans/lots/")
    expect(page.get_by_test_id("stability-waiting")).to_contain_text("fin d'incubation le 17/06/2026")
    page.get_by_test_id("stability-waiting").get_by_role("link", name=lot.code).click()

    result = page.get_by_test_id("stability-result-form")
    result.get_by_label("Un bocal est bombé").check()
    result.get_by_label("pH après incubation").fill("5.2")
    result.get_by_label("Examiné le").fill("2026-06-17")
    result.get_by_role("button", name="Enregistrer le résultat").click()
    expect(page.get_by_text("Test de stabilité défavorable : le lot est bloqué.")).to_be_visible()
    expect(page.get_by_test_id("stability-tests")).to_contain_text("Instable")
    lot.refresh_from_db()
    assert lot.status == LotStatus.BLOCKED
    assert "bocal bombé" in lot.status_reason
