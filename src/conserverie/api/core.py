"""The API object, its pagination, its helpers (docs/api-en.md)."""

import base64
import binascii
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import create_model

from conserverie.territories.permissions import require

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# The largest id (a 64-bit key, settings.DEFAULT_AUTO_FIELD): a filter or a body's id beyond it is refused (422)
# before a database is asked to compare a key with a number it cannot hold.
MAX_ID = 2**63 - 1

# Amounts travel as strings with two decimals ("12.50"): no binary float ever rounds a euro.
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["12.50"])]
Kilos = Annotated[str, Field(pattern=r"^-?\d+\.\d{1,3}$", examples=["40.00"])]


def money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def kilos(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def territory_of(request):
    return request.auth.territory


def actor_of(request):
    return request.auth.user


def need(request, permission: str) -> str:
    """The token's person must hold `permission` in the token's territory (territories/permissions.py)."""
    return require(request.auth.user, request.auth.territory, permission)


_page_models: dict = {}


def page_of(schema):
    """`{"items": [schema…], "next_cursor": "…" | null}`: one class per item schema."""
    if schema not in _page_models:
        _page_models[schema] = create_model(
            f"{schema.__name__}Page",
            __base__=Schema,
            items=(list[schema], ...),
            next_cursor=(str | None, None),
        )
    return _page_models[schema]


def _decode(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HttpError(400, _("Curseur invalide : reprenez celui de la page précédente.")) from None
    if value < 0:
        raise HttpError(400, _("Curseur invalide : reprenez celui de la page précédente."))
    return value


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def paginate(queryset, *, cursor: str | None, limit: int, render) -> dict:
    """Cursor pagination by id (stable: a row added meanwhile never shifts a page). `render(rows)` → items."""
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, _("« limit » va de 1 à %(max)d.") % {"max": MAX_LIMIT})
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=_decode(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": render(rows), "next_cursor": _encode(rows[-1].pk) if more and rows else None}


def changed_since(queryset, since: datetime | None):
    """Rows created or changed at `since` or later, read from the model's history (django-simple-history)."""
    if since is None:
        return queryset
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    # In UTC: PostgreSQL refuses an offset beyond ±15:59 that ISO 8601 and Python accept ("+22:06").
    try:
        since = since.astimezone(UTC)
    except OverflowError:  # the first hours of year 1 in an eastern offset: before every row anyway
        since = datetime.min.replace(tzinfo=UTC)
    history = queryset.model.history.model
    return queryset.filter(pk__in=history.objects.filter(history_date__gte=since).values("id"))


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=40, description="next_cursor of the previous page")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class SyncParams(ListParams):
    modified_since: datetime | None = Field(
        None, description="ISO 8601 date-time: only the rows created or changed since then"
    )
