"""A small season built with the services, whose figures are computed by hand in the tests (issue #7)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.impact.services import dimensions_create_defaults, indicator_create
from conserverie.producers.services import producer_create
from conserverie.production.services import lot_record, lot_release
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.sourcing.services import collection_record
from conserverie.stock.services import deposit_return
from conserverie.territories.models import Site
from conserverie.workshops.services import (
    participant_create,
    registration_checkin,
    registration_create,
    workshop_cancel,
    workshop_open,
)
from conserverie.workshops.volunteers import volunteer_hours_record

from ..conftest import aware
from ..helpers import GOOD_PH, good_reading, seal_checked


def workshop(chain, day: date, site=None, title="Atelier"):
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title=f"{title} {day}",
        site=site or chain.site,
        structure=chain.structure,
        starts_at=aware(day, 14),
        ends_at=aware(day, 17),
        capacity=30,
        animators=[chain.actor],
    )


def attend(chain, workshop, participant, party_size=1, attended=True):
    registration = registration_create(workshop=workshop, participant=participant, party_size=party_size)
    if attended:
        registration_checkin(actor=chain.actor, registration=registration)
    return registration


def person(chain, name, priority=False):
    return participant_create(territory=chain.territory, first_name=name, priority_area=priority, consent=True)


def build_season(chain) -> SimpleNamespace:
    """Summer 2026 in Romans (the chain's 40 kg raw lot of 10 June 2026 included), with a little of 2025.

    Hand-computed for 2026: kg saved 60, farms 2, jars produced 20 / given 3 / sold 4 / internal 2, deposit
    return 2 of 7 = 28.6 %, workshops 2 (1 village, 1 town; one cancelled), people present 7 (party sizes summed: 10),
    first-time 6, returning 2, households 7 of which 2 in a priority area = 28.6 %, km 42.5, volunteer hours
    11.5 by 5 people = 136.62 € at 11.88 €/h.
    """
    t, actor = chain.territory, chain.actor
    farm_b = producer_create(
        actor=actor,
        territory=t,
        name="Ferme du Coteau",
        commune="Mours-Saint-Eusèbe",
        lat=Decimal("45.06"),
        lon=Decimal("5.06"),
        distance_km=Decimal("3"),
    )
    collection_record(
        actor=actor,
        territory=t,
        producer=farm_b,
        product=chain.tomato,
        kg=Decimal("20"),
        collected_on=date(2026, 6, 15),
    )
    collection_record(
        actor=actor,
        territory=t,
        producer=chain.farm,
        product=chain.tomato,
        kg=Decimal("15"),
        collected_on=date(2025, 7, 1),
    )
    CollectionRound.objects.create(territory=t, date=date(2026, 6, 11), km=Decimal("42.5"))
    CollectionRound.objects.create(
        territory=t, date=date(2026, 6, 30), km=Decimal("10"), status=CollectionRound.Status.PLANNED
    )
    CollectionRound.objects.create(territory=t, date=date(2025, 6, 11), km=Decimal("30"))

    lot = lot_record(
        actor=actor,
        territory=t,
        recipe=chain.recipe,
        produced_on=date(2026, 6, 12),
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("10"))],
        outputs={chain.jar: 20},
        treatments=[good_reading(chain)],
        ph_measured=GOOD_PH,
    )
    seal_checked(chain, lot)
    lot = lot_release(actor=actor, lot=lot)

    village = Site.objects.create(territory=t, name="Place de l'église", kind=Site.Kind.VILLAGE, city="Peyrins")
    w2025 = workshop(chain, date(2025, 9, 10))
    w1 = workshop(chain, date(2026, 6, 12))
    w2 = workshop(chain, date(2026, 6, 20), site=village)
    cancelled = workshop(chain, date(2026, 6, 25))
    p = [person(chain, f"P{i}", priority=i in (2, 3)) for i in range(9)]
    attend(chain, w2025, p[0])
    attend(chain, w1, p[0])
    for i in range(1, 7):
        attend(chain, w1, p[i], party_size=3 if i == 4 else 1)
    attend(chain, w2, p[1])
    attend(chain, w2, p[7], attended=False)
    attend(chain, cancelled, p[8])
    workshop_cancel(actor=actor, workshop=cancelled, reason="pluie")

    day = date(2026, 6, 20)
    distribution_record(
        actor=actor,
        territory=t,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=day,
        participant=p[1],
        lines=[LineSpec(lot, chain.jar, 3)],
    )
    distribution_record(
        actor=actor,
        territory=t,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=day,
        lines=[LineSpec(lot, chain.jar, 4, Decimal("3.00"))],
    )
    distribution_record(
        actor=actor,
        territory=t,
        kind=Distribution.Kind.INTERNAL,
        location=chain.truck,
        day=day,
        structure=chain.structure,
        lines=[LineSpec(lot, chain.jar, 2)],
    )
    deposit_return(actor=actor, location=chain.truck, jar_format=chain.jar, quantity=2, day=date(2026, 6, 27))

    for person_, hours in ((p[1], "3"), (p[2], "2.5"), (p[3], "1"), (p[4], "1")):
        volunteer_hours_record(
            actor=actor, territory=t, date=day, hours=Decimal(hours), activity="épluchage", participant=person_
        )
    volunteer_hours_record(actor=actor, territory=t, date=day, hours=Decimal("4"), activity="accueil", user=actor)
    return SimpleNamespace(lot=lot, village=village, people=p, workshops=[w2025, w1, w2, cancelled])


def flower_with_indicators(chain):
    """The six default petals, with a few indicators on the first two."""
    dims = dimensions_create_defaults(chain.territory)
    actor = chain.actor
    kg = indicator_create(
        actor=actor, dimension=dims[4], name="Kilos sauvés", source="computed", computation="kg_saved", target=100
    )
    households = indicator_create(
        actor=actor,
        dimension=dims[0],
        name="Foyers touchés",
        source="computed",
        computation="households",
        target=Decimal("14"),
        weight=Decimal("2"),
    )
    manual = indicator_create(
        actor=actor, dimension=dims[0], name="Repas partagés", source="manual", target=Decimal("10")
    )
    return SimpleNamespace(dimensions=dims, kg=kg, households=households, manual=manual)
