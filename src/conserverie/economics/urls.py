from django.urls import path

from conserverie.economics import views

app_name = "economics"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("comptes.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("fec.txt", views.fec, name="fec"),
    path("plan-comptable/", views.chart, name="chart"),
    path("couts/", views.costs, name="costs"),
    path("couts/<int:pk>/retirer/", views.cost_delete, name="cost_delete"),
    path("couts-unitaires/", views.parameters, name="parameters"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:pk>/retirer/", views.scenario_delete, name="scenario_delete"),
]
