from django.urls import path

from conserverie.impact.views import flower as views

app_name = "impact"

urlpatterns = [
    path("", views.flower, name="flower"),
    path("fleur.svg", views.flower_download, name="flower_svg"),
    path("petale/<int:pk>/", views.petal, name="petal"),
    path("dimensions/", views.dimensions, name="dimensions"),
    path("dimensions/defaut/", views.dimensions_defaults, name="dimensions_defaults"),
    path("dimensions/nouvelle/", views.dimension_new, name="dimension_new"),
    path("dimensions/<int:pk>/", views.dimension_edit, name="dimension_edit"),
    path("indicateurs/nouveau/", views.indicator_new, name="indicator_new"),
    path("indicateurs/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicateurs/<int:pk>/valeur/", views.indicator_value, name="indicator_value"),
]
