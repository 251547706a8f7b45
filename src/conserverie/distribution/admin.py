from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.core.admin_tools import ReadOnlyLedgerAdmin
from conserverie.distribution.models import (
    Distribution,
    DistributionLine,
    HouseholdReach,
    PriceListEntry,
    PriceTier,
    TruckAction,
)


class DistributionLineInline(admin.TabularInline):
    """Lines are read-only: their jars left the ledger through the service (a fix is a reversing movement)."""

    model = DistributionLine
    extra = 0
    can_delete = False
    fields = ["lot", "jar_format", "quantity", "unit_price_eur", "deposit_eur", "credit_eur"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Distribution)
class DistributionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "location", "payment_mode", "structure", "partner", "territory"]
    list_filter = ["territory", "kind", "payment_mode"]
    search_fields = ["partner", "note", "participant__first_name", "lines__lot__code"]
    date_hierarchy = "date"
    list_select_related = ["location", "structure", "territory"]
    inlines = [DistributionLineInline]
    # Jars leave through the service only (release checked, stock locked): here, only the note can be fixed.
    readonly_fields = [
        "territory",
        "kind",
        "date",
        "location",
        "workshop",
        "participant",
        "structure",
        "partner",
        "payment_mode",
        "created_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(DistributionLine)
class DistributionLineAdmin(SimpleHistoryAdmin):
    list_display = ["distribution", "lot", "jar_format", "quantity", "unit_price_eur", "deposit_eur"]
    list_filter = ["distribution__territory", "distribution__kind"]
    search_fields = ["lot__code"]
    raw_id_fields = ["distribution", "lot"]
    list_select_related = ["distribution", "lot", "jar_format"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriceListEntry)
class PriceListEntryAdmin(SimpleHistoryAdmin):
    list_display = [
        "recipe_code",
        "jar_format",
        "price_eur",
        "social_price_eur",
        "updated_by",
        "updated_at",
        "territory",
    ]
    list_filter = ["territory", "jar_format"]
    search_fields = ["recipe_code"]
    raw_id_fields = ["updated_by"]
    list_select_related = ["jar_format", "updated_by", "territory"]


@admin.register(PriceTier)
class PriceTierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "structure", "percent", "is_active", "updated_by", "updated_at", "territory"]
    list_filter = ["territory", "is_active"]
    search_fields = ["name", "structure__name"]
    raw_id_fields = ["updated_by"]
    list_select_related = ["structure", "updated_by", "territory"]


@admin.register(TruckAction)
class TruckActionAdmin(ReadOnlyLedgerAdmin):
    """What the truck's tablets sent (docs/architecture.md §7): kept as the proof that a replay created nothing."""

    list_display = ["synced_at", "workshop", "kind", "status", "created_by"]
    list_filter = ["territory", "kind", "status"]
    search_fields = ["client_id", "message"]


@admin.register(HouseholdReach)
class HouseholdReachAdmin(ReadOnlyLedgerAdmin):
    """The days each household was reached (issue 20): derived from the workshops and the gifts by the services,
    never typed; read here, repaired by `distribution.reach.reach_rebuild`."""

    list_display = ["day", "household", "gift", "workshop_start", "territory"]
    list_filter = ["territory", "gift"]
    search_fields = ["household__commune"]
    date_hierarchy = "day"
    list_select_related = ["household", "territory"]
