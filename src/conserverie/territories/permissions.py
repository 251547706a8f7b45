"""Who may do what where (docs/architecture.md §2): one place that services and views both ask."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.territories.models import REPORT_ROLES, STAFF_ROLES, Membership, Role, Training, TrainingKind

COORDINATION = (Role.COORDINATOR,)

# Named permissions: what an act needs, said once. Views ask `may()` to show a button or a page; services call
# `require()` to refuse the act. A change of who may do something (e.g. a trained animator validating a heat
# treatment) is one line here, and both the page and the service follow.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "territory.work": STAFF_ROLES,  # the territory's day-to-day pages and acts
    "territory.read_figures": REPORT_ROLES,  # dashboards and reports, no personal data
    "territory.audit": COORDINATION,
    "territory.replicate": COORDINATION,  # start a new territory from this one
    "producer.manage": COORDINATION,  # create, edit, import farms
    "producer.calendar": STAFF_ROLES,
    "offer.declare": (*STAFF_ROLES, Role.PRODUCER),
    "offer.decide": STAFF_ROLES,  # accept, decline
    "round.plan": COORDINATION,
    "recipe.manage": COORDINATION,
    # Signed off by a trained person, whatever the staff role (`require_trained`, docs/safety-en.md).
    "recipe.validate_schedule": STAFF_ROLES,
    "recipe.validate_haccp": STAFF_ROLES,  # write, review and sign the recipe's HACCP plan
    "lot.release": STAFF_ROLES,
    "training.manage": COORDINATION,  # record the staff's trainings
    "lot.recall": COORDINATION,
    "stock.correct": COORDINATION,  # inventory count, reversal of a movement, count of empty jars
    "price.set": COORDINATION,
    "tier.set": STAFF_ROLES,
    "distribution.reverse": COORDINATION,
    # The purchasing group (purchasing/): members, rounds, orders entered at the desk, pick-up.
    "group.manage": STAFF_ROLES,
    "participant.erase": COORDINATION,
    "participant.merge": COORDINATION,  # two records of one person made one (people/merge.py)
    "participant.export": COORDINATION,  # everything held on one person (right of access, people/privacy.py)
    "impact.configure": COORDINATION,  # the flower's dimensions, indicators and manual values
    "economics.manage": COORDINATION,  # costs, parameters, scenarios
    # What farms receive (docs/economics-en.md): the terms of an offer, a purchase, the jars processed for a farm.
    "farm.pay": COORDINATION,
    "farm.jars_return": STAFF_ROLES,
    # Donation receipts (article 238 bis CGI): the legal entity, the farms' identity and cost prices, the receipts.
    "receipt.issue": COORDINATION,
    # Menu entries a role does not use (territories/staff.py): hidden from the menu, the pages stay reachable.
    "menu.farms": COORDINATION,  # the farms' register (animators see offers, collections, gleaning)
    "menu.rounds": COORDINATION,  # planning the collection rounds
    "menu.reports": (*COORDINATION, Role.VIEWER),  # the flower and the funders' reports
    "menu.economics": (*COORDINATION, Role.VIEWER),
}


def role_in(user, territory) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.COORDINATOR
    cache = getattr(user, "_roles_cache", None)
    if cache is None:
        known = getattr(user, "_roles_known", {})
        if territory.pk in known:  # read with the territory by the page's decorator (territories/staff.py)
            return known[territory.pk]
        cache = dict(Membership.objects.filter(user=user).values_list("territory_id", "role"))
        user._roles_cache = cache
    return cache.get(territory.pk)


def remember_role(user, territory, role: str | None) -> None:
    """Keep the role a query has just read with the territory: a page's permission checks then cost nothing."""
    user._roles_known = {**getattr(user, "_roles_known", {}), territory.pk: role}


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


# Acts that a person signs as trained in HACCP (Regulation 852/2004 art. 5 and Annex II ch. XII), not as a role.
SIGN_OFF = frozenset({"recipe.validate_schedule", "recipe.validate_haccp", "lot.release"})


def valid_training(user, territory, day=None):
    """The user's HACCP training in force on `day` (today) in `territory`, or None (one query)."""
    if not user.is_authenticated:
        return None
    day = day or timezone.localdate()
    return (
        Training.objects.filter(territory=territory, user=user, kind=TrainingKind.HACCP)
        .valid_on(day)
        .order_by("-expires_on")
        .first()
    )


def may_sign(user, territory, permission: str) -> bool:
    """Whether `user` may sign `permission` off: a staff role that holds it and a valid HACCP training."""
    return may(user, territory, permission) and valid_training(user, territory) is not None


def plan_signers(territory, permission: str = "recipe.validate_haccp") -> list[str]:
    """Who may sign `permission` off today: the usernames of the members whose role holds it and whose HACCP
    training is valid (one query), for a page that says whom to ask."""
    day = timezone.localdate()
    roles = roles_for(permission)
    trained = (
        Training.objects.filter(territory=territory, kind=TrainingKind.HACCP)
        .valid_on(day)
        .filter(user__memberships__territory=territory, user__memberships__role__in=roles)
        .values_list("user__username", flat=True)
        .distinct()
        .order_by("user__username")
    )
    return list(trained)


def require_trained(user, territory, permission: str) -> Training:
    """Refuse unless `user` holds the permission's role and a HACCP training valid today; the training."""
    require(user, territory, permission)
    training = valid_training(user, territory)
    if training is None:
        raise PermissionDenied(
            _(
                "Signer demande une formation HACCP en cours de validité, enregistrée dans Formations : "
                "demandez à une personne formée."
            )
        )
    return training


def roles_for(permission: str) -> tuple[str, ...]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"Unknown permission {permission!r}: name it in PERMISSIONS.") from None


def may(user, territory, permission: str) -> bool:
    """Whether `user` may do `permission` in `territory` (for a page: show the button or not)."""
    return role_in(user, territory) in roles_for(permission)


def require(user, territory, permission: str) -> str:
    """Refuse (PermissionDenied) unless `user` may do `permission` in `territory`; the user's role otherwise."""
    return require_role(user, territory, roles_for(permission))
