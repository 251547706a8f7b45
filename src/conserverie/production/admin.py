from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.production.models import (
    CorrectiveAction,
    HeatTreatmentRecord,
    LabellingProfile,
    PantryUse,
    ProductionLot,
    Recall,
    SealCheck,
    StabilityTest,
)
from conserverie.sourcing.models import RawLotMovement


class RawInputInline(admin.TabularInline):
    """Genealogy (docs/architecture.md §4.3), read-only: raw kilos are drawn through the services."""

    model = RawLotMovement
    fk_name = "production_lot"
    verbose_name_plural = "lots bruts utilisés"
    extra = 0
    can_delete = False
    fields = ["raw_lot", "kind", "kg", "day"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PantryUseInline(admin.TabularInline):
    model = PantryUse
    extra = 0
    can_delete = False
    fields = ["pantry_lot", "kg"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HeatTreatmentInline(admin.TabularInline):
    model = HeatTreatmentRecord
    extra = 0
    can_delete = False
    fields = ["jar_format", "treatment", "temperature_c", "minutes", "within_limits", "operator", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class FoodSafetyRecordAdmin(SimpleHistoryAdmin):
    """HACCP records are evidence: read here, never rewritten (a new reading or action goes through the lot page)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LabellingProfile)
class LabellingProfileAdmin(admin.ModelAdmin):
    """The territory's organic certification and nutrition exemption, read by every label (docs/labels-en.md)."""

    list_display = ["territory", "nutrition_exemption", "organic_certifier_code", "organic_valid_until"]


@admin.register(ProductionLot)
class ProductionLotAdmin(SimpleHistoryAdmin):
    list_display = ["code", "recipe", "produced_on", "best_before", "status", "workshop", "territory"]
    list_filter = ["territory", "status", "recipe"]
    search_fields = ["code", "recipe__name", "status_reason"]
    date_hierarchy = "produced_on"
    # The status changes only through the services (release, block, recall: docs/architecture.md §4.4, with who and
    # why): a lot
    # blocked here stays blocked whatever the back office types.
    readonly_fields = [
        "territory",
        "code",
        "recipe",
        "recipe_snapshot",
        "produced_on",
        "best_before",
        "batches",
        "status",
        "status_reason",
        "ph_measured",
        "created_by",
        "created_at",
    ]
    raw_id_fields = ["workshop"]
    list_select_related = ["recipe", "workshop", "territory"]
    inlines = [RawInputInline, PantryUseInline, HeatTreatmentInline]

    def has_add_permission(self, request):
        return False  # a lot is recorded through its service: raw kilos drawn, jars in the ledger


@admin.register(HeatTreatmentRecord)
class HeatTreatmentRecordAdmin(FoodSafetyRecordAdmin):
    list_display = ["lot", "jar_format", "treatment", "temperature_c", "minutes", "within_limits", "operator"]
    list_filter = ["treatment", "within_limits", "lot__territory"]
    search_fields = ["lot__code"]
    raw_id_fields = ["lot", "operator"]
    list_select_related = ["lot", "jar_format", "operator"]


@admin.register(PantryUse)
class PantryUseAdmin(admin.ModelAdmin):
    list_display = ["lot", "pantry_lot", "kg"]
    list_filter = ["lot__territory"]
    search_fields = ["lot__code", "pantry_lot__supplier_lot", "pantry_lot__item__name"]
    raw_id_fields = ["lot", "pantry_lot"]
    list_select_related = ["lot", "pantry_lot__item"]


@admin.register(Recall)
class RecallAdmin(SimpleHistoryAdmin):
    """Recalls are decided through the service (it blocks the lots and lists who took jars): read here."""

    list_display = ["lot", "scope", "hazard", "reason", "include_shared", "recalled_by", "recalled_at", "territory"]
    list_filter = ["territory", "scope", "hazard", "include_shared"]
    search_fields = ["lot__code", "reason", "lots__code"]
    date_hierarchy = "recalled_at"
    readonly_fields = ["territory", "lot", "lots", "scope", "hazard", "include_shared", "recalled_by", "recalled_at"]
    list_select_related = ["lot", "recalled_by", "territory"]

    def has_add_permission(self, request):
        return False


@admin.register(SealCheck)
class SealCheckAdmin(FoodSafetyRecordAdmin):
    list_display = ("lot", "checked_at", "jars_checked", "jars_failed", "checked_by")
    list_filter = ("lot__territory",)
    search_fields = ("lot__code",)
    raw_id_fields = ("lot",)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(FoodSafetyRecordAdmin):
    list_display = ("lot", "done_at", "action", "done_by")
    list_filter = ("action", "lot__territory")
    search_fields = ("lot__code", "note")
    raw_id_fields = ("lot",)


@admin.register(StabilityTest)
class StabilityTestAdmin(SimpleHistoryAdmin):
    """Stability tests are started and read on the lot page (docs/safety-en.md); the admin reads them."""

    list_display = ["lot", "started_on", "ends_on", "result", "at_55"]
    list_filter = ["result"]
    search_fields = ["lot__code"]
    raw_id_fields = ["lot", "started_by", "examined_by"]
