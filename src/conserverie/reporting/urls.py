from django.urls import path

from conserverie.reporting.views import staff as views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("espace/", views.workspace, name="workspace"),
    path("t/<slug:slug>/", views.dashboard, name="dashboard"),
    path("t/<slug:slug>/audit/", views.audit, name="audit"),
]
