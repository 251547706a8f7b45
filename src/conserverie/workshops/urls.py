from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("nouveau/", views.workshop_new, name="new"),
    path("<int:pk>/", views.workshop_detail, name="detail"),
    path("<int:pk>/presence/<int:registration_pk>/", views.checkin, name="checkin"),
]
