"""The demo's gleaning step on a small territory: two past outings harvested, one upcoming with a waiting list."""

from random import Random
from types import SimpleNamespace

from django.utils import timezone

from conserverie.demo.context import DemoContext
from conserverie.demo.gleaning import add_gleaning
from conserverie.figures.selectors import mass_balance_problems, territory_figures
from conserverie.gleaning.models import GleaningOuting
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.workshops.models import VolunteerHours

from .gleaning_data import apple, person


def test_the_demo_step_plays_two_past_outings_and_opens_one(chain, coordinator, animator):
    products = {p.pk: p for p in (chain.tomato, apple())}
    ctx = DemoContext(
        places=SimpleNamespace(territory=chain.territory),
        coordinator=coordinator,
        animator=animator,
        rng=Random(1),
        today=timezone.localdate(),
        products=products,
        growers={pk: [chain.farm] for pk in products},
        participants=[person(chain, f"P{i}", household_size=2) for i in range(24)],
    )
    add_gleaning(ctx)
    done = GleaningOuting.objects.filter(status=GleaningOuting.Status.DONE)
    assert done.count() == 2
    assert all(outing.raw_lots.exists() and outing.volunteer_hours.exists() for outing in done)
    (upcoming,) = GleaningOuting.objects.upcoming()
    assert upcoming.registrations.filter(status="waiting").exists()
    assert VolunteerHours.objects.filter(outing__in=done).count() >= 10
    gleaned = RawLot.objects.filter(gleaning_outing__in=done)
    assert set(RawLotMovement.objects.filter(raw_lot__in=gleaned).values_list("kind", flat=True)) == {"given", "lost"}
    figures = territory_figures(chain.territory)
    assert figures.kg_collected == figures.kg_processed + figures.kg_given_raw + figures.kg_lost + figures.kg_in_stock
    assert mass_balance_problems(chain.territory) == []
