from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.impact.models import (
    Answer,
    Dimension,
    Indicator,
    IndicatorValue,
    Question,
    Response,
    Survey,
    Testimony,
)


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


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "text", "kind", "required", "indicator"]


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "territory", "audience", "status", "opened_at", "closed_at"]
    list_filter = ["territory", "audience", "status"]
    search_fields = ["title"]
    readonly_fields = ["token", "created_by"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "survey", "kind", "indicator"]
    list_filter = ["survey__territory", "kind"]
    search_fields = ["text", "survey__title"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "value", "text"]
    can_delete = False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Anonymous answers: shown for back-office fixes (a paper answer typed twice is deleted here)."""

    list_display = ["survey", "answered_on", "channel", "entered_by"]
    list_filter = ["survey__territory", "channel"]
    search_fields = ["survey__title"]
    date_hierarchy = "answered_on"
    readonly_fields = ["survey", "answered_on", "channel", "entered_by"]
    inlines = [AnswerInline]


@admin.register(Testimony)
class TestimonyAdmin(SimpleHistoryAdmin):
    list_display = ["said_on", "territory", "kind", "audience", "role", "selected"]
    list_filter = ["territory", "kind", "audience", "selected"]
    search_fields = ["text", "event", "role"]
    date_hierarchy = "said_on"


from conserverie.impact.models import ContractIndicator  # noqa: E402


@admin.register(ContractIndicator)
class ContractIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "indicator", "threshold", "target")


from conserverie.impact.models import ContractSignOff  # noqa: E402


@admin.register(ContractSignOff)
class ContractSignOffAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "period", "evaluator")
