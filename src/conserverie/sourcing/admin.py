from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from conserverie.core.admin_tools import ReadOnlyLedgerAdmin
from conserverie.sourcing.models import RawLot, RawLotMovement, RawMonth
from conserverie.sourcing.months import raw_month_add
from conserverie.sourcing.rounds.models import CollectionRound, RoundStop


class RoundStopInline(admin.TabularInline):
    model = RoundStop
    extra = 0
    raw_id_fields = ["offer"]


@admin.register(CollectionRound)
class CollectionRoundAdmin(SimpleHistoryAdmin):
    list_display = ["date", "territory", "vehicle", "status", "km"]
    list_filter = ["territory", "status"]
    search_fields = ["vehicle__name", "stops__offer__producer__name"]
    date_hierarchy = "date"
    inlines = [RoundStopInline]


class RawLotMovementInline(admin.TabularInline):
    """Read-only: kilos leave a raw lot through the services (append-only, docs/architecture.md §4.5)."""

    model = RawLotMovement
    fk_name = "raw_lot"
    extra = 0
    can_delete = False
    fields = ["day", "kind", "kg", "production_lot", "reason", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RawLot)
class RawLotAdmin(SimpleHistoryAdmin):
    list_display = ["code", "product", "producer", "kg", "collected_on", "use_before", "grade"]
    list_filter = ["territory", "product", "grade"]
    search_fields = ["code", "producer__name", "product__name"]
    date_hierarchy = "collected_on"
    raw_id_fields = ["producer", "offer", "collection_round", "recorded_by"]
    list_select_related = ["product", "producer"]
    inlines = [RawLotMovementInline]

    # The monthly sums of the kilos collected (`RawMonth`, issue 20) follow an edit or a deletion here, in the
    # admin's transaction: the old lot's kilos leave their month, the new ones join theirs.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                _leave_month(RawLot.objects.select_for_update().get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            raw_month_add(obj.territory_id, obj.collected_on, RawMonth.COLLECTED, obj.kg)

    def delete_model(self, request, obj):
        with transaction.atomic():
            _leave_month(RawLot.objects.select_for_update().get(pk=obj.pk))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for lot in queryset.select_for_update().order_by("pk"):
                _leave_month(lot)
            super().delete_queryset(request, queryset)


def _leave_month(lot: RawLot) -> None:
    raw_month_add(lot.territory_id, lot.collected_on, RawMonth.COLLECTED, -lot.kg)


@admin.register(RawMonth)
class RawMonthAdmin(ReadOnlyLedgerAdmin):
    """The raw produce's monthly kilos (issue 20): derived from the lots and their movements by their writers, never
    typed; read here, repaired by `sourcing.months.raw_months_rebuild`."""

    list_display = ["month", "kind", "kg", "territory"]
    list_filter = ["territory", "kind"]
    date_hierarchy = "month"
    list_select_related = ["territory"]


@admin.register(RawLotMovement)
class RawLotMovementAdmin(ReadOnlyLedgerAdmin):
    list_display = ["raw_lot", "kind", "kg", "day", "production_lot", "reason", "created_by"]
    list_filter = ["kind", "raw_lot__territory"]
    search_fields = ["raw_lot__code", "production_lot__code", "reason"]
    date_hierarchy = "day"
    list_select_related = ["raw_lot", "production_lot", "created_by"]


from conserverie.sourcing.models import FarmJarReturn  # noqa: E402


@admin.register(FarmJarReturn)
class FarmJarReturnAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "producer", "raw_lot", "jars")


from conserverie.sourcing.models import DonationReceipt  # noqa: E402


@admin.register(DonationReceipt)
class DonationReceiptAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "producer", "year", "sequence")
