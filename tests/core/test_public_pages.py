from decimal import Decimal

import pytest

from conserverie.production.services import lot_record

from ..conftest import DAY


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_is_public_and_french(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Prochains ateliers" in response.content.decode()


@pytest.fixture
def lot(chain):
    return lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("20"))],
        outputs={chain.jar: 10},
    )


def test_public_lot_page_names_farm_village_and_ddm_without_personal_data(client, lot, chain):
    response = client.get(f"/l/{lot.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert chain.farm.name in page
    assert "Peyrins" in page
    assert "Coulis de tomate" in page
    assert lot.best_before.strftime("%Y") in page
    assert chain.actor.username not in page


def test_public_lot_page_gives_the_workshop_place_and_serving_ideas(client, chain):
    from conserverie.recipes.models import Recipe

    Recipe.objects.filter(pk=chain.recipe.pk).update(serving_ideas="Sur des pâtes, ou dans une pizza maison.")
    chain.recipe.refresh_from_db()
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("20"))],
        outputs={chain.jar: 10},
    )
    page = client.get(f"/l/{lot.code}/").content.decode()
    assert "Idées pour le cuisiner" in page
    assert "pizza maison" in page


def test_unknown_lot_is_404(client, db):
    assert client.get("/l/NOPE-1/").status_code == 404


def test_dashboard_requires_login_and_hides_other_territories(client, chain, other_coordinator):
    assert client.get("/t/romans/").status_code == 302
    client.force_login(other_coordinator)
    assert client.get("/t/romans/").status_code == 404
    client.force_login(chain.actor)
    response = client.get("/t/romans/")
    assert response.status_code == 200
    assert "Bilan matière juste" in response.content.decode()


def test_a_viewer_reads_the_dashboard_but_no_page_with_personal_data(client, chain, viewer):
    client.force_login(viewer)
    response = client.get("/t/romans/")
    assert response.status_code == 200
    menu = response.content.decode()
    assert "/t/romans/cessions/bilan/" in menu
    assert "/t/romans/ateliers/" not in menu
    for path in ("/t/romans/ateliers/", "/t/romans/cessions/", "/t/romans/cessions/consignes/", "/t/romans/lots/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/espace/").url == "/t/romans/"
