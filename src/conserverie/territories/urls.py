from django.urls import path

from conserverie.territories.views import account as views_totp

app_name = "territories"

urlpatterns = [
    path("compte/double-authentification/", views_totp.totp_setup, name="totp_setup"),
    path("connexion/code/", views_totp.totp_verify, name="totp_verify"),
]
