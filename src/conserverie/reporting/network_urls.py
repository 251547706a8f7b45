from django.urls import path

from conserverie.reporting.views import network as network_views

app_name = "federation"

urlpatterns = [
    path("", network_views.network, name="network"),
]
