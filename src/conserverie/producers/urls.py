from django.urls import path

from conserverie.producers.views import offers as views

app_name = "producers"

urlpatterns = [
    path("", views.offers, name="offers"),
    path("nouvelle/", views.offer_new, name="offer_new"),
    path("<int:pk>/accepter/", views.offer_accept_view, name="offer_accept"),
    path("<int:pk>/refuser/", views.offer_decline_view, name="offer_decline"),
    path("<int:pk>/photo/", views.offer_photo, name="offer_photo"),
    path("<int:pk>/conditions/", views.offer_terms, name="offer_terms"),
]
