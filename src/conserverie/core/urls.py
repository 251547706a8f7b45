from django.urls import path

from conserverie.core import health, offline

app_name = "core"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("sw.js", offline.service_worker, name="service_worker"),
]
