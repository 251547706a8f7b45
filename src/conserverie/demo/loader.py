"""The demo data of `conserverie demo`, as code: a living Romans season and a small second territory.

Everything is written through the services, as a person would, so the demo obeys every rule the
application enforces. A seeded random generator makes two loads identical (apart from dates relative
to the day of loading: the upcoming workshops).
"""

from random import Random

from django.db import transaction
from django.utils import timezone

from conserverie.core.scoping import scopes_disabled
from conserverie.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from conserverie.demo.api_tokens import DEMO_API_TOKEN, build_api_token
from conserverie.demo.romans import build_romans
from conserverie.demo.vercors import build_vercors
from conserverie.people.reach import reach_deferred
from conserverie.territories.models import Territory

__all__ = ["ACCOUNTS", "DEMO_API_TOKEN", "DEMO_PASSWORD", "load_demo"]

SEED = 2026


def load_demo(*, today=None) -> bool:
    """Load the demo into an empty database; return False and write nothing when a territory exists."""
    if Territory.objects.exists():
        return False
    rng = Random(SEED)
    today = today or timezone.localdate()
    # One transaction: all or nothing, and SQLite writes once instead of thousands of times. The demo writes two
    # territories and reads across them (Vercors starts from Romans): no scoping (docs/architecture.md §8). Each
    # household's reached days are rebuilt once, at the end, not at each of its gifts and check-ins (people/reach.py).
    with transaction.atomic(), scopes_disabled(), reach_deferred():
        romans = build_romans(rng, today)
        build_vercors(rng, today, romans)
        build_api_token(romans.territory)
    return True
