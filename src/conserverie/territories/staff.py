"""Staff pages live under /t/<territory slug>/: one decorator resolves and scopes the territory."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conserverie.core.scoping import territory_scope
from conserverie.territories.models import STAFF_ROLES, Membership, Role, Territory
from conserverie.territories.permissions import may, remember_role, role_in

# An entry is (URL name, label) or (URL name, label, named permission), or (group label, [entries]): a drop-down,
# so the bar fits a laptop on one line. An entry with a permission shows only to the roles that have it
# (territories/permissions.py): each role sees what it uses (issue 19, item 7) — an animator runs workshops,
# surveys and the truck, not the rounds' planning, the farms' register, the funders' reports or the economics.
MENU = [
    ("reporting:dashboard", _("Tableau de bord")),
    (
        _("Fermes"),
        [
            ("producers:offers", _("Offres")),
            ("network:list", _("Producteurs"), "menu.farms"),
            ("sourcing:raw_lots", _("Collectes")),
            ("rounds:list", _("Tournées"), "menu.rounds"),
            ("gleaning:list", _("Glanages")),
        ],
    ),
    (_("Animation"), [("workshops:list", _("Ateliers")), ("participants:list", _("Participants"))]),
    (
        _("Fabrication"),
        [
            ("recipes:list", _("Recettes")),
            ("production:lots", _("Production")),
            ("stock:overview", _("Stock")),
            ("trainings:list", _("Formations")),
        ],
    ),
    ("distribution:list", _("Cessions et ventes")),
    (
        _("Utilité sociale"),
        [
            ("impact:flower", _("La fleur"), "menu.reports"),
            ("surveys:list", _("Enquêtes")),
            ("surveys:testimonies", _("Témoignages")),
            ("surveys:reports", _("Rapports"), "menu.reports"),
        ],
    ),
    ("economics:summary", _("Économie"), "menu.economics"),
]
# Only coordinators read the audit trail (who did what, who read whose social situation) and start territories.
COORDINATOR_MENU = [
    (_("Coordination"), [("reporting:audit", _("Journal d'audit")), ("replication:start", _("Nouveau territoire"))])
]
# Board members and funders read aggregated figures only (docs/architecture.md §2).
VIEWER_MENU = [
    ("reporting:dashboard", _("Tableau de bord")),
    ("distribution_report:report", _("Bilan des cessions")),
    ("impact:flower", _("Utilité sociale")),
    ("surveys:reports", _("Rapports")),
    ("economics:summary", _("Économie")),
]


def territory_view(roles=STAFF_ROLES):
    """Login required; the territory must be one where the user holds one of `roles`, else 404.

    A 404 rather than a 403: a person of territory A must not learn that a slug of B exists. The view runs, and
    renders its page, in the territory's scope (docs/architecture.md §8): its queries see this territory only.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            own = Membership.objects.filter(user=request.user, territory=OuterRef("pk")).values("role")[:1]
            territory = (
                Territory.objects.for_user(request.user, roles).filter(slug=slug).annotate(user_role=Subquery(own))
            ).first()
            if territory is None:
                raise Http404
            remember_role(request.user, territory, territory.user_role)
            request.territory = territory
            with territory_scope(territory):
                return view(request, territory, *args, **kwargs)

        return wrapper

    return decorator


def staff_menu(request):
    territory = getattr(request, "territory", None)
    if territory is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    role = role_in(request.user, territory)
    menu = VIEWER_MENU if role == Role.VIEWER else MENU + (COORDINATOR_MENU if role == Role.COORDINATOR else [])
    items = [_menu_item(entry, territory, current, request.user) for entry in menu]
    return {"staff_territory": territory, "staff_menu": [item for item in items if item]}


def _menu_item(entry, territory, current, user) -> dict | None:
    """The entry as the template draws it, or None when the user's role does not use it (an empty group too)."""
    name, label, *permission = entry
    if permission and not may(user, territory, permission[0]):
        return None
    if isinstance(label, list):  # a group: `name` is its label
        children = [item for child in label if (item := _menu_item(child, territory, current, user))]
        if not children:
            return None
        return {"label": name, "children": children, "active": any(child["active"] for child in children)}
    return {"url": reverse(name, args=[territory.slug]), "label": label, "active": name == current}
