from django.urls import path

from conserverie.gleaning import views

app_name = "gleaning_public"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
    path("inscription/<str:token>/", views.public_confirmation, name="confirmation"),
    path("annuler/", views.public_cancel_by_code, name="cancel_code"),
    path("annuler/<str:token>/", views.public_cancel, name="cancel"),
]
