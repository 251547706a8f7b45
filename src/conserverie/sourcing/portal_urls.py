"""The producer's receipts and purchase notes at /producteur/… (global URL names, like the rest of the space)."""

from django.urls import path

from conserverie.sourcing.views import portal

urlpatterns = [
    path("recu/<int:year>/", portal.producer_certificate, name="producer_certificate"),
    path("bon-achat/<int:year>/", portal.producer_purchase_note, name="producer_purchase_note"),
]
