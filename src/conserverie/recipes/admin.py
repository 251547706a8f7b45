from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.recipes.models import PantryItem, PantryLot, Recipe, RecipeFormat, RecipeIngredient


class RecipeIngredientInline(admin.TabularInline):
    model = RecipeIngredient
    extra = 0
    raw_id_fields = ["product", "pantry_item"]


class RecipeFormatInline(admin.TabularInline):
    model = RecipeFormat
    extra = 0


@admin.register(Recipe)
class RecipeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "version", "is_active", "ph_limit", "shelf_life_days", "validated_at", "territory"]
    list_filter = ["territory", "is_active"]
    search_fields = ["name", "code", "description"]
    # Allergens are derived from the ingredients (recipes.services.derived_allergens): never edited by hand.
    readonly_fields = ["validated_by", "validated_at", "allergens"]
    inlines = [RecipeIngredientInline, RecipeFormatInline]


@admin.register(PantryItem)
class PantryItemAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "allergens", "lot_tracked"]
    list_filter = ["territory"]
    search_fields = ["name"]


@admin.register(PantryLot)
class PantryLotAdmin(admin.ModelAdmin):
    list_display = ["item", "supplier", "supplier_lot", "kg", "received_on", "best_before"]
    list_filter = ["territory", "item"]
    search_fields = ["item__name", "supplier", "supplier_lot"]
    date_hierarchy = "received_on"
    list_select_related = ["item"]


from conserverie.recipes.models import HaccpPlan  # noqa: E402


@admin.register(HaccpPlan)
class HaccpPlanAdmin(SimpleHistoryAdmin):
    list_display = ("recipe",)
