from django.urls import path

from conserverie.workshops import planning
from conserverie.workshops.views import day_sheet, truck
from conserverie.workshops.views import staff as views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("nouveau/", views.workshop_new, name="new"),
    path("calendrier/", planning.workshop_calendar, name="calendar"),
    path("serie/", planning.series_new, name="series_new"),
    path("<int:pk>/", views.workshop_detail, name="detail"),
    path("<int:pk>/annuler/", planning.workshop_cancel_view, name="cancel"),
    path("<int:pk>/presence/<int:registration_pk>/", views.checkin, name="checkin"),
    path("<int:pk>/camion/", truck.truck, name="truck"),
    path("<int:pk>/camion/presence/<int:registration_pk>/", truck.truck_checkin, name="truck_checkin"),
    path("<int:pk>/camion/sur-place/", truck.truck_walk_in, name="truck_walk_in"),
    path("<int:pk>/camion/manifest.webmanifest", truck.truck_manifest, name="truck_manifest"),
    path("<int:pk>/feuille-du-jour.pdf", day_sheet.day_sheet, name="day_sheet"),
    path("<int:pk>/feuille-du-jour/saisie/", day_sheet.paper_entry, name="paper_entry"),
]
