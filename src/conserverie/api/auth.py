"""Bearer tokens: who calls, in which territory, with which rights (docs/api-en.md)."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from conserverie.api.models import ApiToken
from conserverie.api.services import PREFIX, digest_of
from conserverie.core.scoping import every_territory
from conserverie.territories.permissions import role_in

# `last_used_at` is written at most once a minute per token: not one write per call.
TOUCH_EVERY = timedelta(minutes=1)


def bearer(request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    return value if value.startswith(PREFIX) and len(value) < 200 else None


def resolve(request) -> ApiToken | None:
    """The live token of the request's `Authorization: Bearer` header, or None. Cached on the request."""
    if hasattr(request, "_api_token"):
        return request._api_token
    token = None
    value = bearer(request)
    if value:
        with every_territory():
            token = ApiToken.objects.select_related("user", "territory").filter(digest=digest_of(value)).first()
        if token is not None and not (
            token.is_active and token.user.is_active and role_in(token.user, token.territory) is not None
        ):
            token = None
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=now)
        request.user = token.user
    request._api_token = token
    return token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return resolve(request)
