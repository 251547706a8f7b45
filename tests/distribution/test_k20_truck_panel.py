"""The truck panel's shelf is written in Python (issue 20, docs/performance.md "k20"): the same HTML as the template
loop it replaced, kept here as the reference, with set-aside jars, plurals, a deposit and text to escape."""

import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from conserverie.distribution.templatetags.truck_panel import _stock_html

ROWS_TEMPLATE = (
    "{% load i18n l10n %}{% for s in stock %}"
    '<tr><td>{{ s.lot__code }} <span class="text-muted">· {{ s.lot__recipe__name }}</span>{% if s.aside %}'
    '<span class="d-block small text-muted" data-testid="truck-set-aside">{% blocktranslate count n=s.aside %}'
    "et {{ n }} réservé pour une commande groupée{% plural %}et {{ n }} réservés pour une commande groupée"
    "{% endblocktranslate %}</span>{% endif %}</td><td>{{ s.jar_format__name }}</td>"
    '<td class="text-end" data-stock="{{ s.lot_id|unlocalize }}-{{ s.jar_format_id|unlocalize }}"'
    ' data-jars="{{ s.jars|unlocalize }}">{{ s.jars }}</td></tr>{% endfor %}'
)
OPTIONS_TEMPLATE = (
    "{% load i18n l10n %}{% for s in stock %}"
    '<option value="{{ s.lot_id|unlocalize }}-{{ s.jar_format_id|unlocalize }}">{{ s.lot__code }} ·'
    " {{ s.lot__recipe__name }} · {{ s.jar_format__name }} ({% blocktranslate count n=s.jars %}{{ n }} bocal"
    '{% plural %}{{ n }} bocaux{% endblocktranslate %}, {% translate "consigne" %} {{ s.jar_format__deposit_eur }}'
    " €)</option>{% endfor %}"
)


def row(lot_id, code, recipe, jars, aside=0, deposit="1.00", fmt="Bocal 350 ml"):
    return {
        "lot_id": lot_id,
        "lot__code": code,
        "lot__recipe__name": recipe,
        "jar_format_id": 7,
        "jar_format__name": fmt,
        "jar_format__deposit_eur": Decimal(deposit),
        "jars": jars,
        "aside": aside,
    }


def test_the_shelf_html_is_the_template_s_in_french_and_in_english():
    rows = [
        row(1, "L-2026-001", "Coulis <tomate> & basilic", 1),
        row(12, "L-2026-002", 'Pesto d\'ail "des ours"', 2, aside=1),
        row(1234, "L-2017-9", "Confiture", 1500, aside=3, deposit="0.50", fmt="Bocal <1 L>"),
    ]
    for language in ("fr", "en"):
        with translation.override(language):
            table, options = _stock_html(rows)
            context = Context({"stock": rows})
            assert re.sub(r">\s+<", "><", table) == Template(ROWS_TEMPLATE).render(context)
            assert options == Template(OPTIONS_TEMPLATE).render(context)
    with translation.override("fr"):
        table, options = _stock_html(rows)
    assert "&lt;tomate&gt; &amp; basilic" in table
    assert "<tomate>" not in table + options
    assert table.count('data-testid="truck-set-aside"') == 2
    assert "et 3 réservés pour une commande groupée" in table
    assert "(1 bocal, consigne 1,00 €)" in options
    assert "(1500 bocaux, consigne 0,50 €)" in options
    assert _stock_html([]) == ("", "")
