"""The producer's space at /producteur/ (global URL names: the space has no territory in its address)."""

from django.urls import path

from conserverie.producers.views import portal

urlpatterns = [
    path("", portal.producer_space, name="producer_space"),
    path("offres/<int:pk>/", portal.producer_offer, name="producer_offer"),
    path("offres/<int:pk>/photo/", portal.producer_offer_photo, name="producer_offer_photo"),
]
