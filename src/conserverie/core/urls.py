from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from conserverie.core import health, offline

app_name = "core"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers and feed readers ask /favicon.ico whatever the page says: no 404 in the logs (issue 19, item 7).
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.ico"), permanent=True), name="favicon"),
    path("sw.js", offline.service_worker, name="service_worker"),
]
