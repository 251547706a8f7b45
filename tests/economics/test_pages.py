"""The economics pages: what each shows, forms that keep what was typed, flat query counts, isolation."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conserverie.economics.models import CostItem, CostParameters, Scenario
from conserverie.economics.services import cost_item_add, scenario_save

from ..conftest import DAY
from ..pages import add_distributions, add_lots, add_workshops, assert_flat_queries, text
from .conftest import SEASON

PERIOD = f"?from={SEASON[0].isoformat()}&to={SEASON[1].isoformat()}"


def url(name, territory, **kwargs):
    return reverse(f"economics:{name}", kwargs={"slug": territory.slug, **kwargs})


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_summary_shows_the_unit_economics(books, coord_client):
    page = text(coord_client.get(url("summary", books.territory) + PERIOD))
    assert "38,76 €" in page  # cost per jar (test_costs.py works it out)
    assert "Moins de 5 personnes" in page
    assert "Pas atteignable à ces prix" in page
    assert "6,00 €" in text(coord_client.get(url("summary", books.territory) + PERIOD))  # deposits still owed
    assert "100 kg collectés dans 1 ferme" in page
    assert "Aide au démarrage" not in page  # the summary shows categories, not the items


def test_a_viewer_reads_the_summary_but_not_the_books(books, client, viewer):
    client.force_login(viewer)
    assert client.get(url("summary", books.territory) + PERIOD).status_code == 200
    assert client.get(url("costs", books.territory)).status_code == 404
    assert client.get(url("scenarios", books.territory)).status_code == 404


def test_costs_page_shows_derived_and_hand_lines_with_their_formula(books, coord_client):
    page = text(coord_client.get(url("costs", books.territory) + PERIOD))
    assert "Location du camion" in page
    assert "Fondation des Tests" in page
    assert "123,5 km × 10,0 L/100 km × 2,00 €/L" in page
    assert "775,20" in page
    assert "014,00" in page  # 1 014,00: 14 sales + 1 000 subsidy: no deposit, no internal use


def test_adding_a_cost_line_and_a_refusal_that_keeps_the_form(romans, coord_client):
    page_url = url("costs", romans.territory)
    bad = {"category": "subsidies", "label": "Aide de la CAF", "amount_eur": "4000", "date": "2026-03-01"}
    response = coord_client.post(page_url, bad)
    assert response.status_code == 422
    page = text(response)
    assert "Indiquez le financeur" in page
    assert 'value="Aide de la CAF"' in page
    assert 'value="4000"' in page
    assert not CostItem.objects.exists()
    response = coord_client.post(page_url, {**bad, "funder": "CAF de la Drôme"})
    assert response.status_code == 302
    item = CostItem.objects.get()
    assert (item.funder, item.amount_eur, item.created_by.username) == ("CAF de la Drôme", Decimal("4000"), "coord")
    assert coord_client.post(url("cost_delete", romans.territory, pk=item.pk)).status_code == 302
    assert not CostItem.objects.exists()


def test_parameters_page_saves_the_unit_costs(romans, coord_client):
    data = {
        "fuel_l_per_100km": "12",
        "fuel_eur_per_l": "1.9",
        "jar_eur": "0.9",
        "lid_eur": "0.3",
        "kwh_per_batch": "5",
        "eur_per_kwh": "0.2",
        "pantry_eur_per_kg": "2.5",
        "animator_hour_eur": "25",
    }
    assert coord_client.post(url("parameters", romans.territory), {**data, "jar_eur": "-1"}).status_code == 422
    assert not CostParameters.objects.exists()
    bad_rule = coord_client.post(url("parameters", romans.territory), {**data, "deposit_forfeit_months": "0"})
    assert bad_rule.status_code == 422
    assert "deposit_forfeit_months" in bad_rule.context["form"].errors
    assert not CostParameters.objects.exists()
    assert coord_client.post(url("parameters", romans.territory), data).status_code == 302
    assert CostParameters.objects.get().jar_eur == Decimal("0.9")
    assert CostParameters.objects.get().deposit_forfeit_months is None
    coord_client.post(url("parameters", romans.territory), {**data, "deposit_forfeit_months": "6"})
    assert CostParameters.objects.get().deposit_forfeit_months == 6


def scenario_data(client, territory, **changes):
    """The scenario form as the page fills it, with `changes`."""
    form = client.get(url("scenarios", territory)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["name"] = data["name"] or ""
    return {**data, **changes}


def test_running_a_scenario_shows_the_result_and_the_chart(romans, coord_client):
    data = scenario_data(coord_client, romans.territory, workshops_per_week="3")
    response = coord_client.post(url("scenarios", romans.territory), {**data, "run": ""})
    assert response.status_code == 200
    page = text(response)
    assert response.context["result"].workshops == 90
    assert "<svg" in page
    assert "<polyline" in page
    assert "Saison simulée" in page
    coordinates = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', page)
    assert len(coordinates) == 27  # 3 curves of 9 points, in SVG's own number format (never "12,5")
    assert all(float(x) >= 0 and float(y) >= 0 for x, y in coordinates)
    assert not Scenario.objects.exists()


def test_a_wrong_value_keeps_the_form_filled_with_a_french_message(romans, coord_client):
    data = scenario_data(coord_client, romans.territory, radius_km="-4", farms="17")
    response = coord_client.post(url("scenarios", romans.territory), {**data, "run": ""})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["radius_km"] == ["Ne peut pas être négatif."]
    assert form["farms"].value() == "17"
    assert form["radius_km"].value() == "-4"
    assert response.context["result"] is None
    shares = scenario_data(coord_client, romans.territory, destinations__participants="90")
    response = coord_client.post(url("scenarios", romans.territory), {**shares, "run": ""})
    message = response.context["form"].errors["destinations__participants"][0]
    assert message == "Les parts doivent faire 100 % au total (ici 140 %)."


def test_shares_and_rates_are_asked_in_percent_and_simulated_as_fractions(romans, coord_client):
    """Issue 19, item 7: "60" for a 60 % return rate, the simulator still reads 0.6."""
    form = coord_client.get(url("scenarios", romans.territory)).context["form"]
    assert form["return_rate"].value() == 60
    assert form["destinations__participants"].value() == 50
    assert form["jar_mix__375"].value() == 50
    assert form.fields["return_rate"].label.endswith("(%)")
    data = scenario_data(coord_client, romans.territory, return_rate="30", name="Retour 30", save="")
    assert coord_client.post(url("scenarios", romans.territory), data).status_code == 302
    assert Scenario.objects.get().inputs["return_rate"] in (0.3, "0.3", "0.30")
    too_much = scenario_data(coord_client, romans.territory, return_rate="130")
    response = coord_client.post(url("scenarios", romans.territory), {**too_much, "run": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["return_rate"]
    page = text(coord_client.get(url("scenarios", romans.territory)))
    assert "le total fait 100 %" in page


def test_saving_scenarios_to_compare(romans, coord_client):
    data = scenario_data(coord_client, romans.territory, farms="12", radius_km="40")
    assert coord_client.post(url("scenarios", romans.territory), {**data, "save": ""}).status_code == 422
    response = coord_client.post(url("scenarios", romans.territory), {**data, "name": "Village", "save": ""})
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.inputs["farms"] == 12
    assert scenario.result["workshops"] == 60
    page = coord_client.get(response.headers["Location"])
    assert page.context["form"]["farms"].value() == 12
    assert page.context["base"] == scenario
    assert "Village" in text(page)
    coord_client.post(url("scenarios", romans.territory), {**data, "farms": "20", "name": "Village", "save": ""})
    assert Scenario.objects.get().inputs["farms"] == 20  # the same name is replaced
    coord_client.post(url("scenario_delete", romans.territory, pk=scenario.pk))
    assert not Scenario.objects.exists()


def test_another_territory_gets_404_everywhere(books, client, other_coordinator, coordinator):
    scenario = scenario_save(actor=coordinator, territory=books.territory, name="Romans", inputs={})
    client.force_login(other_coordinator)
    for name, kwargs in [("summary", {}), ("costs", {}), ("parameters", {}), ("scenarios", {})]:
        assert client.get(url(name, books.territory, **kwargs)).status_code == 404
    assert client.post(url("cost_delete", books.territory, pk=books.lease.pk)).status_code == 404
    assert client.post(url("scenario_delete", books.territory, pk=scenario.pk)).status_code == 404
    own = client.get(url("summary", books.territory).replace("romans", "vercors") + PERIOD)
    assert own.status_code == 200
    assert "Location du camion" not in text(own)
    assert CostItem.objects.filter(pk=books.lease.pk).exists()
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def _grow(chain, coordinator):
    counter = {"n": 0}

    def grow(n):
        add_lots(chain, n, release=True)
        add_distributions(chain, n)
        add_workshops(chain, n, registrations=1)
        for _ in range(n):
            counter["n"] += 1
            cost_item_add(
                actor=coordinator,
                territory=chain.territory,
                category="other_cost",
                label=f"Frais {counter['n']}",
                amount_eur=Decimal("10"),
                date=DAY,
            )
            scenario_save(actor=coordinator, territory=chain.territory, name=f"S{counter['n']}", inputs={})

    return grow


@pytest.mark.parametrize("name", ["summary", "costs", "scenarios"])
def test_query_counts_do_not_grow_with_the_season(name, chain, coordinator, coord_client, django_assert_num_queries):
    page = url(name, chain.territory) + (PERIOD if name != "scenarios" else "")
    queries = assert_flat_queries(coord_client, page, _grow(chain, coordinator), django_assert_num_queries, n=2)
    assert queries <= 25, queries
