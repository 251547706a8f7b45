"""The producer network pages: list with search and filters, map, farm page, calendar, coming weeks, forms."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.producers.models import Producer, ProducerProduct, Product, SurplusOffer
from conserverie.producers.selectors import coming_weeks, households_label
from conserverie.producers.services import offer_declare, producer_calendar_set, producer_create, producer_update
from conserverie.workshops.services import participant_create

from ..conftest import DAY
from ..helpers import forbidden, refused
from ..pages import add_lots, add_offers, assert_flat_queries, row_counts, text

LIST = "/t/romans/producteurs/"
MAP = "/t/romans/producteurs/carte/"
WEEKS = "/t/romans/producteurs/a-venir/"


@pytest.fixture(autouse=True)
def pinned_today(clock):
    clock(DAY)


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def strawberry(db):
    return Product.objects.get_or_create(
        name="Fraise", defaults={"category": Product.Category.FRUIT, "shelf_life_days": 2}
    )[0]


def farm(coordinator, territory, name, **extra):
    kwargs = {"commune": "Peyrins", "lat": Decimal("45.09"), "lon": Decimal("5.04"), "distance_km": Decimal("6.2")}
    kwargs.update(extra)
    return producer_create(actor=coordinator, territory=territory, name=name, **kwargs)


@pytest.fixture
def network(chain, coordinator, strawberry):
    """Four farms besides the chain's: different networks, certifications, distances and products."""
    t = chain.territory
    farms = {
        "lilas": farm(
            coordinator,
            t,
            "Ferme des Lilas",
            commune="Alixan",
            networks="CIVAM, AMAP",
            certification_expiry=DAY + timedelta(days=20),
            distance_km=Decimal("12.0"),
        ),
        "loin": farm(
            coordinator,
            t,
            "Ferme Lointaine",
            commune="Hauterives",
            networks="Agricourt",
            certification_expiry=DAY - timedelta(days=3),
            distance_km=Decimal("28.5"),
        ),
        "conv": farm(
            coordinator,
            t,
            "Jardin en Conversion",
            commune="Mours",
            organic_certified=False,
            networks="La Ruche qui dit oui",
            distance_km=Decimal("3.0"),
        ),
        "sure": farm(
            coordinator,
            t,
            "Ferme Tranquille",
            commune="Clérieux",
            networks="Agribiodrôme",
            certification_expiry=DAY + timedelta(days=400),
            distance_km=Decimal("9.0"),
        ),
    }
    producer_calendar_set(actor=coordinator, producer=farms["lilas"], months={strawberry: [5, 6], chain.tomato: [7]})
    producer_calendar_set(actor=coordinator, producer=farms["sure"], months={chain.tomato: [6, 7, 8]})
    return farms


def names(response):
    """The farms listed (sorted here: the database's collation decides where « des » goes)."""
    return sorted(p.name for p in response.context["page"].object_list)


def test_the_list_shows_every_farm_of_the_territory_only(staff_client, network, other_chain):
    response = staff_client.get(LIST)
    assert response.status_code == 200
    assert names(response) == sorted(
        [
            "Ferme des Lilas",
            "Ferme des Tests ROM",
            "Ferme Lointaine",
            "Ferme Tranquille",
            "Jardin en Conversion",
        ]
    )
    assert other_chain.farm.name not in text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lilas"}, ["Ferme des Lilas"]),
        ({"q": "hauterives"}, ["Ferme Lointaine"]),
        ({"network": "AMAP"}, ["Ferme des Lilas"]),
        ({"network": "La Ruche qui dit oui"}, ["Jardin en Conversion"]),
        ({"cert": "none"}, ["Jardin en Conversion"]),
        ({"cert": "expired"}, ["Ferme Lointaine"]),
        ({"cert": "expiring"}, ["Ferme des Lilas"]),
        ({"cert": "expiring", "days": "500"}, ["Ferme des Lilas", "Ferme Tranquille"]),
        ({"km": "9"}, ["Ferme des Tests ROM", "Ferme Tranquille", "Jardin en Conversion"]),
        ({"km": "9", "cert": "organic"}, ["Ferme des Tests ROM", "Ferme Tranquille"]),
        ({"km": "pas un nombre"}, None),
    ],
)
def test_search_and_filters(staff_client, network, params, expected):
    response = staff_client.get(LIST, params)
    assert response.status_code == 200
    assert names(response) == sorted(expected or names(staff_client.get(LIST)))


def test_the_product_filter_reads_the_farms_calendar(staff_client, network, strawberry, chain):
    response = staff_client.get(LIST, {"product": strawberry.pk})
    assert names(response) == ["Ferme des Lilas"]
    assert response.context["page"].object_list[0].product_count == 2  # all its products, not just the filtered one
    assert names(staff_client.get(LIST, {"product": chain.tomato.pk})) == sorted(
        ["Ferme des Lilas", "Ferme Tranquille"]
    )


def test_the_list_shows_the_certification_state(staff_client, network):
    page = text(staff_client.get(LIST))
    assert "expirée le 07/06/2026" in page
    assert "à renouveler avant le 30/06/2026" in page
    assert "non certifiée" in page


def test_paging_keeps_the_filters(staff_client, chain, coordinator):
    for i in range(27):
        farm(coordinator, chain.territory, f"Ferme {i:02d}", networks="CIVAM")
    page = text(staff_client.get(LIST, {"network": "CIVAM"}))
    assert "Page 1 sur 2" in page
    assert "network=CIVAM&amp;page=2" in staff_client.get(LIST, {"network": "CIVAM"}).content.decode()


def test_list_query_count_does_not_grow(staff_client, chain, coordinator, django_assert_num_queries):
    def grow(n):
        start = Producer.objects.count()
        for i in range(n):
            f = farm(coordinator, chain.territory, f"Ferme {start + i}")
            producer_calendar_set(actor=coordinator, producer=f, months={chain.tomato: [6]})

    assert_flat_queries(staff_client, LIST + "?cert=organic&km=20", grow, django_assert_num_queries)


def test_the_map_gives_markers_the_radius_and_a_list(staff_client, network, chain, settings):
    settings.MAP_TILE_URL = ""
    response = staff_client.get(MAP)
    data = response.context["map_data"]
    assert data["tiles"] == ""
    assert data["radius_m"] == 30_000
    assert data["hub"] == {"lat": 45.0431, "lon": 5.0511, "name": "Romans"}
    assert len(data["points"]) == 5
    lilas = next(p for p in data["points"] if p["name"] == "Ferme des Lilas")
    assert lilas["url"] == f"/t/romans/producteurs/{network['lilas'].pk}/"
    page = text(response)
    assert 'id="producer-map-data"' in page
    assert "js/producer-map.js" in page
    assert "Ferme Lointaine" in page
    assert "rayon de collecte de 30 km" in page


def test_the_map_warns_about_farms_outside_the_radius(staff_client, chain, coordinator):
    farm(coordinator, chain.territory, "Ferme Trop Loin", distance_km=Decimal("41"))
    assert "1 ferme hors du rayon de collecte." in text(staff_client.get(MAP))


def test_map_query_count_does_not_grow(staff_client, chain, coordinator, django_assert_num_queries):
    def grow(n):
        start = Producer.objects.count()
        for i in range(n):
            farm(coordinator, chain.territory, f"Ferme {start + i}")

    assert_flat_queries(staff_client, MAP, grow, django_assert_num_queries)


# The farm page


def test_the_farm_page_shows_details_offers_seasons_and_outcome(staff_client, chain, network):
    add_offers(chain, 2)
    add_lots(chain, 2, jars=10)
    response = staff_client.get(f"{LIST}{chain.farm.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Ferme des Tests ROM" in page
    assert "2 offres" in page
    assert "21 kg" in page
    assert response.context["seasons"] == [
        {
            "season": 2026,
            "kg": Decimal("100"),
            "products": [{"name": "Tomate", "kg": Decimal("100"), "lots": 3}],
        }
    ]
    assert response.context["outcome"] == {
        "year": None,
        "kg": Decimal("100"),
        "lots": 2,
        "jars": 20,
        "households": "moins de 5",
    }


def test_households_below_five_are_never_counted_out(chain, coordinator):
    assert [households_label(n) for n in (0, 1, 4, 5, 12)] == ["moins de 5"] * 3 + ["5", "12"]


def test_households_reached_counts_jars_taken_home(staff_client, chain):
    from ..pages import add_distributions

    add_distributions(chain, 3)
    response = staff_client.get(f"{LIST}{chain.farm.pk}/")
    assert response.context["outcome"]["households"] == "moins de 5"  # one participant took jars home
    assert "Aïcha" not in text(response)


def test_the_farm_page_never_names_a_resident(staff_client, chain):
    participant_create(territory=chain.territory, first_name="Zéphirine", consent=True)
    add_lots(chain, 1)
    assert "Zéphirine" not in text(staff_client.get(f"{LIST}{chain.farm.pk}/"))


def test_a_farm_of_another_territory_is_404(staff_client, chain, other_chain):
    assert staff_client.get(f"{LIST}{other_chain.farm.pk}/").status_code == 404
    assert staff_client.post(f"{LIST}{other_chain.farm.pk}/calendrier/", {}).status_code == 404


def test_farm_page_query_count_does_not_grow(staff_client, chain, django_assert_num_queries):
    def grow(n):
        add_offers(chain, n)
        add_lots(chain, n)

    assert_flat_queries(staff_client, f"{LIST}{chain.farm.pk}/", grow, django_assert_num_queries)


# The seasonal calendar


def test_the_calendar_is_edited_on_the_farm_page(staff_client, chain, strawberry):
    producer_calendar_set(actor=chain.actor, producer=chain.farm, months={chain.tomato: [6, 7]})
    url = f"{LIST}{chain.farm.pk}/calendrier/"
    data = {f"m_{chain.tomato.pk}": ["7", "8", "9"], "new_product": strawberry.pk, "new_months": ["5", "6"]}
    assert staff_client.post(url, data).status_code == 302
    rows = {e.product.name: e.months for e in ProducerProduct.objects.filter(producer=chain.farm)}
    assert rows == {"Tomate": "7,8,9", "Fraise": "5,6"}
    # Unticking every month of a product takes it off the calendar.
    assert staff_client.post(url, {f"m_{strawberry.pk}": ["5"]}).status_code == 302
    assert [e.product.name for e in ProducerProduct.objects.filter(producer=chain.farm)] == ["Fraise"]


def test_a_new_product_needs_a_month(staff_client, chain, strawberry):
    before = row_counts()
    response = staff_client.post(f"{LIST}{chain.farm.pk}/calendrier/", {"new_product": strawberry.pk})
    assert response.status_code == 422
    assert "Cochez au moins un mois" in text(response)
    assert row_counts() == before


def test_calendar_service_refuses_a_bad_month_and_other_territories(chain, other_coordinator, viewer):
    with refused("months", "Un mois est un nombre de 1 à 12."):
        producer_calendar_set(actor=chain.actor, producer=chain.farm, months={chain.tomato: [13]})
    for actor in (other_coordinator, viewer):
        with forbidden():
            producer_calendar_set(actor=actor, producer=chain.farm, months={chain.tomato: [6]})


def test_the_coming_weeks_cross_calendars_and_open_offers(chain, network, strawberry, coordinator):
    offer_declare(
        actor=coordinator,
        territory=chain.territory,
        producer=network["sure"],
        product=chain.tomato,
        kg_estimated=Decimal("90"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY + timedelta(days=14),
        available_until=DAY + timedelta(days=16),
    )
    weeks = coming_weeks(chain.territory, DAY)  # DAY is Wednesday 10 June 2026
    assert weeks["mondays"][0].isoformat() == "2026-06-08"
    assert len(weeks["mondays"]) == 8
    by_name = {row["product"].name: row["cells"] for row in weeks["rows"]}
    assert [len(c["farms"]) for c in by_name["Fraise"]] == [1, 1, 1, 0, 0, 0, 0, 0]  # June only (Thursday rule)
    assert [len(c["farms"]) for c in by_name["Tomate"]] == [1, 1, 1, 2, 2, 2, 2, 2]
    assert [[o.kg_estimated for o in c["offers"]] for c in by_name["Tomate"]][2] == [Decimal("90")]
    assert sum(len(c["offers"]) for c in by_name["Tomate"]) == 1


def test_the_coming_weeks_page(staff_client, network):
    response = staff_client.get(WEEKS)
    page = text(response)
    assert response.status_code == 200
    assert "sem. du 08/06" in page
    assert "Fraise" in page


def test_coming_weeks_query_count_does_not_grow(
    staff_client, chain, coordinator, strawberry, django_assert_num_queries
):
    def grow(n):
        add_offers(chain, n)
        start = Producer.objects.count()
        for i in range(n):
            f = farm(coordinator, chain.territory, f"Ferme {start + i}")
            producer_calendar_set(actor=coordinator, producer=f, months={strawberry: [6], chain.tomato: [6, 7]})

    assert_flat_queries(staff_client, WEEKS, grow, django_assert_num_queries)


# Create and edit


def test_a_coordinator_adds_a_farm_and_its_distance_is_computed(coord_client, romans):
    data = {
        "name": "Ferme Neuve",
        "commune": "Alixan",
        "lat": "44.98",
        "lon": "5.03",
        "organic_certified": "on",
        "networks": "CIVAM",
        "is_active": "on",
    }
    response = coord_client.post(f"{LIST}nouveau/", data)
    producer = Producer.objects.get(name="Ferme Neuve")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{producer.pk}/"
    assert producer.distance_km == Decimal("7.2")
    assert producer.organic_certified
    assert producer.is_active


def test_a_duplicate_name_is_refused_on_the_form(coord_client, chain):
    before = row_counts()
    response = coord_client.post(f"{LIST}nouveau/", {"name": chain.farm.name, "commune": "X", "lat": "45", "lon": "5"})
    assert response.status_code == 422
    assert "existe déjà" in text(response)
    assert row_counts() == before


def test_a_coordinator_edits_a_farm(coord_client, chain):
    url = f"{LIST}{chain.farm.pk}/modifier/"
    assert chain.farm.name in text(coord_client.get(url))
    data = {
        "name": "Ferme Renommée",
        "commune": "Peyrins",
        "lat": "45.09",
        "lon": "5.04",
        "distance_km": "6.5",
        "networks": "AMAP",
    }
    assert coord_client.post(url, data).status_code == 302
    chain.farm.refresh_from_db()
    assert chain.farm.name == "Ferme Renommée"
    assert chain.farm.distance_km == Decimal("6.5")
    assert not chain.farm.organic_certified
    assert not chain.farm.is_active


def test_an_out_of_range_latitude_is_refused(coord_client, chain):
    response = coord_client.post(
        f"{LIST}{chain.farm.pk}/modifier/", {"name": "F", "commune": "P", "lat": "91", "lon": "5"}
    )
    assert response.status_code == 422
    chain.farm.refresh_from_db()
    assert chain.farm.name == "Ferme des Tests ROM"


def test_producer_update_is_for_coordinators_of_the_territory(chain, animator, other_coordinator):
    for actor in (animator, other_coordinator):
        with forbidden():
            producer_update(actor=actor, producer=chain.farm, name="Pirate")


def test_animators_cannot_open_the_forms(staff_client, chain):
    assert staff_client.get(f"{LIST}nouveau/").status_code == 404
    assert staff_client.get(f"{LIST}{chain.farm.pk}/modifier/").status_code == 404


# Export


def test_the_export_follows_the_filters(staff_client, network):
    response = staff_client.get(f"{LIST}export.csv", {"network": "AMAP"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("nom;commune;latitude")
    assert len(lines) == 2
    assert lines[1].startswith("Ferme des Lilas;")
    xlsx = staff_client.get(f"{LIST}export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert staff_client.get(f"{LIST}export.pdf").status_code == 404


def test_viewer_and_other_territory_get_404(client, chain, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        for url in (LIST, MAP, WEEKS, f"{LIST}{chain.farm.pk}/", f"{LIST}export.csv"):
            assert client.get(url).status_code == 404, url
