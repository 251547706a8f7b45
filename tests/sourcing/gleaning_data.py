"""Gleaning outings for the tests: a glean offer, outings in the future or the past, residents to sign up."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.gleaning.models import GleaningRegistration
from conserverie.gleaning.services import outing_create, outing_register
from conserverie.producers.models import Product, SurplusOffer
from conserverie.producers.services import offer_declare
from conserverie.workshops.services import participant_create


def apple():
    return Product.objects.get_or_create(
        name="Pomme", defaults={"category": Product.Category.FRUIT, "shelf_life_days": 20}
    )[0]


def glean_offer(chain, product=None, kg="80"):
    today = timezone.localdate()
    return offer_declare(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=product or chain.tomato,
        kg_estimated=Decimal(kg),
        grade=SurplusOffer.Grade.DOWNGRADED,
        mode=SurplusOffer.Mode.GLEAN,
        available_from=today - timedelta(days=30),
        available_until=today + timedelta(days=30),
    )


def make_outing(chain, days=7, capacity=4, **extra):
    """An outing `days` from today (negative: in the past), 9h–12h at the chain's farm."""
    data = {
        "actor": chain.actor,
        "territory": chain.territory,
        "producer": chain.farm,
        "date": timezone.localdate() + timedelta(days=days),
        "start_time": time(9),
        "end_time": time(12),
        "meeting_point": "Devant le hangar, route de Peyrins",
        "capacity": capacity,
        "products_expected": "Tomates, courges",
    }
    return outing_create(**{**data, **extra})


def person(chain, name="Aïcha", **extra):
    return participant_create(territory=chain.territory, first_name=name, consent=True, **extra)


def sign_up(outing, chain, name="Aïcha", party_size=1, **extra):
    return outing_register(outing=outing, participant=person(chain, name, **extra), party_size=party_size)


def attended(outing, chain, names=("Amina", "Bernard"), party_size=1):
    """People signed up to a past outing and marked present (written directly: sign-ups close once it started)."""
    rows = []
    for name in names:
        rows.append(
            GleaningRegistration.objects.create(
                outing=outing, participant=person(chain, name), party_size=party_size, attended=True
            )
        )
    return rows
