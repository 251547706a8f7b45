from django.urls import path

from conserverie.distribution.views import trace as views_trace

app_name = "trace"

urlpatterns = [
    path("tracabilite/ferme/", views_trace.farm_trace, name="farm"),
    path("<str:code>/rappel/contacts.csv", views_trace.recall_contacts_csv, name="recall_contacts_csv"),
]
