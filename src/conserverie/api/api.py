"""The REST API under /api/v1/ (django-ninja): OpenAPI 3 at /api/v1/openapi.json, its docs at /api/v1/docs.

Every operation needs a token (`Authorization: Bearer cnsv_…`, `conserverie api-token`); it runs in the token's
territory scope (docs/architecture.md §8) with the token's person as actor, so the services refuse what that
person may not do. Writes go through the apps' services (docs/architecture.md §7); refusals are problem details
(api/errors.py). Pagination, ETags, `modified_since`, amounts as strings: api/core.py and api/urls.py.
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from conserverie.api import errors
from conserverie.api.auth import TokenAuth
from conserverie.api.resources import (
    activity,
    catalogue,
    catalogue_dfc,
    distribution,
    figures,
    production,
    purchasing,
)

ERROR_CODES = {
    "400": _("Requête illisible"),
    "401": _("Jeton absent, inconnu, expiré ou révoqué"),
    "403": _("Action non permise à ce jeton"),
    "404": _("Introuvable sur ce territoire"),
    "409": _("L'état de l'enregistrement refuse l'action"),
    "422": _("Champ invalide"),
    "429": _("Trop d'appels"),
}


class VendoredSwagger(Swagger):
    """Swagger UI from the project's own static files (static/vendor/swagger-ui), never from a CDN."""

    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        from django.shortcuts import render

        self.settings["url"] = self.get_openapi_url(api, kwargs)

        return render(request, self.template, {"swagger_settings": self.settings, "api": api})


class ConserverieAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = errors.Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        problem = {"$ref": "#/components/schemas/Problem"}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_CODES.items():
                    responses.setdefault(
                        code,
                        {"description": str(description), "content": {errors.PROBLEM: {"schema": problem}}},
                    )
                responses.setdefault("304", {"description": "Not Modified (If-None-Match)"})
        return schema


api = ConserverieAPI(
    title="Conserverie API",
    version="1.0.0",
    description=str(
        _(
            "L'API de la conserverie : jeton « Authorization: Bearer », un territoire par jeton, "
            "pagination par curseur, erreurs en application/problem+json (docs/api-fr.md)."
        )
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs=VendoredSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (catalogue, activity, production, distribution, purchasing, figures, catalogue_dfc):
    api.add_router("", module.router)
