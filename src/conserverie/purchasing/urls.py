from django.urls import path

from conserverie.purchasing.views import staff as views

app_name = "purchasing"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("membres/", views.member_list, name="members"),
    path("membres/<int:pk>/", views.member_detail, name="member"),
    path("nouvelle/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/retrait/", views.pickup, name="pickup"),
    path("<int:pk>/retrait.pdf", views.pickup_pdf, name="pickup_pdf"),
    path("<int:pk>/<str:act>/", views.round_act, name="round_act"),
]
