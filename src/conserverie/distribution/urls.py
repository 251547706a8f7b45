from django.urls import path

from . import views

app_name = "distribution"

urlpatterns = [
    path("", views.distribution_list, name="list"),
    path("nouvelle/", views.distribution_new, name="new"),
]
