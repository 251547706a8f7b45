from django.urls import path

from conserverie.people.privacy_views import privacy

urlpatterns = [
    path("vos-donnees/", privacy, name="privacy"),
]
