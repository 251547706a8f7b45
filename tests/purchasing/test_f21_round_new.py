"""The new round page at ten seasons (docs/performance.md, f21): its catalogue is read in two queries that the
planner can answer from one territory's rows, and its rows are written in Python. The same catalogue and default
shelf as the single queries they replace (kept here as the reference), the same HTML as the template loop (kept
here too), in French and in English, with text to escape and what was typed kept."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.template import Context, Template
from django.utils import translation

from conserverie.distribution.selectors import price_for, price_map
from conserverie.distribution.services import price_set
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.purchasing.selectors import catalogue_candidates, set_aside_items, stocked_location
from conserverie.purchasing.templatetags.purchasing import candidate_rows
from conserverie.recipes.models import Recipe
from conserverie.stock.models import StockMovement
from conserverie.stock.services import inventory_adjust, jars_move
from conserverie.territories.models import JarFormat, Location

from ..pages import add_lots
from .world import open_round

ROWS_TEMPLATE = (
    "{% load i18n purchasing %}{% for c in candidates %}{% with key=c|candidate_key %}\n"
    "      <tr><td>{{ c.lot__recipe__name }}</td><td>{{ c.lot__code }}</td><td>{{ c.jar_format__name }}</td>"
    '<td class="text-end">{{ c.free }}</td>\n'
    '        <td><input class="form-control input-short" type="number" min="0" max="{{ c.free }}" inputmode="numeric"'
    " name=\"n_{{ key }}\" value=\"{% posted_value posted 'n_' key '0' %}\""
    " aria-label=\"{% translate 'Bocaux proposés' %} {{ c.lot__code }}\"></td>\n"
    '        <td><input class="form-control input-short" type="text" inputmode="decimal" name="p_{{ key }}"'
    " value=\"{% posted_value posted 'p_' key c.price|default_if_none:'' %}\" aria-label=\"{% translate 'Prix' %}"
    ' {{ c.lot__code }}"></td>\n'
    '        <td class="text-end">{{ c.jar_format__deposit_eur|floatformat:2 }}</td></tr>\n'
    "    {% endwith %}{% endfor %}"
)


def former_candidates(territory, location) -> list[dict]:
    """The catalogue as it was read before f21: one grouped query with the lots."""
    rows = list(
        StockMovement.objects.filter(territory=territory, location=location, lot__status=LotStatus.RELEASED)
        .full()
        .values(
            "lot_id",
            "lot__code",
            "lot__recipe__code",
            "lot__recipe__name",
            "lot__best_before",
            "jar_format_id",
            "jar_format__name",
            "jar_format__deposit_eur",
        )
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("lot__recipe__name", "lot__code", "jar_format__name")
    )
    aside = defaultdict(int)
    for lot_id, format_id, jars in (
        set_aside_items(location_id=location.pk).values_list("lot_id", "jar_format_id", "aside").order_by()
    ):
        aside[(lot_id, format_id)] += jars
    prices = price_map(territory)
    out = []
    for row in rows:
        free = row["jars"] - aside[(row["lot_id"], row["jar_format_id"])]
        if free > 0:
            entry = price_for(prices, row["lot__recipe__code"], row["jar_format_id"])
            out.append({**row, "free": free, "price": entry.price_eur if entry else None})
    return out


def former_stocked_location(territory):
    row = (
        StockMovement.objects.filter(territory=territory, lot__status=LotStatus.RELEASED)
        .full()
        .values("location_id")
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("-jars", "location_id")
        .first()
    )
    return Location.objects.filter(pk=row["location_id"]).first() if row else None


@pytest.fixture
def shelves(chain, other_chain):
    """Several recipes (one name to escape), lots and formats on two shelves; a lot blocked, one emptied, jars set
    aside by an open round, a price for one format; another territory's lots on its own truck."""
    big = JarFormat.objects.create(
        territory=chain.territory, name='Bocal <1 L> "rond"', volume_ml=1000, deposit_eur=Decimal("1.50")
    )
    price_set(actor=chain.actor, territory=chain.territory, jar_format=chain.jar, price_eur=Decimal("3.20"))
    lots = add_lots(chain, 4, jars=13, release=True)
    Recipe.objects.filter(pk=chain.recipe.pk).update(name="Coulis <tomate> & d'été")
    for i, lot in enumerate(lots[:3]):
        inventory_adjust(
            actor=chain.actor, lot=lot, jar_format=big, location=chain.shop, counted=5 + i, reason="trouvés"
        )
        jars_move(
            actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=4
        )
    jars_move(
        actor=chain.actor, lot=lots[3], jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=13
    )
    open_round(chain, lots[0], offered=3)
    blocked = add_lots(chain, 1, jars=7, release=True)[0]
    ProductionLot.objects.filter(pk=blocked.pk).update(status=LotStatus.BLOCKED)
    add_lots(other_chain, 2, jars=50, release=True)
    return lots


def test_the_catalogue_and_the_default_shelf_are_the_former_queries(chain, other_chain, shelves):
    for territory in (chain.territory, other_chain.territory):
        assert stocked_location(territory) == former_stocked_location(territory)
        for location in Location.objects.filter(territory=territory).order_by("pk"):
            assert catalogue_candidates(territory, location) == former_candidates(territory, location), location
    shop = catalogue_candidates(chain.territory, chain.shop)
    assert len(shop) == 7  # three lots in two formats, the fourth lot in one
    assert stocked_location(chain.territory) == chain.shop
    assert {row["lot_id"] for row in catalogue_candidates(chain.territory, chain.truck)} <= {s.pk for s in shelves}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_the_template_s_with_what_was_typed(chain, shelves, language):
    candidates = catalogue_candidates(chain.territory, chain.shop)
    assert any(row["price"] is None for row in candidates)
    assert any(row["price"] for row in candidates)
    key = f"{candidates[0]['lot_id']}_{candidates[0]['jar_format_id']}"
    other = f"{candidates[1]['lot_id']}_{candidates[1]['jar_format_id']}"
    for posted in ({}, {f"n_{key}": '3" onmouseover="x', f"p_{key}": "<b>4,5</b>", f"p_{other}": ""}):
        with translation.override(language):
            expected = Template(ROWS_TEMPLATE).render(Context({"candidates": candidates, "posted": posted}))
            assert candidate_rows(candidates, posted) == expected
    with translation.override(language):
        html = candidate_rows(candidates, {f"n_{key}": '3" onmouseover="x'})
    assert "Coulis &lt;tomate&gt; &amp; d&#x27;été" in html
    assert "Bocal &lt;1 L&gt; &quot;rond&quot;" in html
    assert 'value="3&quot; onmouseover=&quot;x"' in html
    assert ("1,50" if language == "fr" else "1.50") in html
    assert ('aria-label="Jars offered' if language == "en" else 'aria-label="Bocaux proposés') in html
