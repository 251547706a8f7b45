from django.urls import path

from conserverie.recipes import views

app_name = "recipes"

urlpatterns = [
    path("", views.recipe_list, name="list"),
    path("nouvelle/", views.recipe_new, name="new"),
    path("<int:pk>/", views.recipe_detail, name="detail"),
    path("<int:pk>/nouvelle-version/", views.recipe_new_version, name="new_version"),
    path("<int:pk>/valider/", views.recipe_validate_view, name="validate"),
]
