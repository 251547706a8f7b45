"""The purchasing group in the admin: read mostly; reservations and pick-ups change through the services only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.purchasing.models import GroupMember, Order, OrderLine, Round, RoundItem


@admin.register(GroupMember)
class GroupMemberAdmin(SimpleHistoryAdmin):
    list_display = ["participant", "structure", "status", "price_tier", "notify_email", "notify_sms", "territory"]
    list_filter = ["territory", "status"]
    list_select_related = ["participant", "structure", "price_tier", "territory"]
    readonly_fields = ["territory", "structure", "participant", "desk_code_expires_at", "validated_at", "validated_by"]


class RoundItemInline(admin.TabularInline):
    model = RoundItem
    extra = 0
    can_delete = False
    fields = ["lot", "jar_format", "offered", "reserved", "unit_price_eur"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "structure", "pickup_day", "status", "territory"]
    list_filter = ["territory", "status"]
    list_select_related = ["structure", "territory"]
    inlines = [RoundItemInline]
    readonly_fields = ["territory", "structure", "location", "status", "closed_at", "finished_at", "created_by"]


@admin.register(RoundItem)
class RoundItemAdmin(SimpleHistoryAdmin):
    list_display = ["round", "lot", "jar_format", "offered", "reserved", "unit_price_eur"]
    list_select_related = ["round", "lot", "jar_format"]
    readonly_fields = ["round", "lot", "jar_format", "offered", "reserved", "unit_price_eur"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["item", "quantity", "handed"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["round", "member", "status", "collected_at"]
    list_filter = ["status"]
    list_select_related = ["round", "member__participant", "member__structure"]
    inlines = [OrderLineInline]
    readonly_fields = ["round", "member", "status", "distribution", "collected_at", "created_by"]


@admin.register(OrderLine)
class OrderLineAdmin(SimpleHistoryAdmin):
    list_display = ["order", "item", "quantity", "handed"]
    list_select_related = ["order__round", "order__member__participant", "item__lot", "item__jar_format"]
    readonly_fields = ["order", "item", "quantity", "handed"]
