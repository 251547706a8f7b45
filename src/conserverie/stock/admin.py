from django.contrib import admin

from conserverie.core.admin_tools import ReadOnlyLedgerAdmin
from conserverie.stock.models import StockMovement
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
