from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from conserverie.recipes.scaling import Ingredient, plan, scale

kgs = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=3)
per_batch = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("30"), places=3)


def test_43_kg_of_tomatoes_make_four_batches_of_the_coulis(chain):
    result = scale(chain.recipe, {chain.tomato: Decimal("43")})
    assert result.batches == 4
    assert result.raw_used == {chain.tomato: Decimal("40.000")}
    assert result.raw_left == {chain.tomato: Decimal("3.000")}
    assert [(fmt.jar_format, jars) for fmt, jars in result.jars.items()] == [(chain.jar, 80)]
    assert result.limiting == chain.tomato


def test_product_ids_are_accepted_and_a_missing_product_means_no_batch(chain):
    assert scale(chain.recipe, {chain.tomato.pk: Decimal("10")}).batches == 1
    assert scale(chain.recipe, {}).batches == 0


def test_pantry_items_follow_the_batches():
    tomato, sugar, onion = "tomate", "sucre", "oignon"
    ingredients = [Ingredient(tomato, Decimal("10"), True), Ingredient(onion, Decimal("2"), True)]
    ingredients.append(Ingredient(sugar, Decimal("0.25"), False))
    result = plan(ingredients, [("350 ml", 20)], {tomato: Decimal("43"), onion: Decimal("5")})
    assert result.batches == 2
    assert result.limiting == onion
    assert result.pantry == {sugar: Decimal("0.500")}
    assert result.jars == {"350 ml": 40}


@given(
    rows=st.lists(st.tuples(per_batch, kgs), min_size=1, max_size=4),
    pantry=st.lists(per_batch, max_size=3),
    jars=st.integers(min_value=1, max_value=60),
)
def test_never_more_raw_kg_used_than_available(rows, pantry, jars):
    ingredients = [Ingredient(f"raw{i}", kg, True) for i, (kg, _avail) in enumerate(rows)]
    ingredients += [Ingredient(f"pantry{i}", kg, False) for i, kg in enumerate(pantry)]
    available = {f"raw{i}": avail for i, (_kg, avail) in enumerate(rows)}
    result = plan(ingredients, [("fmt", jars)], available)
    for key, used in result.raw_used.items():
        assert Decimal(0) <= used <= available[key]
        assert result.raw_left[key] >= 0
    # One more batch would need more than is on hand for at least one raw ingredient.
    assert any((result.batches + 1) * i.kg_per_batch > available[i.key] for i in ingredients if i.raw)
    assert result.jars == {"fmt": jars * result.batches}
    assert all(kg >= 0 for kg in result.pantry.values())
