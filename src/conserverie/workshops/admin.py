from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.people.models import Consent, ErasureRecord, Participant
from conserverie.people.reach import households_touched, people_touched
from conserverie.workshops.models import MinimumWage, Registration, VolunteerHours, Workshop, WorkshopSeries


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["participant"]
    fields = ["participant", "party_size", "status", "attended", "walk_in"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "site", "structure", "capacity", "status", "territory"]
    list_filter = ["territory", "status", "site__kind"]
    search_fields = ["title", "site__name", "structure__name"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["animators", "planned_recipes"]
    raw_id_fields = ["created_by"]
    list_select_related = ["site", "structure", "territory"]
    inlines = [RegistrationInline]

    # The admin writes the facts directly: the households reached per day follow (issue 20, people/reach.py).
    def save_related(self, request, form, formsets, change):
        before = _people_of([form.instance.pk]) if change else set()
        super().save_related(request, form, formsets, change)
        people_touched(before | _people_of([form.instance.pk]))

    def delete_model(self, request, obj):
        people = _people_of([obj.pk])
        super().delete_model(request, obj)
        people_touched(people)

    def delete_queryset(self, request, queryset):
        people = _people_of(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        people_touched(people)


def _people_of(workshop_ids) -> set[int]:
    return set(Registration._base_manager.filter(workshop__in=workshop_ids).values_list("participant_id", flat=True))


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["first_name", "neighbourhood", "household_size", "priority_area", "consent_at", "territory"]
    list_filter = ["territory", "household__priority_area"]
    list_select_related = ["household", "territory"]
    search_fields = ["first_name", "neighbourhood", "email", "phone"]

    def save_model(self, request, obj, form, change):
        before = Participant._base_manager.filter(pk=obj.pk).values_list("household_id", flat=True).first()
        super().save_model(request, obj, form, change)
        households_touched([before, obj.household_id])  # a person moved to another home (issue 20)


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["participant", "workshop", "party_size", "status", "attended", "walk_in", "created_at"]
    list_filter = ["status", "attended", "walk_in", "workshop__territory"]
    search_fields = ["participant__first_name", "workshop__title"]
    raw_id_fields = ["participant", "workshop"]
    list_select_related = ["participant", "workshop"]

    def save_model(self, request, obj, form, change):
        before = Registration._base_manager.filter(pk=obj.pk).values_list("participant_id", flat=True).first()
        super().save_model(request, obj, form, change)
        people_touched([before, obj.participant_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        people_touched([obj.participant_id])

    def delete_queryset(self, request, queryset):
        people = set(queryset.values_list("participant_id", flat=True))
        super().delete_queryset(request, queryset)
        people_touched(people)


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(SimpleHistoryAdmin):
    list_display = ["date", "participant", "user", "hours", "activity", "territory"]
    list_filter = ["territory"]
    raw_id_fields = ["participant", "user", "workshop", "created_by"]
    date_hierarchy = "date"


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """Read only: an erasure is made with `conserverie person-erase` or the retention job, never by hand."""

    list_display = ["participant", "erased_at", "erased_by", "retention", "reason"]
    list_filter = ["retention"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkshopSeries)
class WorkshopSeriesAdmin(SimpleHistoryAdmin):
    """Create a series with its form (/t/<territory>/ateliers/serie/): all its workshops at once, or none."""

    list_display = ["title", "weekday", "start_time", "first_date", "last_date", "site", "territory"]
    list_filter = ["territory", "weekday"]
    search_fields = ["title", "site__name"]
    filter_horizontal = ["animators", "planned_recipes"]
    raw_id_fields = ["created_by"]
    list_select_related = ["site", "territory"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["participant", "scope", "given_at", "withdrawn_at"]
    list_filter = ["scope", "participant__territory"]
    raw_id_fields = ["participant"]
    list_select_related = ["participant"]


@admin.register(MinimumWage)
class MinimumWageAdmin(admin.ModelAdmin):
    """The dated SMIC table (national, not scoped): volunteer hours are valued at the rate of their day."""

    list_display = ["valid_from", "hourly_eur"]
    search_fields = ["source"]
