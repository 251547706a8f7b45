"""The truck page's jars panel (jars given with their deposit, empty jars returned, the lot's readings, what the
tablet sent and what was refused) for the workshops' truck page, which may not import distribution
(docs/architecture.md, "Pages that show a higher layer")."""

import uuid
from functools import cache
from html import escape

from django import template
from django.db.models import Sum
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from conserverie.distribution.models import TruckAction
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.stock.models import StockMovement
from conserverie.stock.set_aside import set_aside_by_location_lot_format
from conserverie.territories.models import JarFormat, Location

register = template.Library()

SHOWN_ACTS = 30


def truck_stock(territory, locations) -> list[dict]:
    """Released jars on the truck's shelves, one row per lot and format, with the recipe's name (one query)."""
    return list(
        StockMovement.objects.filter(
            territory=territory, location__in=locations, lot__isnull=False, lot__status=LotStatus.RELEASED
        )
        .values(
            "lot_id", "lot__code", "lot__recipe__name", "jar_format_id", "jar_format__name", "jar_format__deposit_eur"
        )
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("lot__code", "jar_format__volume_ml")
    )


def _free(territory, truck, rows) -> list[dict]:
    """The rows with the jars a purchasing-group round holds taken off (`aside`, stock/set_aside.py, one query): the
    tablet offers only the jars it may give, so a gift noted offline is not refused at the sync. The jars set aside
    are read even when the truck's shelves are empty, so the page costs the same queries whatever the truck holds
    (issue 20: a count that changes with the data hides an N+1 from the tests)."""
    aside = set_aside_by_location_lot_format(territory)
    out = []
    for row in rows:
        held = aside.get((truck.pk, row["lot_id"], row["jar_format_id"]), 0)
        if row["jars"] > held:
            out.append({**row, "jars": row["jars"] - held, "aside": held})
    return out


def _stock_html(rows) -> tuple[str, str]:
    """The truck's shelf written in Python, once per row: the table's rows and the options of the gift's list. The
    same HTML the template wrote per row (every text escaped, the numbers localized as the template does, the same
    plural translations); the truck holds every lot with jars left (10 × 10: 1,000 rows, twice) and the template
    loop was most of the page's time (docs/performance.md, k20). Numbers repeat: each is localized and translated
    once."""

    @cache
    def number(n) -> str:
        return escape(str(localize(n)))

    @cache
    def jars_label(n: int) -> str:
        return escape(ngettext("%(n)s bocal", "%(n)s bocaux", n) % {"n": localize(n)})

    @cache
    def aside_label(n: int) -> str:
        return escape(
            ngettext("et %(n)s réservé pour une commande groupée", "et %(n)s réservés pour une commande groupée", n)
            % {"n": localize(n)}
        )

    deposit = escape(gettext("consigne"))
    table, options = [], []
    for row in rows:
        code, recipe, name = escape(row["lot__code"]), escape(row["lot__recipe__name"]), escape(row["jar_format__name"])
        key = f"{int(row['lot_id'])}-{int(row['jar_format_id'])}"
        aside = (
            f'<span class="d-block small text-muted" data-testid="truck-set-aside">{aside_label(row["aside"])}</span>'
            if row.get("aside")
            else ""
        )
        table.append(
            f'<tr><td>{code} <span class="text-muted">· {recipe}</span>{aside}</td><td>{name}</td>'
            f'<td class="text-end" data-stock="{key}" data-jars="{int(row["jars"])}">{number(row["jars"])}</td></tr>'
        )
        options.append(
            f'<option value="{key}">{code} · {recipe} · {name} ({jars_label(row["jars"])}, {deposit}'
            f" {number(row['jar_format__deposit_eur'])} €)</option>"
        )
    return mark_safe("\n    ".join(table)), mark_safe("".join(options))  # noqa: S308 - every value is escaped


@register.inclusion_tag("distribution/truck/panel.html")
def truck_panel(workshop, registrations):
    """{% truck_panel workshop registrations %}: six queries (trucks, their stock, the jars set aside, formats, lots,
    acts), whatever the truck holds and the number of lots and acts."""
    territory = workshop.territory
    trucks = list(Location.objects.filter(territory=territory, kind=Location.Kind.TRUCK).order_by("name", "id"))
    acts = list(
        TruckAction.objects.filter(workshop=workshop)
        .select_related("participant")
        .order_by("-synced_at", "-id")[:SHOWN_ACTS]
    )
    stock = _free(territory, trucks[0], truck_stock(territory, trucks[:1])) if trucks else []
    stock_rows, stock_options = _stock_html(stock)
    return {
        "workshop": workshop,
        "territory": territory,
        "registrations": registrations,
        "trucks": trucks,
        "stock": stock,
        "stock_rows": stock_rows,
        "stock_options": stock_options,
        "formats": list(JarFormat.objects.filter(territory=territory).order_by("volume_ml")),
        "lots": list(ProductionLot.objects.filter(workshop=workshop).select_related("recipe").order_by("code")),
        "acts": acts,
        "refused": [act for act in acts if act.status == TruckAction.Status.REFUSED],
        "new_id": uuid.uuid4,
    }
