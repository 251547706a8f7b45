from django.urls import path

from conserverie.territories.views import trainings as views

app_name = "trainings"

urlpatterns = [path("", views.training_list, name="list")]
