from django.urls import path

from conserverie.sourcing.rounds import views

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("nouvelle/", views.round_new, name="new"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/confirmer/", views.round_confirm_view, name="confirm"),
    path("<int:pk>/annuler/", views.round_cancel_view, name="cancel"),
    path("<int:pk>/feuille.pdf", views.round_sheet, name="sheet"),
    path("<int:pk>/chauffeur/", views.round_driver, name="driver"),
    path("<int:pk>/terminer/", views.round_finish_view, name="finish"),
]
