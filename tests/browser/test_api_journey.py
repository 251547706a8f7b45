"""A coordinator reads the API's documentation (Swagger UI from the platform's own files, under its strict CSP),
then revokes one of their tokens from the tokens page; the revoked token opens nothing any more."""

from conserverie.api.models import ApiToken
from conserverie.territories.models import Role

from ..api.conftest import new_token
from ..conftest import make_user
from .test_production_journey import PASSWORD


def test_coordinator_reads_the_docs_and_revokes_a_token(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    token = new_token(user, chain.territory, scope="read")
    row = ApiToken.objects.get(user=user)
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Conserverie API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/dfc/catalog")).to_be_visible()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert not [text for text in blocked if "script" in text], blocked

    page.goto(f"{live_server.url}/connexion/?next=/compte/jetons-api/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    line = page.get_by_test_id(f"token-{row.pk}")
    expect(line).to_contain_text(row.prefix)
    line.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_role("status")).to_contain_text("est révoqué")
    expect(page.get_by_test_id(f"token-{row.pk}")).to_contain_text("Révoqué le")

    answer = page.request.get(f"{live_server.url}/api/v1/lots", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 401
