import re
from decimal import Decimal

import pytest

from conserverie.recipes.models import PantryItem, Recipe
from conserverie.recipes.services import FormatSpec, recipe_create

from ..helpers import make_lot
from ..pages import assert_flat_queries, text

URL = "/t/romans/recettes/"


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


def add_recipes(chain, n):
    start = Recipe.objects.count()
    for i in range(start, start + n):
        recipe_create(
            actor=chain.actor,
            territory=chain.territory,
            code=f"R{i:03d}",
            name=f"Confiture {i}",
            ingredients=[(chain.tomato, Decimal("5"))],
            formats=[FormatSpec(chain.jar, 10, 350, "sterilisation", Decimal("110"), 40)],
            may_contain=["celery"],
        )


def new_version_post(chain, **extra):
    data = {
        "name": "Coulis de tomate au basilic",
        "shelf_life_days": "300",
        "category": "acid",
        "ph_limit": "4.3",
        "may_contain": ["celery"],
        "method": "Laver\nCuire\nMettre en bocaux",
        "ing-TOTAL_FORMS": "3",
        "ing-INITIAL_FORMS": "1",
        "ing-0-item": f"p{chain.tomato.pk}",
        "ing-0-kg": "9",
        "fmt-TOTAL_FORMS": "2",
        "fmt-INITIAL_FORMS": "1",
        "fmt-0-jar_format": chain.jar.pk,
        "fmt-0-jars_per_batch": "18",
        "fmt-0-net_weight_g": "350",
        "fmt-0-treatment": "sterilisation",
        "fmt-0-temperature_c": "115",
        "fmt-0-minutes": "40",
    }
    data.update(extra)
    return data


def test_the_range_lists_active_recipes_and_filters(coord_client, chain):
    add_recipes(chain, 2)
    page = text(coord_client.get(URL))
    assert "Coulis de tomate" in page
    assert "Confiture 1" in page
    page = text(coord_client.get(URL + "?state=to_validate"))
    assert "Confiture 1" in page
    assert "Coulis de tomate" not in page
    page = text(coord_client.get(URL + "?q=coulis"))
    assert "Coulis de tomate" in page
    assert "Confiture 1" not in page


def test_the_range_costs_the_same_queries_with_more_recipes(coord_client, chain, django_assert_num_queries):
    assert_flat_queries(coord_client, URL, lambda n: add_recipes(chain, n), django_assert_num_queries)


def test_the_detail_costs_the_same_queries_with_more_versions(coord_client, chain, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            recipe_create(
                actor=chain.actor,
                territory=chain.territory,
                code="CTOM",
                name="Coulis de tomate",
                ingredients=[(chain.tomato, Decimal("10"))],
                formats=[FormatSpec(chain.jar, 20, 350, "sterilisation", Decimal("110"), 45)],
            )

    assert_flat_queries(coord_client, f"{URL}{chain.recipe.pk}/", grow, django_assert_num_queries)


def test_the_detail_shows_what_a_cook_and_an_inspector_need(coord_client, chain):
    page = text(coord_client.get(f"{URL}{chain.recipe.pk}/"))
    assert "Tomate" in page
    assert "10 kg" in page
    assert "Stérilisation (> 100 °C)" in page
    assert "350 g" in page
    assert "DDM = date de fabrication + 365 jours" in page
    assert "aucun des 14 allergènes" in page
    assert "Barème validé par" in page


def test_the_scaling_form_answers_how_many_batches(coord_client, chain):
    sugar = PantryItem.objects.create(territory=chain.territory, name="Sucre")
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="CONF",
        name="Confiture de tomates vertes",
        ingredients=[(chain.tomato, Decimal("10")), (sugar, Decimal("5"))],
        formats=[FormatSpec(chain.jar, 25, 350, "sterilisation", Decimal("110"), 40)],
    )
    page = text(coord_client.get(f"{URL}{recipe.pk}/?kg_{chain.tomato.pk}=43"))
    assert "4 fournées" in page
    assert "soit 100 bocaux" in page
    assert "Sucre : 20 kg" in page
    assert "3 kg de Tomate restent" in page


def test_a_coordinator_writes_a_new_version_prefilled_from_the_last(coord_client, chain):
    url = f"{URL}{chain.recipe.pk}/nouvelle-version/"
    page = text(coord_client.get(url))
    assert 'value="CTOM"' in page
    assert "Coulis de tomate" in page
    lot = make_lot(chain)
    response = coord_client.post(url, new_version_post(chain))
    new = Recipe.objects.get(code="CTOM", version=2)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{new.pk}/"
    assert new.validated_at is None
    assert new.may_contain == ["celery"]  # cross-contact only: the allergens come from the ingredients
    assert new.allergens == []
    assert new.formats.get().temperature_c == Decimal("115")
    chain.recipe.refresh_from_db()
    assert not chain.recipe.is_active
    lot.refresh_from_db()
    assert lot.recipe == chain.recipe
    assert lot.recipe_snapshot["version"] == 1
    page = text(coord_client.get(f"{URL}{new.pk}/"))
    assert "v1" in page
    assert "v2" in page
    assert "pas encore validé" in page


def test_an_unsafe_schedule_is_refused_at_the_formats(coord_client, chain):
    url = f"{URL}{chain.recipe.pk}/nouvelle-version/"
    response = coord_client.post(url, new_version_post(chain, **{"fmt-0-temperature_c": "95"}))
    assert response.status_code == 422
    assert "Une stérilisation se fait au-dessus de 100 °C." in text(response)
    assert not Recipe.objects.filter(version=2).exists()


def test_validating_the_schedule_records_who_and_when(coord_client, chain, coordinator):
    add_recipes(chain, 1)
    recipe = Recipe.objects.get(code="R001")
    response = coord_client.post(f"{URL}{recipe.pk}/valider/")
    recipe.refresh_from_db()
    assert response.status_code == 302
    assert recipe.validated_by == coordinator
    assert recipe.validated_at is not None


def test_an_animator_reads_but_does_not_validate(client, chain, animator):
    client.force_login(animator)
    page = text(client.get(f"{URL}{chain.recipe.pk}/"))
    assert "Nouvelle version" not in page
    assert "Valider" not in page
    assert client.post(f"{URL}{chain.recipe.pk}/valider/").status_code == 403


def test_the_detail_shows_the_allergens_of_the_ingredients_and_may_contain(coord_client, chain):
    vinegar = PantryItem.objects.create(territory=chain.territory, name="Vinaigre de vin", allergens=["sulphites"])
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="BETT",
        name="Betteraves au vinaigre",
        ingredients=[(chain.tomato, Decimal("5")), (vinegar, Decimal("1"))],
        formats=[FormatSpec(chain.jar, 10, 340, "sterilisation", Decimal("110"), 40, 200)],
        may_contain=["nuts"],
        liquid_medium=True,
    )
    page = text(coord_client.get(f"{URL}{recipe.pk}/"))
    assert 'data-testid="allergens">Anhydride sulfureux et sulfites<' in page
    assert 'data-testid="may-contain">Fruits à coque<' in page
    assert "égoutté 200 g" in page
    # The new-version form offers only "may contain", prefilled; no allergen of an ingredient can be unticked.
    form = coord_client.get(f"{URL}{recipe.pk}/nouvelle-version/").content.decode()
    assert 'name="allergens"' not in form
    nuts = re.search(r'<input[^>]*name="may_contain"[^>]*value="nuts"[^>]*>', form).group(0)
    assert "checked" in nuts


def test_the_101_degree_one_minute_sterilisation_is_refused_at_the_form(coord_client, chain):
    url = f"{URL}{chain.recipe.pk}/nouvelle-version/"
    data = new_version_post(
        chain, category="low_acid", ph_limit="", **{"fmt-0-temperature_c": "101", "fmt-0-minutes": "1"}
    )
    response = coord_client.post(url, data)
    assert response.status_code == 422
    page = text(response)
    assert "F = 0,010 min" in page
    assert "ce barème n'est pas sûr" in page
    assert not Recipe.objects.filter(version=2).exists()
    # A low-acid target below the F0 floor is refused at the form too.
    data = new_version_post(
        chain,
        category="low_acid",
        ph_limit="",
        **{"fmt-0-target_tref_c": "121.1", "fmt-0-target_z_c": "10", "fmt-0-target_minimum_min": "2"},
    )
    assert "ne peut pas être abaissé" in text(coord_client.post(url, data))
    # The category and the targets are kept with the new version.
    data = new_version_post(chain, category="low_acid", ph_limit="", stability_at_55="on")
    assert coord_client.post(url, data).status_code == 302
    new = Recipe.objects.get(version=2)
    assert (new.category, new.stability_at_55) == ("low_acid", True)
    assert new.formats.get().target_minimum_min == Decimal("3")
