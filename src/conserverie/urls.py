from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from conserverie.core.forms import LoginForm
from conserverie.core.ratelimit import ratelimit
from conserverie.workshops.views.volunteer import volunteer_space

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("conserverie.api.urls")),
    path("compte/jetons-api/", include("conserverie.api.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "connexion/",
        ratelimit("login")(auth_views.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", include("conserverie.core.password_urls")),
    path("producteur/", include("conserverie.producers.portal_urls")),
    path("producteur/", include("conserverie.sourcing.portal_urls")),
    path("benevole/", volunteer_space, name="volunteer_space"),
    path("t/<slug:slug>/offres/", include("conserverie.producers.urls")),
    path("t/<slug:slug>/producteurs/", include("conserverie.producers.network_urls")),
    path("t/<slug:slug>/collectes/", include("conserverie.sourcing.urls")),
    path("t/<slug:slug>/tournees/", include("conserverie.sourcing.rounds.urls")),
    path("t/<slug:slug>/glanages/", include("conserverie.gleaning.urls")),
    path("t/<slug:slug>/ateliers/", include("conserverie.workshops.urls")),
    path("t/<slug:slug>/ateliers/", include("conserverie.distribution.truck_urls")),
    path("t/<slug:slug>/participants/", include("conserverie.distribution.participants_urls")),
    path("t/<slug:slug>/participants/", include("conserverie.people.staff_urls")),
    path("t/<slug:slug>/recettes/", include("conserverie.recipes.urls")),
    path("t/<slug:slug>/formations/", include("conserverie.territories.training_urls")),
    path("t/<slug:slug>/lots/", include("conserverie.distribution.trace_urls")),
    path("t/<slug:slug>/lots/", include("conserverie.production.urls")),
    path("t/<slug:slug>/stock/", include("conserverie.stock.urls")),
    path("t/<slug:slug>/cessions/bilan/", include("conserverie.reporting.distribution_urls")),
    path("t/<slug:slug>/cessions/", include("conserverie.distribution.urls")),
    path("t/<slug:slug>/groupement/", include("conserverie.purchasing.urls")),
    path("t/<slug:slug>/impact/", include("conserverie.impact.urls")),
    path("t/<slug:slug>/enquetes/", include("conserverie.impact.surveys.urls")),
    path("t/<slug:slug>/economie/", include("conserverie.economics.urls")),
    path("t/<slug:slug>/transfert/", include("conserverie.replication.urls")),
    path("reseau/", include("conserverie.reporting.network_urls")),
    path("randos/", include("conserverie.gleaning.public_urls")),
    path("groupement/", include("conserverie.purchasing.public_urls")),
    path("q/", include("conserverie.impact.surveys.public_urls")),
    path("", include("conserverie.workshops.public_urls")),
    path("", include("conserverie.production.public_urls")),
    path("", include("conserverie.territories.urls")),
    path("", include("conserverie.reporting.urls")),
    path("", include("conserverie.people.public_urls")),
    path("", include("conserverie.core.urls")),
]
