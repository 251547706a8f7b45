"""Demo accounts: one per role of Romans and a coordinator of Vercors, all with the password `demo`."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from conserverie.territories.models import Membership, Role

DEMO_PASSWORD = "demo"

# (username, territory slug, role, what the account shows): printed by `conserverie demo`.
ACCOUNTS = [
    (
        "coordination",
        "romans",
        Role.COORDINATOR,
        _("coordination de Romans : tout, sauf signer (pas de formation HACCP)"),
    ),
    ("animation", "romans", Role.ANIMATOR, _("animation, formée HACCP : ateliers, production, libération des lots")),
    ("animation-2", "romans", Role.ANIMATOR, _("seconde animatrice formée HACCP (hygiène à renouveler)")),
    ("producteur", "romans", Role.PRODUCER, _("une ferme : ses offres de surplus")),
    ("benevole", "romans", Role.VOLUNTEER, _("bénévole : ses inscriptions")),
    ("lecture", "romans", Role.VIEWER, _("conseil, financeurs : bilans agrégés")),
    ("coordination-vercors", "vercors", Role.COORDINATOR, _("coordination du second territoire")),
]


def create_account(username, territory, role, producer=None):
    """The demo password is deliberately trivial: set it directly, the validators would refuse it."""
    user = get_user_model()(username=username, email=f"{username}@demo.invalid")
    user.set_password(DEMO_PASSWORD)
    user.save()
    # The membership exists before the user first acts: role_in() caches the roles on the user object.
    # Without a territory, the membership comes later (the replication kit makes its coordinator).
    if territory is not None:
        Membership.objects.create(user=user, territory=territory, role=role, producer=producer)
    return user
