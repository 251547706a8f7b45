"""Reads of raw lots in the domain's words."""

from datetime import date, timedelta

from conserverie.sourcing.models import RawLot


def expiring_raw_lots(territory, today: date, days: int = 2):
    """Raw lots still holding kilos that must be processed between today and `days` days from now."""
    return (
        RawLot.objects.in_stock()
        .filter(territory=territory, use_before__gte=today, use_before__lte=today + timedelta(days=days))
        .select_related("producer", "product")
        .order_by("use_before", "code")
    )


def overdue_raw_lots(territory, today: date):
    """Raw lots past their date that still hold kilos in the books: to record as given or lost."""
    return RawLot.objects.in_stock().filter(territory=territory, use_before__lt=today)
