"""The producer's certificates at /producteur/attestation/<year>/ (a global URL name, like the rest of the space)."""

from django.urls import path

from conserverie.sourcing.views import portal

urlpatterns = [
    path("attestation/<int:year>/", portal.producer_certificate, name="producer_certificate"),
]
