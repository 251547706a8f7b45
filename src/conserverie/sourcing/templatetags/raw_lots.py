"""Raw-lot panels for the pages of the producers app (a lower layer that may not import sourcing)."""

from django import template

from conserverie.sourcing import selectors

register = template.Library()


@register.simple_tag
def raw_lot_alerts(territory, today, days: int = 2, rows: int = 10) -> dict:
    """{% raw_lot_alerts territory today as alerts %}: raw lots to process within `days` (at most `rows`, and
    whether there are more) and how many are past their date with kilos left."""
    expiring = list(selectors.expiring_raw_lots(territory, today, days)[: rows + 1])
    return {
        "expiring": expiring[:rows],
        "more": len(expiring) > rows,
        "overdue": selectors.overdue_raw_lots(territory, today).count(),
    }


@register.simple_tag
def certificate_years(farm) -> list[int]:
    """{% certificate_years farm as years %}: the calendar years with weighed collections at this farm."""
    return selectors.certificate_years(farm)
