from django.urls import path

from . import views

app_name = "distribution"

urlpatterns = [
    path("", views.list, name="list"),
]
