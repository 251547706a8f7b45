from django.urls import path

from conserverie.replication import views

app_name = "replication"

urlpatterns = [
    path("", views.start, name="start"),
    path("lieux/", views.places, name="places"),
    path("confirmer/", views.confirm, name="confirm"),
    path("demarrage/", views.launch, name="launch"),
]
