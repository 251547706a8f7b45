"""The replication kit's screens and the network view, as people use them."""

import re
from decimal import Decimal

import pytest

from conserverie.impact.models import Dimension
from conserverie.replication.services import NewTerritory, SiteSpec, StructureSpec, territory_create_from_template
from conserverie.territories.models import Membership, Role, Site, Territory
from conserverie.workshops.models import Workshop

from ..helpers import next_monday, table_counts
from ..pages import add_distributions, add_workshops, assert_flat_queries, text

STEP1 = {
    "name": "Crest",
    "slug": "crest",
    "code": "cre",
    "organisation": "Centre social de Crest (fictif)",
    "address": "",
    "hub_lat": "44.7286",
    "hub_lon": "5.0223",
    "radius_km": "25",
}


def formset(prefix, rows, total):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    for index in range(len(rows), total):
        data[f"{prefix}-{index}-kind"] = "market" if prefix == "sites" else "social_centre"
    return data


STEP2 = {
    **formset("structures", [{"name": "Centre social de Crest", "kind": "social_centre", "city": "Crest"}], 4),
    **formset(
        "sites",
        [{"name": "Place du marché", "kind": "market", "city": "Crest", "structure": "Centre social de Crest"}],
        6,
    ),
}


def test_the_three_screens_create_the_territory(client, chain, coordinator):
    client.force_login(coordinator)
    base = "/t/romans/transfert/"
    # A wrong first screen keeps what was typed and says why at the field.
    response = client.post(base, {**STEP1, "hub_lat": "beaucoup"})
    assert response.status_code == 422
    assert 'value="Crest"' in text(response)
    assert client.post(base, STEP1).url == f"{base}lieux/"
    # No structure at all: refused, the sites typed are kept.
    empty = {
        **formset("structures", [], 4),
        **formset("sites", [{"name": "Halle", "kind": "market", "city": "Die"}], 6),
    }
    response = client.post(f"{base}lieux/", empty)
    assert response.status_code == 422
    assert "Indiquez au moins une structure" in text(response)
    assert 'value="Halle"' in text(response)
    assert client.post(f"{base}lieux/", STEP2).url == f"{base}confirmer/"
    page = text(client.get(f"{base}confirmer/"))
    assert "Crest" in page
    assert "1 structure" in page
    before = table_counts()
    response = client.post(f"{base}confirmer/", {"vehicle_name": "", "vehicle_capacity_kg": "600", "copy": ["recipes"]})
    assert response.status_code == 422
    assert table_counts() == before
    response = client.post(
        f"{base}confirmer/", {"vehicle_name": "Camion", "vehicle_capacity_kg": "600", "copy": ["recipes", "prices"]}
    )
    assert response.url == "/t/crest/transfert/demarrage/"
    crest = Territory.objects.get(slug="crest")
    assert crest.code == "CRE"
    assert Membership.objects.get(territory=crest).role == Role.COORDINATOR
    assert Site.objects.get(territory=crest).structure.name == "Centre social de Crest"
    # The draft is gone: the kit starts afresh next time.
    assert client.get(f"{base}confirmer/").url == f"{base}lieux/"


def test_a_slug_taken_meanwhile_is_refused_at_the_last_screen(client, chain, coordinator, other):
    client.force_login(coordinator)
    client.post("/t/romans/transfert/", {**STEP1, "slug": "vercors"})
    client.post("/t/romans/transfert/lieux/", STEP2)
    response = client.post(
        "/t/romans/transfert/confirmer/", {"vehicle_name": "Camion", "vehicle_capacity_kg": "600", "copy": []}
    )
    assert response.status_code == 422
    assert "Cet identifiant est déjà pris" in text(response)


@pytest.fixture
def crest(chain, coordinator):
    return territory_create_from_template(
        actor=coordinator,
        template=chain.territory,
        spec=NewTerritory(
            name="Crest",
            slug="crest",
            code="CRE",
            hub_lat=Decimal("44.7286"),
            hub_lon=Decimal("5.0223"),
            structures=(StructureSpec(name="Centre social"),),
            sites=(
                SiteSpec(name="Marché", kind="market", city="Crest", structure="Centre social"),
                SiteSpec(name="Place", kind="village", city="Aouste-sur-Sye"),
            ),
            vehicle_name="Camion",
        ),
    )


def test_the_launch_page_proposes_a_season_and_creates_it(client, crest, coordinator):
    client.force_login(coordinator)
    page = text(client.get("/t/crest/transfert/demarrage/"))
    assert "mardi" in page
    assert "jeudi" in page
    assert "1 recette attend la validation" in page
    response = client.get(
        "/t/crest/transfert/demarrage/",
        {"first_date": next_monday().isoformat(), "workshops_per_week": "9", "weeks": "30"},
    )
    assert "Assurez-vous que cette valeur est inférieure ou égale à 5" in text(response)
    assert not Workshop.objects.filter(territory=crest).exists()
    response = client.post(
        "/t/crest/transfert/demarrage/",
        {"first_date": next_monday().isoformat(), "workshops_per_week": "2", "weeks": "10"},
    )
    assert response.url == "/t/crest/ateliers/"
    assert Workshop.objects.filter(territory=crest).count() == 20
    assert set(Workshop.objects.filter(territory=crest).values_list("site__territory", flat=True)) == {crest.pk}


def test_the_kit_is_for_coordinators_of_the_template(client, chain, animator, other_coordinator):
    for person in (animator, other_coordinator):
        client.force_login(person)
        assert client.get("/t/romans/transfert/").status_code == 404
        assert client.post("/t/romans/transfert/", STEP1).status_code == 404
    assert not Territory.objects.filter(slug="crest").exists()


def test_the_network_view_shows_only_the_territories_a_person_may_read(
    client, chain, other_chain, make_user_in_both, viewer
):
    client.force_login(make_user_in_both)
    page = text(client.get("/reseau/"))
    assert "Romans" in page
    assert "Vercors" in page
    client.force_login(viewer)
    page = text(client.get("/reseau/"))
    assert "Romans" in page
    assert "Vercors" not in page


@pytest.fixture
def make_user_in_both(chain, other_chain):
    from ..conftest import make_user

    person = make_user("federation", chain.territory, Role.VIEWER)
    Membership.objects.create(user=person, territory=other_chain.territory, role=Role.VIEWER)
    return person


def test_the_network_view_hides_small_groups_and_shows_flowers(client, chain, viewer):
    Dimension.objects.create(territory=chain.territory, name="Liens sociaux", colour="#ff9800")
    add_workshops(chain, 1, registrations=2)
    client.force_login(viewer)
    page = text(client.get("/reseau/"))
    assert "moins de 5" in page
    assert "<svg" in page
    assert "Liens sociaux" in page
    response = client.get("/reseau/", {"periode": "pas-une-periode"})
    assert response.status_code == 200
    assert "is-invalid" in text(response)


@pytest.fixture
def federation_of_fourteen(db, chain, other_chain):
    """A federation viewer of Romans and 13 more territories (Vercors is not theirs): two pages of the network
    view."""
    from ..conftest import make_territory, make_user

    person = make_user("federation", chain.territory, Role.VIEWER)
    names = ["Drôme des collines", "Ardèche verte", "Diois", *(f"Vallée {n:02d}" for n in range(10))]
    for index, name in enumerate(names):
        place = make_territory(f"t{index}", f"T{index:02d}", name)
        Membership.objects.create(user=person, territory=place.territory, role=Role.VIEWER)
    return person


def _columns(page: str) -> list[str]:
    return re.findall(r'<th scope="col" class="text-end">([^<]+)</th>', page)


def test_the_network_view_shows_eight_territories_a_page_by_name(client, federation_of_fourteen, monkeypatch):
    from conserverie.reporting.views import network

    read = []
    real = network.flower_batch
    monkeypatch.setattr(
        network, "flower_batch", lambda ts, period: read.append([t.name for t in ts]) or real(ts, period)
    )
    client.force_login(federation_of_fourteen)
    page = text(client.get("/reseau/", {"periode": "2025"}))
    first = _columns(page)
    assert first == ["Ardèche verte", "Diois", "Drôme des collines", "Romans", *(f"Vallée {n:02d}" for n in range(4))]
    assert read == [first], "the figures and flowers of the page's territories only"
    assert "14 territoires — Page 1 sur 2" in page
    assert "Vercors" not in page
    assert "?periode=2025&amp;page=2" in client.get("/reseau/", {"periode": "2025"}).content.decode()
    page = text(client.get("/reseau/", {"periode": "2025", "page": "2"}))
    assert _columns(page) == [f"Vallée {n:02d}" for n in range(4, 10)]
    assert "Page 2 sur 2" in page
    assert 'value="2025"' in page, "the period is kept from page to page"
    assert _columns(text(client.get("/reseau/", {"page": "99"}))) == [f"Vallée {n:02d}" for n in range(4, 10)]


def test_the_network_view_finds_a_territory_by_name(client, federation_of_fourteen):
    client.force_login(federation_of_fourteen)
    page = text(client.get("/reseau/", {"q": "drome", "periode": "2026-printemps"}))
    assert _columns(page) == ["Drôme des collines"], "found without its accent"
    assert "1 territoire sur 14 correspond à « drome »" in page
    assert 'value="2026-printemps"' in page, "the period is kept in the search"
    assert 'href="?periode=2026-printemps"' in page, "back to every territory, same period"
    assert _columns(text(client.get("/reseau/", {"q": "VALLÉE"}))) == [f"Vallée {n:02d}" for n in range(8)]
    assert _columns(text(client.get("/reseau/", {"q": "VALLÉE", "page": "2"}))) == ["Vallée 08", "Vallée 09"]
    page = text(client.get("/reseau/", {"q": "Vercors"}))
    assert _columns(page) == [], "a territory the person may not read is never found"
    assert "Aucun territoire ne correspond à cette recherche." in page


def test_a_person_with_no_territory_gets_404(client, db):
    from ..conftest import make_user

    client.force_login(make_user("personne"))
    assert client.get("/reseau/").status_code == 404


def test_network_view_queries_do_not_grow_with_the_data(client, chain, viewer, django_assert_num_queries):
    client.force_login(viewer)

    def grow(n):
        add_workshops(chain, n, registrations=2)
        add_distributions(chain, n)

    assert_flat_queries(client, "/reseau/", grow, django_assert_num_queries)


def test_launch_page_queries_do_not_grow_with_the_data(client, crest, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    structure = crest.structures.first()

    def grow(n):
        for index in range(n):
            Site.objects.create(
                territory=crest,
                name=f"Lieu {Site.objects.count()}-{index}",
                kind="market",
                city="Crest",
                structure=structure,
            )

    assert_flat_queries(client, "/t/crest/transfert/demarrage/", grow, django_assert_num_queries)
