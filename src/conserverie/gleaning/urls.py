from django.urls import path

from conserverie.gleaning import views

app_name = "gleaning"

urlpatterns = [
    path("", views.outing_list, name="list"),
    path("nouvelle/", views.outing_new, name="new"),
    path("<int:pk>/", views.outing_detail, name="detail"),
    path("<int:pk>/modifier/", views.outing_edit, name="edit"),
    path("<int:pk>/annuler/", views.outing_cancel_view, name="cancel"),
    path("<int:pk>/presence/<int:registration_pk>/", views.outing_checkin_view, name="checkin"),
    path("<int:pk>/recolte/", views.outing_harvest, name="harvest"),
]
