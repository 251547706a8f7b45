from django.urls import path

from conserverie.purchasing.views import member as views

app_name = "purchasing_public"

urlpatterns = [
    path("", views.space, name="space"),
    path("connexion/", views.login, name="login"),
    path("lien/<str:token>/", views.link, name="link"),
    path("deconnexion/", views.logout, name="logout"),
    path("messages/arret/", views.stop_messages, name="stop_messages"),
    path("commande/<int:pk>/", views.order, name="order"),
    path("inscription/<int:pk>/", views.join, name="join"),
]
