from django.urls import path

from conserverie.recipes import views

app_name = "recipes"

urlpatterns = [
    path("", views.recipe_list, name="list"),
    path("nouvelle/", views.recipe_new, name="new"),
    path("<int:pk>/", views.recipe_detail, name="detail"),
    path("<int:pk>/nouvelle-version/", views.recipe_new_version, name="new_version"),
    path("<int:pk>/valider/", views.recipe_validate_view, name="validate"),
    path("<int:pk>/haccp/", views.haccp_plan_detail, name="haccp"),
    path("<int:pk>/haccp/modifier/", views.haccp_plan_edit, name="haccp_edit"),
    path("<int:pk>/haccp/valider/", views.haccp_plan_validate_view, name="haccp_validate"),
    path("<int:pk>/haccp/fiche.pdf", views.haccp_plan_pdf, name="haccp_pdf"),
]
