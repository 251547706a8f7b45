"""Who may do what where (docs/architecture.md §2): one place that services and views both ask."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from conserverie.territories.models import STAFF_ROLES, Membership, Role


def role_in(user, territory) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.COORDINATOR
    cache = getattr(user, "_roles_cache", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("territory_id", "role"))
        user._roles_cache = cache
    return cache.get(territory.pk)


def require_role(user, territory, roles=STAFF_ROLES) -> str:
    role = role_in(user, territory)
    if role not in roles:
        raise PermissionDenied(_("Vous n'avez pas les droits nécessaires sur ce territoire."))
    return role


def require_same_territory(territory, *objects) -> None:
    """Refuse a record of another territory given by id (a forged form must not cross territories)."""
    for obj in objects:
        if obj is not None and obj.territory_id != territory.pk:
            raise PermissionDenied(_("Cet élément n'appartient pas à ce territoire."))
