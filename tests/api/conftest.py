import pytest

from conserverie.api.services import token_create
from conserverie.core.scoping import territory_scope


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def new_token(user, territory, scope="write", days=None):
    with territory_scope(territory):
        return token_create(user=user, territory=territory, scope=scope, days=days)[1]


@pytest.fixture
def api(client):
    """`api.get("/api/v1/…", token)` → the test client's response, the token as `Authorization: Bearer`."""

    class Caller:
        def get(self, url, token, **headers):
            return client.get(url, **bearer(token), **headers)

        def post(self, url, token, data=None):
            return client.post(url, data or {}, content_type="application/json", **bearer(token))

        def patch(self, url, token, data=None):
            return client.patch(url, data or {}, content_type="application/json", **bearer(token))

        def put(self, url, token, data=None):
            return client.put(url, data or {}, content_type="application/json", **bearer(token))

    return Caller()


@pytest.fixture
def coord_token(romans, coordinator):
    return new_token(coordinator, romans.territory)


@pytest.fixture
def other_token(other, other_coordinator):
    return new_token(other_coordinator, other.territory)
