from django.urls import path

from conserverie.workshops import feeds
from conserverie.workshops.views import public

app_name = "public"

urlpatterns = [
    path("ateliers/", public.calendar, name="calendar"),
    path("ateliers.ics", feeds.all_workshops, name="feed"),
    path("ateliers/lieu/<int:pk>.ics", feeds.site_workshops, name="site_feed"),
    path("ateliers/<int:pk>/", public.detail, name="detail"),
    path("ateliers/inscription/<str:token>/", public.confirmation, name="confirmation"),
    path("ateliers/annuler/", public.cancel_by_code, name="cancel_code"),
    path("ateliers/annuler/<str:token>/", public.cancel, name="cancel"),
    path("ateliers/<int:pk>.ics", feeds.one_workshop, name="workshop_feed"),
]
