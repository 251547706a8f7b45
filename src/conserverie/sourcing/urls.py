from django.urls import path

from . import views

app_name = "sourcing"

urlpatterns = [
    path("", views.raw_lots, name="raw_lots"),
]
