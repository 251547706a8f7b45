from django.urls import path

from conserverie.territories.views import account

app_name = "territories"

urlpatterns = [
    path("compte/double-authentification/", account.totp_setup, name="totp_setup"),
    path("compte/double-authentification/codes-de-secours/", account.recovery_codes, name="recovery_codes"),
    path("connexion/code/", account.totp_verify, name="totp_verify"),
    path("connexion/code-de-secours/", account.recovery_verify, name="recovery_verify"),
]
