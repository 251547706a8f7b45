from django.urls import path

from conserverie.distribution.views import trace as views_trace

app_name = "trace"

urlpatterns = [
    path("tracabilite/ferme/", views_trace.farm_trace, name="farm"),
    path("<str:code>/rappel/contacts.csv", views_trace.recall_contacts_csv, name="recall_contacts_csv"),
    path("<str:code>/rappel/notification-ddpp.pdf", views_trace.recall_notice_pdf, name="recall_notice_pdf"),
    path("<str:code>/rappel/rappelconso.txt", views_trace.recall_rappelconso, name="recall_rappelconso"),
    path("<str:code>/rappel/rappelconso.json", views_trace.recall_rappelconso_json, name="recall_rappelconso_json"),
]
