from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def candidate_key(row) -> str:
    return f"{row['lot_id']}_{row['jar_format_id']}"


@register.simple_tag
def posted_value(posted, prefix, key, default=""):
    """What the person typed in the field `prefix + key` (kept when the page comes back with an error)."""
    return posted.get(f"{prefix}{key}", default) if posted else default


@register.simple_tag
def candidate_rows(candidates, posted):
    """The new round's catalogue rows written in Python: the HTML the template loop wrote per row (every text
    escaped, the numbers localized as the template does, what was typed kept), once per row. A shelf holds every
    released lot with jars left (10 × 10: 1,000 rows) and the loop was most of the page's time (docs/performance.md,
    f21)."""
    offered, price = escape(gettext("Bocaux proposés")), escape(gettext("Prix"))
    parts = []
    for c in candidates:
        key = candidate_key(c)
        code, free = escape(c["lot__code"]), escape(str(localize(c["free"])))
        typed_price = conditional_escape(posted_value(posted, "p_", key, "" if c["price"] is None else c["price"]))
        parts.append(
            f"\n      <tr><td>{escape(c['lot__recipe__name'])}</td><td>{code}</td>"
            f'<td>{escape(c["jar_format__name"])}</td><td class="text-end">{free}</td>\n'
            f'        <td><input class="form-control input-short" type="number" min="0" max="{free}"'
            f' inputmode="numeric" name="n_{key}" value="{conditional_escape(posted_value(posted, "n_", key, "0"))}"'
            f' aria-label="{offered} {code}"></td>\n'
            f'        <td><input class="form-control input-short" type="text" inputmode="decimal" name="p_{key}"'
            f' value="{typed_price}" aria-label="{price} {code}"></td>\n'
            f'        <td class="text-end">{floatformat(c["jar_format__deposit_eur"], 2)}</td></tr>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
