from django.urls import path

from conserverie.distribution.views import deposits as views_deposits
from conserverie.distribution.views import prices as views_prices
from conserverie.distribution.views import staff as views

app_name = "distribution"

urlpatterns = [
    path("", views.distribution_list, name="list"),
    path("nouvelle/", views.distribution_new, name="new"),
    path("participants/chercher/", views.participant_search, name="participant_search"),
    path("<int:pk>/", views.receipt, name="receipt"),
    path("<int:pk>/annuler/", views.reverse, name="reverse"),
    path("consignes/", views_deposits.deposit_balances, name="deposits"),
    path("consignes/<int:pk>/", views_deposits.deposit_detail, name="deposit_detail"),
    path("tarifs/", views_prices.price_list, name="prices"),
    path("tarifs/<int:pk>/retirer/", views_prices.price_delete, name="price_delete"),
    path("tarifs-sociaux/<int:pk>/retirer/", views_prices.tier_withdraw_view, name="tier_withdraw"),
]
