from django.urls import path

from conserverie.core import health

app_name = "core"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
