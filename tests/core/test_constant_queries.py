"""Issue 20: the network view costs the same number of queries for 2 territories as for 30 (a page shows 8 of
them), and the batched figures and flowers it reads are, territory by territory, those each territory's own pages
compute alone."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conserverie.core.scoping import territory_scope
from conserverie.figures.selectors import mass_balance_problems, territories_figures, territory_figures
from conserverie.impact.periods import Period
from conserverie.impact.scores import territories_flowers, territory_flower
from conserverie.impact.services import dimensions_create_defaults, indicator_create
from conserverie.sourcing.models import RawLot
from conserverie.territories.models import Membership, Role

from ..conftest import build_chain, make_territory, make_user
from ..pages import add_distributions, add_workshops, text

BUDGET = 25  # docs/performance.md


def _territory(index, tomato, kg):
    place = make_territory(f"t{index}", f"T{index:02d}", f"Territoire {index:02d}")
    actor = make_user(f"coord-{index}", place.territory, Role.COORDINATOR)
    chain = build_chain(place, actor, tomato, kg=Decimal(kg))
    dims = dimensions_create_defaults(chain.territory)
    for computation, dimension in [("kg_saved", 4), ("households", 0), ("farms", 4), ("round_km", 4)]:
        indicator_create(
            actor=actor,
            dimension=dims[dimension],
            name=computation,
            source="computed",
            computation=computation,
            target=10,
        )
    for key in ("volunteer_hours", "first_time", "village_share"):
        indicator_create(actor=actor, dimension=dims[1], name=key, source="computed", computation=key, target=10)
    indicator_create(actor=actor, dimension=dims[2], name="Repas partagés", source="manual", target=Decimal("10"))
    add_workshops(chain, 1 + index % 2, registrations=3)
    add_distributions(chain, 1 + index % 3)
    return chain


def _network_queries(client, url="/reseau/?periode=2026") -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), text(response)


def _light_territory(index):
    """A territory with its flower's petals and one computed indicator, no activity: the page's queries are the
    same whatever its rows (`test_network_view_queries_do_not_grow_with_the_data`)."""
    place = make_territory(f"t{index}", f"T{index:02d}", f"Territoire {index:02d}")
    actor = make_user(f"coord-{index}", place.territory, Role.COORDINATOR)
    dims = dimensions_create_defaults(place.territory)
    indicator_create(
        actor=actor, dimension=dims[0], name="Foyers", source="computed", computation="households", target=10
    )
    return place.territory


def test_network_view_is_constant_in_the_number_of_territories(client, tomato):
    chains = [_territory(i, tomato, 30 + 7 * i) for i in range(2)]
    federation = make_user("federation", chains[0].territory, Role.VIEWER)
    Membership.objects.create(user=federation, territory=chains[1].territory, role=Role.VIEWER)
    client.force_login(federation)
    two, page = _network_queries(client)
    assert "Territoire 00" in page
    assert "Territoire 01" in page
    for i in range(2, 6):
        chains.append(_territory(i, tomato, 30 + 7 * i))
        Membership.objects.create(user=federation, territory=chains[-1].territory, role=Role.VIEWER)
    for i in range(6, 30):
        Membership.objects.create(user=federation, territory=_light_territory(i), role=Role.VIEWER)
    thirty, page = _network_queries(client)
    assert "30 territoires" in page
    assert "Page 1 sur 4" in page
    # A page of 8 columns, by name: the figures and flowers of the others are not read.
    assert page.count('<th scope="col" class="text-end">') == 8
    assert "Territoire 07" in page
    assert "Territoire 08" not in page
    assert thirty == two, f"{two} queries for 2 territories, {thirty} for 30"
    assert thirty <= BUDGET
    last, page = _network_queries(client, "/reseau/?periode=2026&page=4")
    assert page.count('<th scope="col" class="text-end">') == 6
    assert "Territoire 29" in page
    assert "Territoire 23" not in page
    # Fewer: only the computations its territories' indicators name are read (no survey, no manual value here).
    assert last <= two


def test_batched_figures_and_flowers_are_each_territory_s_own(tomato):
    chains = [_territory(i, tomato, 30 + 7 * i) for i in range(4)]
    territories = [c.territory for c in chains]
    period = Period.parse("2026")
    with territory_scope(territories):
        together = territories_figures(territories, period.start, period.end, mass_balance=False)
        flowers = territories_flowers(territories, period)
    kgs = set()
    for territory in territories:
        with territory_scope(territory):
            alone = territory_figures(territory, period.start, period.end)
            flower = territory_flower(territory, period)
        assert together[territory.pk] == alone
        kgs.add(alone.kg_collected)
        batched = flowers[territory.pk]
        assert [d.score for d in batched.dimensions] == [d.score for d in flower.dimensions]
        assert [[(r.indicator.pk, r.value) for r in d.indicators] for d in batched.dimensions] == [
            [(r.indicator.pk, r.value) for r in d.indicators] for d in flower.dimensions
        ]
        assert {d.dimension.territory_id for d in batched.dimensions} == {territory.pk}
    assert len(kgs) == 4, "each territory has its own kilos: nothing is mixed between territories"
    with territory_scope(territories):
        for territory in territories:
            kg = sum(RawLot.objects.filter(territory=territory, collected_on__year=2026).values_list("kg", flat=True))
            assert together[territory.pk].kg_collected == kg


def test_the_mass_balance_is_per_territory(tomato):
    """A broken book in one territory is reported there only (the grouped check keeps territories apart)."""
    from conserverie.sourcing.models import RawLotMovement

    good, bad = (_territory(i, tomato, 30) for i in range(2))
    with territory_scope(bad.territory):
        RawLotMovement.objects.create(
            raw_lot=bad.raw,
            kind=RawLotMovement.Kind.LOST,
            kg=Decimal("500"),
            day=date(2026, 6, 20),
            created_by=bad.actor,
        )
        problems = mass_balance_problems(bad.territory)
    assert any(bad.raw.code in p for p in problems)
    with territory_scope(good.territory):
        assert mass_balance_problems(good.territory) == []
