"""`/healthz` asks the database and the cache: 200 "ok" when both answer, 503 and the name of the one down otherwise."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import Client


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


def test_both_answer(quiet_client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = quiet_client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "no-cache" in response.headers["Cache-Control"]


def test_no_login_and_no_https_needed(quiet_client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert quiet_client.get("/healthz").status_code == 200
    assert quiet_client.head("/healthz").status_code == 200
    assert quiet_client.post("/healthz").status_code == 405


def test_database_down(quiet_client, db, caplog):
    wrapper = type(connections["default"])
    with mock.patch.object(wrapper, "cursor", side_effect=OperationalError("connection refused")):
        response = quiet_client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable")
    assert "connection refused" in caplog.text  # in the log, not in the answer


def test_cache_down(quiet_client, db):
    with mock.patch.object(type(caches["default"]), "set", side_effect=ConnectionError("cache refused")):
        response = quiet_client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"cache unavailable")


def test_cache_that_keeps_nothing(quiet_client, db):
    with mock.patch.object(type(caches["default"]), "get", return_value=None):
        response = quiet_client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"cache unavailable")
