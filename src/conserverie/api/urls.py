"""/api/v1/: the API's views, each wrapped by `call` (docs/api-en.md).

`call` resolves the token, refuses a read-only token's write (403) and a token over its rate (429), runs the
operation in the token's territory scope, answers `304 Not Modified` to a matching `If-None-Match`, and logs the
call (`ApiCall`): every call with a token is audited, also a refused one.
"""

import hashlib
from functools import partial, wraps

from django.conf import settings
from django.utils.translation import gettext as _

from conserverie.api.api import api
from conserverie.api.auth import resolve
from conserverie.api.errors import problem
from conserverie.api.models import ApiCall
from conserverie.api.schema import openapi_json
from conserverie.core.ratelimit import hit
from conserverie.core.scoping import territory_scope

SAFE = ("GET", "HEAD", "OPTIONS")


def _etag(response) -> str:
    return '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def _answer(request, token, view, args, kwargs):
    if request.method not in SAFE and not token.may_write:
        return problem(403, _("Ce jeton est en lecture seule."))
    if getattr(settings, "RATELIMIT_ENABLED", True):
        allowed, retry_after = hit("api", f"token:{token.pk}")
        if not allowed:
            message = _("Trop d'appels : réessayez dans %(s)d s.") % {"s": retry_after}
            return problem(429, message, Retry_After=str(retry_after))
    with territory_scope(token.territory):
        return view(request, *args, **kwargs)


def call(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = resolve(request)
        if token is None:
            response = view(request, *args, **kwargs)  # the docs and the schema; any operation answers 401
        else:
            response = _answer(request, token, view, args, kwargs)
            ApiCall.objects.create(
                territory=token.territory,
                token=token,
                method=request.method[:8],
                path=request.path[:250],
                status=response.status_code,
            )
        if request.method == "GET" and response.status_code == 200 and not response.streaming:
            etag = _etag(response)
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
            if _matches(request.headers.get("If-None-Match", ""), etag):
                response.status_code = 304
                response.content = b""
        return response

    return wrapper


def _wrapped(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _wrapped(pattern.url_patterns)
        else:
            pattern.callback = call(pattern.callback)
    return patterns


_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    if getattr(_pattern, "name", None) == "openapi-json" and not api.docs_decorator:
        _pattern.callback = partial(openapi_json, api=api)  # the document built once per language (api/schema.py)
app_name = "api"  # reverse("api:openapi-json"), as ninja's urls_namespace says
urlpatterns = _wrapped(_patterns)
