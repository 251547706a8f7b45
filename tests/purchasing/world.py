"""A purchasing group to act on: a structure's tier, members, a released lot and an open round."""

from datetime import time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from conserverie.distribution.services import tier_set
from conserverie.purchasing.services import ItemSpec, member_add, round_open

from ..helpers import released_lot


def add_member(chain, first_name, phone, tier=None, **extra):
    return member_add(
        actor=chain.actor,
        territory=chain.territory,
        structure=chain.structure,
        first_name=first_name,
        phone=phone,
        price_tier=tier,
        consent=True,
        **extra,
    )


def open_round(chain, lot, offered=6, price="4.00", title="Commande de juin", days=3):
    now = timezone.localtime()
    return round_open(
        actor=chain.actor,
        territory=chain.territory,
        structure=chain.structure,
        title=title,
        location=chain.truck,
        closes_at=now + timedelta(days=days),
        pickup_place="Maison de quartier",
        pickup_day=(now + timedelta(days=days + 1)).date(),
        pickup_start=time(16),
        pickup_end=time(18),
        items=[ItemSpec(lot, chain.jar, offered, Decimal(price))],
    )


def group(chain, jars=10, offered=6):
    lot = released_lot(chain, jars=jars)
    tier = tier_set(
        actor=chain.actor, territory=chain.territory, structure=chain.structure, name="Solidaire", percent=Decimal("50")
    )
    amina = add_member(chain, "Amina", "06 10 00 00 01", tier=tier, notify_sms=True)
    bruno = add_member(chain, "Bruno", "06 10 00 00 02")
    the_round = open_round(chain, lot, offered=offered)
    item = the_round.items.get()
    return SimpleNamespace(lot=lot, tier=tier, amina=amina, bruno=bruno, round=the_round, item=item)
