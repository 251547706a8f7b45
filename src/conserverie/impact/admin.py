from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Dimension, Indicator, IndicatorValue


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "source", "computation", "unit", "target", "weight", "higher_is_better", "order"]


@admin.register(Dimension)
class DimensionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "territory", "order", "colour"]
    list_filter = ["territory"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "dimension", "source", "computation", "target", "weight"]
    list_filter = ["dimension__territory", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "source_note", "entered_by", "entered_at"]
    list_filter = ["indicator__dimension__territory", "period"]
    readonly_fields = ["entered_by", "entered_at"]
