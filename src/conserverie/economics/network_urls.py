from django.urls import path

from . import network_views

app_name = "federation"

urlpatterns = [
    path("", network_views.network, name="network"),
]
