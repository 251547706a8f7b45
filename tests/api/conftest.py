import pytest

from conserverie.api.services import token_create
from conserverie.core.scoping import territory_scope


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def new_token(user, territory, scope="write", days=None):
    with territory_scope(territory):
        return token_create(user=user, territory=territory, scope=scope, days=days)[1]


@pytest.fixture
def api(client):
    """`api.get("/api/v1/…", token)` → the test client's response, the token as `Authorization: Bearer`."""

    class Caller:
        def get(self, url, token, **headers):
            return client.get(url, **bearer(token), **headers)

        def post(self, url, token, data=None):
            return client.post(url, data or {}, content_type="application/json", **bearer(token))

        def patch(self, url, token, data=None):
            return client.patch(url, data or {}, content_type="application/json", **bearer(token))

        def put(self, url, token, data=None):
            return client.put(url, data or {}, content_type="application/json", **bearer(token))

    return Caller()


@pytest.fixture
def coord_token(romans, coordinator):
    return new_token(coordinator, romans.territory)


@pytest.fixture
def other_token(other, other_coordinator):
    return new_token(other_coordinator, other.territory)


def build_world(place, actor, tomato):
    """A territory alive enough for every resource: a farm, an offer, a released lot in stock, a gift to a resident,
    a workshop with a sign-up, a gleaning outing."""
    from datetime import time, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from conserverie.distribution.services import LineSpec, distribution_record
    from conserverie.gleaning.services import outing_create
    from conserverie.people.signup import participant_create
    from conserverie.producers.models import SurplusOffer
    from conserverie.producers.services import offer_declare
    from conserverie.workshops.services import public_signup, workshop_open
    from tests.conftest import DAY, build_chain
    from tests.helpers import released_lot

    chain = build_chain(place, actor, tomato)
    t = chain.territory
    chain.offer = offer_declare(
        actor=actor,
        territory=t,
        producer=chain.farm,
        product=tomato,
        kg_estimated=Decimal("30"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY + timedelta(days=5),
    )
    chain.lot = released_lot(chain, jars=12)
    chain.person = participant_create(territory=t, first_name=f"Résidente {t.code}", consent=True)
    chain.gift = distribution_record(
        actor=actor,
        territory=t,
        kind="participant",
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(chain.lot, chain.jar, 2)],
        participant=chain.person,
    )
    starts = timezone.now() + timedelta(days=7)
    chain.workshop = workshop_open(
        actor=actor,
        territory=t,
        title=f"Atelier coulis {t.code}",
        site=chain.site,
        structure=chain.structure,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    public_signup(workshop=chain.workshop, first_name="Inscrite", phone="0600000000", consent=True)
    chain.outing = outing_create(
        actor=actor,
        territory=t,
        producer=chain.farm,
        date=timezone.localdate() + timedelta(days=8),
        start_time=time(9),
        end_time=time(12),
        meeting_point=f"Cour de la ferme {t.code}",
    )
    return chain


@pytest.fixture
def world(romans, coordinator, tomato):
    return build_world(romans, coordinator, tomato)


@pytest.fixture
def other_world(other, other_coordinator, tomato):
    return build_world(other, other_coordinator, tomato)
