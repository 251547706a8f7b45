from django.contrib import admin

from conserverie.core.admin_tools import ReadOnlyLedgerAdmin
from conserverie.stock.models import JarMonth, StockMovement
from conserverie.territories.models import JarFormat, Location


@admin.register(JarFormat)
class JarFormatAdmin(admin.ModelAdmin):
    list_display = ["name", "volume_ml", "deposit_eur", "lid", "territory"]
    list_filter = ["territory"]
    search_fields = ["name"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "structure", "territory"]
    list_filter = ["territory", "kind"]
    search_fields = ["name"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyLedgerAdmin):
    list_display = ["created_at", "day", "kind", "quantity", "location", "lot", "jar_format", "reverses", "created_by"]
    list_filter = ["territory", "kind", "location"]
    search_fields = ["lot__code", "reason"]
    date_hierarchy = "day"
    list_select_related = ["location", "lot", "jar_format", "reverses", "created_by"]


@admin.register(JarMonth)
class JarMonthAdmin(ReadOnlyLedgerAdmin):
    """The jar ledger's monthly sums (issue 20): derived from the ledger by its writer, never typed; read here,
    repaired by `stock.months.jar_months_rebuild`."""

    list_display = ["month", "kind", "full", "deposit", "quantity", "territory"]
    list_filter = ["territory", "kind", "full", "deposit"]
    date_hierarchy = "month"
    list_select_related = ["territory"]
