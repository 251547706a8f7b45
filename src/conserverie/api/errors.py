"""Refusals of the API as RFC 9457 problem details (`application/problem+json`), naming the field at fault.

- 400: the request cannot be read (malformed JSON, a bad cursor);
- 401: no token, an unknown, expired or revoked token;
- 403: the token's person may not do this here, or a read-only token asks to write;
- 404: nothing of that id in the token's territory (another territory's row is "not found", never "forbidden");
- 409: the act contradicts the record's state (a cancelled workshop, a distribution already reversed, fewer jars
  left than ordered: then `errors` names the field as well);
- 422: a field is wrong (`errors` maps each field to its messages), the same messages as the pages' forms;
- 429: too many calls (Retry-After).
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Content",
    429: "Too Many Requests",
}


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None


def problem(status: int, detail: str, errors: dict | None = None, **headers) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": str(detail)}
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# A service marks a refusal of the record's state at a field with this code (e.g. `purchasing.services.CONFLICT`,
# "only 2 jars left"): 409 naming the field, rather than 422.
CONFLICT = "conflict"


def _django_validation(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: [m for e in items for m in e.messages] for field, items in exc.error_dict.items()}
        general = errors.pop(NON_FIELD_ERRORS, None)
        if not errors:  # only "__all__": the record's state refuses the act
            return problem(409, " ".join(general))
        if general:
            errors["_"] = general
        first = next(iter(errors.values()))[0]
        conflict = all(e.code == CONFLICT for items in exc.error_dict.values() for e in items)
        return problem(409 if conflict else 422, first, errors)
    return problem(409, " ".join(exc.messages))


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "_"


def _message(error: dict) -> str:
    """A French sentence for pydantic's most frequent refusals (its own English text otherwise)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": lambda: _("Champ obligatoire."),
        "string_too_short": lambda: _("Au moins %(n)s caractère(s).") % {"n": ctx.get("min_length")},
        "string_too_long": lambda: _("Au plus %(n)s caractères.") % {"n": ctx.get("max_length")},
        "string_pattern_mismatch": lambda: _("Format invalide."),
        "greater_than": lambda: _("Doit être supérieur à %(n)s.") % {"n": ctx.get("gt")},
        "greater_than_equal": lambda: _("Doit être au moins %(n)s.") % {"n": ctx.get("ge")},
        "less_than": lambda: _("Doit être inférieur à %(n)s.") % {"n": ctx.get("lt")},
        "less_than_equal": lambda: _("Doit être au plus %(n)s.") % {"n": ctx.get("le")},
        "too_short": lambda: _("Au moins %(n)s élément(s).") % {"n": ctx.get("min_length")},
        "too_long": lambda: _("Au plus %(n)s éléments.") % {"n": ctx.get("max_length")},
        "int_parsing": lambda: _("Un nombre entier est attendu."),
        "int_type": lambda: _("Un nombre entier est attendu."),
        "decimal_parsing": lambda: _("Un nombre est attendu (ex. : 12.50)."),
        "decimal_type": lambda: _("Un nombre est attendu (ex. : 12.50)."),
        "decimal_max_digits": lambda: _("Trop de chiffres."),
        "decimal_max_places": lambda: _("Trop de décimales."),
        "date_from_datetime_parsing": lambda: _("Une date AAAA-MM-JJ est attendue."),
        "date_parsing": lambda: _("Une date AAAA-MM-JJ est attendue."),
        "date_type": lambda: _("Une date AAAA-MM-JJ est attendue."),
        "datetime_from_date_parsing": lambda: _("Une date et heure ISO 8601 est attendue."),
        "datetime_parsing": lambda: _("Une date et heure ISO 8601 est attendue."),
        "datetime_type": lambda: _("Une date et heure ISO 8601 est attendue."),
        "bool_parsing": lambda: _("true ou false est attendu."),
        "bool_type": lambda: _("true ou false est attendu."),
        "string_type": lambda: _("Un texte est attendu."),
        "enum": lambda: _("Valeur non prévue : %(expected)s.") % {"expected": ctx.get("expected", "")},
    }
    found = messages.get(kind)
    return found() if found else error.get("msg") or _("Valeur invalide.")


def _ninja_validation(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ())), []).append(_message(error))
    return problem(422, _("Certains champs sont invalides."), errors)


def _http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return problem(401, _("Jeton absent, inconnu, expiré ou révoqué."), WWW_Authenticate="Bearer")
    return problem(exc.status_code, exc.message)


def _permission(request, exc):
    return problem(403, str(exc) or _("Vous n'avez pas les droits nécessaires sur ce territoire."))


def _not_found(request, exc):
    return problem(404, _("Introuvable sur ce territoire."))


def _integrity(request, exc):
    return problem(409, _("Cet enregistrement contredit un autre : rien n'a été écrit."))


def install(api) -> None:
    api.add_exception_handler(DjangoValidationError, _django_validation)
    api.add_exception_handler(NinjaValidationError, _ninja_validation)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(PermissionDenied, _permission)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(ObjectDoesNotExist, _not_found)
    api.add_exception_handler(IntegrityError, _integrity)
