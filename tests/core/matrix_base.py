"""The vocabulary of the permission matrix, shared by test_permission_matrix.py and the rows in matrix_rows/."""

from dataclasses import dataclass

ANON, COORD, ANIM, VIEWER, OTHER = "anonymous", "coordinator", "animator", "viewer", "other_coordinator"
PERSONAS = (ANON, VIEWER, OTHER, ANIM, COORD)  # refused ones first: an allowed POST may change the world

OK, REDIRECT, LOGIN, ADMIN_LOGIN, ALLOWED = "ok", "redirect", "login", "admin-login", "allowed"
REFUSALS = {LOGIN, ADMIN_LOGIN, 403, 404, 405}


@dataclass(frozen=True)
class Row:
    expect: dict
    kwargs: object = None  # world -> URL kwargs other than the territory slug (which is always Romans)
    method: str = "get"
    data: object = None  # a dict, or world -> dict


def everyone(outcome):
    return {p: outcome for p in PERSONAS}


def signed_in(outcome):
    return {**everyone(outcome), ANON: LOGIN}


def staff(outcome=OK):
    """Coordinators and animators of Romans; viewers and other territories get 404."""
    return {ANON: LOGIN, COORD: outcome, ANIM: outcome, VIEWER: 404, OTHER: 404}


def readers(outcome=OK):
    """Staff and viewers of Romans: aggregated figures without personal data."""
    return {**staff(outcome), VIEWER: outcome}


def coordinators(outcome=OK):
    return {ANON: LOGIN, COORD: outcome, ANIM: 404, VIEWER: 404, OTHER: 404}


def post_staff():
    return staff(ALLOWED)


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}
