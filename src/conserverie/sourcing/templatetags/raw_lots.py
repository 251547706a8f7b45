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
def farm_received(farm, year: int) -> dict:
    """{% farm_received farm year as received %}: what the farm received in `year` (money, jars) and its receipts
    (issued, not cancelled) for the producer's pages (4 queries)."""
    from datetime import date

    from conserverie.sourcing.models import DonationReceipt
    from conserverie.sourcing.purchases import farm_money

    return {
        "year": year,
        "money": farm_money(farm.territory, date(year, 1, 1), date(year, 12, 31), farm),
        "receipts": list(
            DonationReceipt.objects.filter(producer=farm, status=DonationReceipt.Status.ISSUED).order_by("-year")
        ),
    }
