"""Tokens of the API: made (shown once), revoked (docs/api-en.md)."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.api.models import ApiToken, TokenScope
from conserverie.territories.models import Territory
from conserverie.territories.permissions import may, role_in

PREFIX = "cnsv_"
MAX_DAYS = 3650


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *, user, territory: Territory, scope: str = TokenScope.READ, days: int | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `user` in `territory`: (the row, the token in clear, to show once and never again).

    The user must hold a role in the territory: the token acts with that role, never more.
    """
    errors = {}
    if not user.is_active:
        errors["user"] = _("Ce compte est désactivé.")
    elif role_in(user, territory) is None:
        errors["user"] = _("Cette personne n'a pas de rôle sur ce territoire.")
    if scope not in TokenScope.values:
        errors["scope"] = _("Les droits sont « read » ou « write ».")
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["expires"] = _("La durée de validité va de 1 à %(max)d jours.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_bytes(32)
    token = PREFIX + secret.hex()
    with transaction.atomic():
        row = ApiToken(
            territory=territory,
            user=user,
            name=name.strip()[:100],
            prefix=token[: len(PREFIX) + 6],
            digest=digest_of(token),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        row._history_user = user
        row.save()
    return row, token


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner, or a coordinator of its territory. Revoking twice keeps the first date."""
    if actor.pk != token.user_id and not may(actor, token.territory, "territory.audit"):
        raise PermissionDenied(_("Ce jeton n'est pas le vôtre."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token._history_user = actor
            token.save(update_fields=["revoked_at"])
    return token
