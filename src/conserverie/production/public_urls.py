from django.urls import path

from conserverie.production.views import public

app_name = "lot_public"

urlpatterns = [
    path("l/<str:code>/", public.lot_public, name="lot_public"),
]
