from django.urls import path

from conserverie.producers.views import network as views

app_name = "network"

urlpatterns = [
    path("", views.producer_list, name="list"),
    path("carte/", views.producer_map, name="map"),
    path("a-venir/", views.season_calendar, name="calendar"),
    path("nouveau/", views.producer_new, name="new"),
    path("import/", views.producer_import, name="import"),
    path("modele.<str:ext>", views.producer_template, name="template"),
    path("export.<str:ext>", views.producer_export, name="export"),
    path("<int:pk>/", views.producer_detail, name="detail"),
    path("<int:pk>/modifier/", views.producer_edit, name="edit"),
    path("<int:pk>/calendrier/", views.producer_calendar, name="season_edit"),
]
