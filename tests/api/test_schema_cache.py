"""/api/v1/openapi.json is built once per language and served from the kept bytes (issue 20, api/schema.py)."""

import json

import pytest
from django.utils import translation
from ninja.responses import Response

from conserverie.api import schema
from conserverie.api.api import api

URL = "/api/v1/openapi.json"


@pytest.fixture
def fresh(monkeypatch):
    """No document kept from an earlier test; `builds` counts the schema's builds."""
    monkeypatch.setattr(schema, "_documents", {})
    builds = []
    build = api.get_openapi_schema

    def counted(*args, **kwargs):
        builds.append(translation.get_language())
        return build(*args, **kwargs)

    monkeypatch.setattr(api, "get_openapi_schema", counted)
    return builds


def fresh_build(language: str) -> bytes:
    with translation.override(language):
        return Response(api.get_openapi_schema(path_prefix=api.get_root_path({}))).content


@pytest.mark.django_db
def test_the_schema_is_built_once_per_language_and_is_the_fresh_build(client, fresh):
    french = [client.get(URL, HTTP_ACCEPT_LANGUAGE="fr") for _ in range(3)]
    english = [client.get(URL, HTTP_ACCEPT_LANGUAGE="en") for _ in range(2)]
    assert fresh == ["fr", "en"]  # one build per language, the other requests read the kept bytes
    for responses, language in ((french, "fr"), (english, "en")):
        assert {r.status_code for r in responses} == {200}
        assert {r["Content-Type"] for r in responses} == {"application/json"}
        assert len({r.content for r in responses}) == 1
        assert responses[0].content == fresh_build(language)  # byte for byte what ninja writes
        assert len({r["ETag"] for r in responses}) == 1
    assert "Introuvable sur ce territoire" in french[0].content.decode()
    assert "Introuvable sur ce territoire" not in english[0].content.decode()  # each language its own document
    document = json.loads(french[0].content)
    assert document["info"]["title"] == "Conserverie API"
    assert document["paths"]


@pytest.mark.django_db
def test_a_kept_schema_still_answers_304_to_its_etag(client, fresh):
    first = client.get(URL)
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert len(fresh) == 1
