"""The coordinator's pages on people (people/staff_views.py), under /t/<slug>/participants/."""

from django.urls import path

from conserverie.people import staff_views as views

app_name = "people"

urlpatterns = [
    path("doublons/", views.duplicates, name="duplicates"),
    path("fusion/", views.merge, name="merge"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/effacer/", views.erase, name="erase"),
]
