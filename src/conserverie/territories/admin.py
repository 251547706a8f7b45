from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.territories.models import Membership, PriorityArea, Site, Structure, Territory, Training, Vehicle


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    raw_id_fields = ["producer"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "slug", "organisation", "radius_km", "require_2fa_for_animators"]
    search_fields = ["name", "code", "slug", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "priority_area", "territory"]
    list_filter = ["territory", "kind", "priority_area"]
    search_fields = ["name", "city", "address"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "priority_area", "structure", "territory"]
    list_filter = ["territory", "kind", "priority_area"]
    search_fields = ["name", "city", "address"]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["name", "plate", "capacity_kg", "territory"]
    list_filter = ["territory"]
    search_fields = ["name", "plate"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "role", "producer"]
    list_filter = ["territory", "role"]
    search_fields = ["user__username", "user__email", "producer__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["producer"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "code", "territory"]
    list_filter = ["territory"]


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    """Trainings are recorded on the staff page *Formations* (docs/safety-en.md); the admin reads and corrects."""

    list_display = ["user", "kind", "obtained_on", "expires_on", "organisation", "territory"]
    list_filter = ["territory", "kind"]
    search_fields = ["user__username", "organisation"]
    raw_id_fields = ["user", "recorded_by"]


from conserverie.territories.models import LegalEntity  # noqa: E402


@admin.register(LegalEntity)
class LegalEntityAdmin(SimpleHistoryAdmin):
    list_display = ("territory", "name", "siren")
