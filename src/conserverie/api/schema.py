"""/api/v1/openapi.json, built once per process and language (issue 20).

django-ninja builds the OpenAPI document from the routers' pydantic models on every request: 90 to 120 ms of CPU
for a document that only changes with the code (a new version is a new process), the language of its texts (the
error descriptions are translated) and the URL prefix it is served under. The JSON is kept as bytes per
(version, language, prefix): the same bytes a fresh build writes (tests/api/test_schema_cache.py).
"""

from django.http import HttpResponse
from django.utils import translation
from ninja.responses import Response

_documents: dict[tuple[str, str, str], tuple[bytes, str]] = {}


def schema_bytes(api, path_prefix: str) -> tuple[bytes, str]:
    """(the JSON document, its content type), built the first time this version, language and prefix are asked."""
    key = (api.version, translation.get_language() or "", path_prefix)
    document = _documents.get(key)
    if document is None:  # two threads may both build it the first time: the same bytes, the last one kept
        fresh = Response(api.get_openapi_schema(path_prefix=path_prefix))
        document = _documents[key] = (fresh.content, fresh["Content-Type"])
    return document


def openapi_json(request, api, **kwargs) -> HttpResponse:
    """ninja's `openapi_json` view, from the kept bytes."""
    content, content_type = schema_bytes(api, api.get_root_path(kwargs))
    return HttpResponse(content, content_type=content_type)
