"""The flower pages: the flower and a petal for staff and viewers, the coordinators' forms, isolation, query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.services import dimensions_create_defaults, indicator_create, indicator_value_record

from ..conftest import make_user
from ..pages import assert_flat_queries, text
from .flower_data import attend, build_season, flower_with_indicators, person, workshop

URL = "/t/romans/impact/"


def petal_url(dimension, period="2026"):
    return f"{URL}petale/{dimension.pk}/?periode={period}"


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def flower(chain):
    build_season(chain)
    result = flower_with_indicators(chain)
    indicator_value_record(
        actor=chain.actor, indicator=result.manual, period="2026", value=Decimal("5"), source_note="Carnet"
    )
    indicator_value_record(
        actor=chain.actor, indicator=result.manual, period="2025", value=Decimal("2"), source_note="Carnet"
    )
    return result


def test_the_flower_beside_the_previous_period(coord_client, flower):
    response = coord_client.get(URL, {"periode": "2026"})
    assert response.status_code == 200
    page = text(response)
    assert page.count('class="impact-flower"') == 2
    assert page.count('class="petal"') == 12
    assert "Fleur de l'utilité sociale — 2026" in page
    assert "Période précédente : 2025" in page
    assert f"/t/romans/impact/petale/{flower.dimensions[0].pk}/?periode=2026" in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0] if "<main" in page else True


def test_the_period_picker(coord_client, flower):
    page = text(coord_client.get(URL, {"year": "2026", "season": "ete"}))
    assert "Fleur de l'utilité sociale — Été 2026" in page
    assert "Printemps 2026" in page
    page = text(coord_client.get(URL, {"start": "2026-06-01", "end": "2026-06-30"}))
    assert "du 01/06/2026 au 30/06/2026" in page
    page = text(coord_client.get(URL, {"periode": "jamais"}))
    assert "Période illisible" in page
    page = text(coord_client.get(URL, {"start": "2026-06-30", "end": "2026-06-01"}))
    assert "La fin de la période est avant son début." in page


def test_the_petal_page(coord_client, flower, chain):
    response = coord_client.get(petal_url(flower.dimensions[0]))
    page = text(response)
    assert response.status_code == 200
    assert "Alimentation saine et accessible" in page
    assert "Foyers touchés" in page
    assert "Repas partagés" in page
    assert "<strong>50/100</strong>" in page
    assert "(2025 : 20/100)" in page
    assert "▲ +3" in page  # meals 2 → 5
    assert "Carnet" in page
    assert f"/t/romans/impact/indicateurs/{flower.manual.pk}/valeur/?periode=2026" in page


def test_petal_hides_small_groups(coord_client, chain):
    result = flower_with_indicators(chain)
    w = workshop(chain, date(2026, 6, 12))
    for i in range(3):
        attend(chain, w, person(chain, f"R{i}"))
    page = text(coord_client.get(petal_url(result.dimensions[0])))
    assert "masqué (< 5 personnes)" in page


def test_quotes_on_the_petal_viewers_see_only_selected_ones(client, coordinator, viewer, flower):
    from conserverie.impact.surveys.services import TestimonyData, testimony_save

    dimension = flower.dimensions[1]
    for said, selected in (("On se parle enfin entre voisins.", True), ("Brouillon pas relu.", False)):
        testimony_save(
            actor=coordinator,
            territory=dimension.territory,
            data=TestimonyData(
                text=said,
                audience="residents",
                said_on=date(2026, 6, 20),
                dimensions=[dimension],
                role="habitante",
                selected=selected,
            ),
        )
    client.force_login(coordinator)
    page = text(client.get(petal_url(dimension)))
    assert "On se parle enfin entre voisins." in page
    assert "Brouillon pas relu." in page
    client.force_login(viewer)
    page = text(client.get(petal_url(dimension)))
    assert "On se parle enfin entre voisins." in page
    assert "Brouillon pas relu." not in page
    page = text(client.get(petal_url(dimension, "2025")))
    assert "On se parle enfin" not in page


def test_viewers_read_the_flower_but_not_the_editing_pages(client, viewer, flower):
    client.force_login(viewer)
    page = text(client.get(URL, {"periode": "2026"}))
    assert client.get(URL).status_code == 200
    assert "Dimensions et indicateurs" not in page
    page = text(client.get(petal_url(flower.dimensions[0])))
    assert "Saisir" not in page
    assert "Modifier" not in page
    assert client.get(f"{URL}dimensions/").status_code == 404
    assert client.get(f"{URL}indicateurs/{flower.manual.pk}/valeur/").status_code == 404


def test_another_territory_never_sees_this_flower(client, flower, other_coordinator, other):
    client.force_login(other_coordinator)
    for url in (URL, petal_url(flower.dimensions[0]), f"{URL}fleur.svg", f"{URL}dimensions/"):
        assert client.get(url).status_code == 404
    theirs = dimensions_create_defaults(other.territory)
    client.force_login(make_user("coord-2", flower.dimensions[0].territory, "coordinator"))
    assert client.get(petal_url(theirs[0])).status_code == 404
    assert client.get(f"{URL}dimensions/{theirs[0].pk}/").status_code == 404


def test_the_svg_download(coord_client, flower):
    response = coord_client.get(f"{URL}fleur.svg", {"periode": "2026-ete"})
    assert response["Content-Type"] == "image/svg+xml"
    assert 'filename="fleur-romans-2026-ete.svg"' in response["Content-Disposition"]
    assert response.content.startswith(b"<svg")


def test_empty_flower_offers_the_six_defaults(coord_client, romans):
    page = text(coord_client.get(URL))
    assert "Créer les six dimensions de départ" in page
    response = coord_client.post(f"{URL}dimensions/defaut/")
    assert response.status_code == 302
    assert Dimension.objects.filter(territory=romans.territory).count() == 6
    assert coord_client.get(f"{URL}dimensions/defaut/").status_code == 405


def test_coordinator_edits_a_dimension(coord_client, flower):
    dimension = flower.dimensions[0]
    url = f"{URL}dimensions/{dimension.pk}/"
    assert "Alimentation saine" in text(coord_client.get(url))
    response = coord_client.post(url, {"name": "Bien manger", "description": "", "colour": "#ff0000", "order": 3})
    assert response.status_code == 302
    dimension.refresh_from_db()
    assert (dimension.name, dimension.colour, dimension.order) == ("Bien manger", "#ff0000", 3)
    response = coord_client.post(url, {"name": flower.dimensions[1].name, "colour": "#ff0000", "order": 3})
    assert response.status_code == 422
    assert "Une dimension porte déjà ce nom" in text(response)
    response = coord_client.post(f"{URL}dimensions/nouvelle/", {"name": "Culture", "colour": "rouge", "order": 7})
    assert response.status_code == 422
    assert not Dimension.objects.filter(name="Culture").exists()
    response = coord_client.post(f"{URL}dimensions/nouvelle/", {"name": "Culture", "colour": "#123456", "order": 7})
    assert response.status_code == 302
    assert Dimension.objects.filter(name="Culture").exists()


def test_coordinator_adds_an_indicator_and_enters_a_value(coord_client, flower):
    dimension = flower.dimensions[2]
    assert coord_client.get(f"{URL}indicateurs/nouveau/", {"dimension": dimension.pk}).status_code == 200
    data = {
        "dimension": dimension.pk,
        "name": "Bénévoles au conseil",
        "source": "manual",
        "computation": "",
        "unit": "personnes",
        "target": "6",
        "weight": "1",
        "higher_is_better": "on",
        "manual_source": "Procès-verbaux",
        "order": "1",
    }
    assert coord_client.post(f"{URL}indicateurs/nouveau/", data).status_code == 302
    indicator = Indicator.objects.get(name="Bénévoles au conseil")
    bad = coord_client.post(f"{URL}indicateurs/nouveau/", {**data, "name": "Calcul", "source": "computed"})
    assert bad.status_code == 422
    assert "Choisissez le calcul" in text(bad)
    url = f"{URL}indicateurs/{indicator.pk}/valeur/"
    assert "Procès-verbaux" in text(coord_client.get(url, {"periode": "2026"}))
    response = coord_client.post(url, {"period": "2026", "value": "4", "source_note": "PV du 3 mai"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"petale/{dimension.pk}/?periode=2026")
    assert IndicatorValue.objects.get(indicator=indicator).value == 4
    response = coord_client.post(url, {"period": "un jour", "value": "4", "source_note": "PV"})
    assert response.status_code == 422
    assert "Période illisible" in text(response)
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1
    # A computed indicator takes no hand-entered value: the page does not exist for it.
    assert coord_client.get(f"{URL}indicateurs/{flower.kg.pk}/valeur/").status_code == 404
    response = coord_client.post(
        f"{URL}indicateurs/{flower.kg.pk}/",
        {
            **data,
            "dimension": flower.kg.dimension_id,
            "name": "Kilos sauvés",
            "source": "computed",
            "computation": "kg_saved",
            "target": "200",
            "unit": "",
        },
    )
    assert response.status_code == 302
    flower.kg.refresh_from_db()
    assert (flower.kg.target, flower.kg.unit) == (200, "kg")


def _grow(chain, dimensions):
    counter = {"n": 0}

    def grow(n):
        for _ in range(n):
            i = counter["n"] = counter["n"] + 1
            indicator_create(
                actor=chain.actor, dimension=dimensions[i % 6], name=f"Manuel {i}", source="manual", target=10
            )
            manual = Indicator.objects.get(name=f"Manuel {i}")
            indicator_value_record(actor=chain.actor, indicator=manual, period="2026", value=i, source_note="x")
            indicator_create(
                actor=chain.actor,
                dimension=dimensions[(i + 1) % 6],
                name=f"Calcul {i}",
                source="computed",
                computation=["farms", "households", "kg_saved", "round_km"][i % 4],
                target=10,
            )
            indicator_create(
                actor=chain.actor, dimension=dimensions[(i + 2) % 6], name=f"Enquête {i}", source="survey", target=4
            )
            w = workshop(chain, date(2026, 7, 1) + timedelta(days=i))
            for j in range(2):
                attend(chain, w, person(chain, f"G{i}-{j}"))

    return grow


def test_flower_page_queries_do_not_grow(coord_client, chain, django_assert_num_queries):
    dimensions = dimensions_create_defaults(chain.territory)
    grow = _grow(chain, dimensions)
    grow(4)  # every kind of computation present before counting
    assert_flat_queries(coord_client, f"{URL}?periode=2026", grow, django_assert_num_queries)


def test_petal_page_queries_do_not_grow(coord_client, chain, django_assert_num_queries):
    dimensions = dimensions_create_defaults(chain.territory)
    grow = _grow(chain, dimensions)
    grow(4)
    assert_flat_queries(coord_client, petal_url(dimensions[1]), grow, django_assert_num_queries)


def test_dimensions_page_queries_do_not_grow(coord_client, chain, django_assert_num_queries):
    dimensions = dimensions_create_defaults(chain.territory)
    assert_flat_queries(coord_client, f"{URL}dimensions/", _grow(chain, dimensions), django_assert_num_queries)
