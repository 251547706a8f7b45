from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conserverie.producers.models import Producer, ProducerProduct, Product, SurplusOffer


class ProducerProductInline(admin.TabularInline):
    model = ProducerProduct
    extra = 0


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "distance_km", "organic_certified", "certification_expiry", "is_active"]
    list_filter = ["territory", "organic_certified", "is_active"]
    search_fields = ["name", "commune", "networks"]
    inlines = [ProducerProductInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "allergens", "shelf_life_days", "months"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(SurplusOffer)
class SurplusOfferAdmin(SimpleHistoryAdmin):
    list_display = ["product", "producer", "kg_estimated", "grade", "mode", "available_from", "status"]
    readonly_fields = ["photo"]
    list_filter = ["territory", "status", "grade", "mode"]
    search_fields = ["producer__name", "product__name", "note"]
    date_hierarchy = "available_from"
    raw_id_fields = ["producer", "created_by"]
    list_select_related = ["product", "producer"]


from conserverie.producers.models import CostPrice  # noqa: E402


@admin.register(CostPrice)
class CostPriceAdmin(SimpleHistoryAdmin):
    list_display = ("producer", "product", "eur_per_kg")
