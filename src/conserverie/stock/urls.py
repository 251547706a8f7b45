from django.urls import path

from conserverie.stock import views

app_name = "stock"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mouvements/", views.movements, name="movements"),
    path("transfert/", views.move, name="move"),
    path("sortie/", views.discard, name="discard"),
    path("consignes/", views.deposit, name="deposit"),
    path("inventaire/", views.inventory, name="inventory"),
    path("vides/", views.empties, name="empties"),
    path("vides/<slug:action>/", views.empty_form, name="empty_form"),
    path("rendus-ferme/<str:code>/", views.farm_jars_return_view, name="farm_jars_return"),
]
