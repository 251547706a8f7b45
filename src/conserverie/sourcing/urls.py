from django.urls import path

from conserverie.sourcing.views import farms
from conserverie.sourcing.views import staff as views

app_name = "sourcing"

urlpatterns = [
    path("", views.raw_lots, name="raw_lots"),
    path("nouvelle/", views.collection_new, name="collection_new"),
    path("fermes/<int:pk>/", farms.farm_received, name="farm_received"),
    path("fermes/<int:pk>/bon-achat.pdf", farms.purchase_note, name="purchase_note"),
    path("entite-juridique/", farms.legal_entity_edit, name="legal_entity"),
    path("recus/registre.<str:ext>", farms.receipt_register_view, name="receipt_register"),
    path("recus/<str:number>.pdf", farms.receipt_download, name="receipt_pdf"),
    path("recus/<str:number>/corriger/", farms.receipt_correct_view, name="receipt_correct"),
    path("<str:code>/", views.raw_lot_detail, name="raw_lot_detail"),
]
