from django.urls import path

from conserverie.distribution.views import truck as views_truck

app_name = "truck"

urlpatterns = [
    path("<int:pk>/camion/envoi/", views_truck.sync, name="sync"),
]
