from django.urls import path

from . import health, views, views_totp

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("l/<str:code>/", views.lot_public, name="lot_public"),
    path("espace/", views.workspace, name="workspace"),
    path("compte/double-authentification/", views_totp.totp_setup, name="totp_setup"),
    path("connexion/code/", views_totp.totp_verify, name="totp_verify"),
    path("t/<slug:slug>/", views.dashboard, name="dashboard"),
    path("t/<slug:slug>/audit/", views.audit, name="audit"),
]
