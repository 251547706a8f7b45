from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.gleaning.models import GleaningOuting, GleaningRegistration


@admin.register(GleaningOuting)
class GleaningOutingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "producer", "territory", "status", "capacity"]
    list_filter = ["territory", "status"]
    search_fields = ["producer__name", "meeting_point", "products_expected"]
    date_hierarchy = "date"
    raw_id_fields = ["producer", "offer", "created_by"]
    list_select_related = ["producer", "territory"]


@admin.register(GleaningRegistration)
class GleaningRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["outing", "participant", "party_size", "status", "attended"]
    list_filter = ["status", "outing__territory"]
    search_fields = ["participant__first_name", "outing__producer__name"]
    raw_id_fields = ["outing", "participant"]
    list_select_related = ["outing__producer", "participant"]
