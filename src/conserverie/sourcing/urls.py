from django.urls import path

from conserverie.sourcing.views import staff as views

app_name = "sourcing"

urlpatterns = [
    path("", views.raw_lots, name="raw_lots"),
    path("nouvelle/", views.collection_new, name="collection_new"),
    path("<str:code>/", views.raw_lot_detail, name="raw_lot_detail"),
]
