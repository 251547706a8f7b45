from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.economics.models import CostItem, CostParameters, Scenario


@admin.register(CostItem)
class CostItemAdmin(SimpleHistoryAdmin):
    list_display = ["date", "category", "label", "amount_eur", "funder", "territory"]
    list_filter = ["territory", "category"]
    search_fields = ["label", "funder", "note"]
    date_hierarchy = "date"
    raw_id_fields = ["created_by"]
    list_select_related = ["territory"]


@admin.register(CostParameters)
class CostParametersAdmin(SimpleHistoryAdmin):
    list_display = ["territory", "fuel_eur_per_l", "jar_eur", "lid_eur", "eur_per_kwh", "animator_hour_eur"]
    raw_id_fields = ["updated_by"]


@admin.register(Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    list_display = ["name", "territory", "updated_at"]
    list_filter = ["territory"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]


from conserverie.economics.models import LedgerAccount  # noqa: E402


@admin.register(LedgerAccount)
class LedgerAccountAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "key", "number", "label")
