"""Traceability (docs/architecture.md §4.3): the forward trace of a raw lot holds every line of its lots and nothing
else."""

import pytest
from django.db.models import Sum

from conserverie.distribution.models import DistributionLine
from conserverie.distribution.trace import raw_lot_forward
from conserverie.production.trace import lot_backward
from conserverie.stock.models import StockMovement

from ..pages import queries_on, text
from .scenario import KINDS, distribute, released, web


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forward_trace_holds_every_line_of_the_raw_lot_and_nothing_else(chain, seed):
    scene = web(chain, seed)
    for raw in (scene.a, scene.b):
        expected_lots = {m.lot.pk for m in scene.made if raw.pk in m.raws}
        trace = raw_lot_forward(raw)
        assert {lot.pk for lot in trace.production_lots} == expected_lots
        expected_lines = set(DistributionLine.objects.filter(lot_id__in=expected_lots).values_list("pk", flat=True))
        assert {line.pk for line in trace.lines} == expected_lines
        assert all(line.lot_id in expected_lots for line in trace.lines)
        # Jars still on a shelf: exactly the ledger's balance of those lots, per location.
        on_shelves = StockMovement.objects.filter(lot_id__in=expected_lots).aggregate(n=Sum("quantity"))["n"] or 0
        assert trace.jars_in_stock == on_shelves
        assert {row["lot_id"] for row in trace.stock} <= expected_lots
        # Mass balance of jars per lot: filled = out to recipients + still on a shelf.
        assert trace.jars_out + trace.jars_in_stock == 30 * len(expected_lots)


def test_contacts_group_lines_by_recipient(chain):
    lot = released(chain, [(chain.raw, "10")])
    for kind in KINDS:
        distribute(chain, lot, kind, quantity=2, name="Nadia")
    distribute(chain, lot, KINDS[2], quantity=1)  # the same structure again
    contacts = raw_lot_forward(chain.raw).contacts()
    assert [(c.kind, c.jars) for c in contacts] == [
        ("participant", 2),
        ("group_sale", 2),
        ("internal", 3),
        ("partner", 2),
    ]
    nadia = contacts[0]
    assert (nadia.name, nadia.phone, nadia.email) == ("Nadia", "06 12 34 56 78", "nadia@example.org")
    assert contacts[2].name == chain.structure.name
    assert contacts[3].name == "Restos du Cœur"


def test_backward_trace_names_farms_communes_dates_and_suppliers(chain):
    lot = released(chain, [(chain.raw, "10")])
    trace = lot_backward(lot)
    assert trace.farms == [(chain.farm.name, "Peyrins")]
    (movement,) = trace.raw_inputs
    assert movement.raw_lot == chain.raw
    assert movement.kg == 10


def test_each_trace_is_a_fixed_number_of_queries(chain, django_assert_num_queries):
    small, big = web(chain, 7, lots=2, distributions=3), web(chain, 8, lots=6, distributions=15)
    with django_assert_num_queries(4):
        raw_lot_forward(small.a)
    with django_assert_num_queries(4):
        trace = raw_lot_forward(big.a)
    assert trace.lines
    with django_assert_num_queries(2):
        lot_backward(big.made[0].lot)


def test_raw_lot_page_shows_the_forward_trace_with_flat_queries(client, chain, animator):
    client.force_login(animator)
    small = web(chain, 11, lots=2, distributions=3)
    big = web(chain, 12, lots=6, distributions=15)
    urls = [f"/t/romans/collectes/{scene.a.code}/" for scene in (small, big)]
    counts = [queries_on(client, url) for url in urls]
    assert counts[0] == counts[1], counts
    page = text(client.get(urls[1]))
    lines = DistributionLine.objects.filter(lot__raw_inputs__raw_lot=big.a).select_related("lot").distinct()
    assert lines
    assert all(line.lot.code in page for line in lines)
    assert "Traçabilité : où sont allés les bocaux" in page


def test_lot_page_shows_the_backward_trace_with_flat_queries(client, chain, coordinator):
    client.force_login(coordinator)
    small = released(chain, [(chain.raw, "10")])
    scene = web(chain, 13, lots=1)
    big = released(chain, [(scene.a, "3"), (scene.b, "3"), (chain.raw, "3")])
    counts = [queries_on(client, f"/t/romans/lots/{lot.code}/") for lot in (small, big)]
    assert counts[0] == counts[1], counts
    page = text(client.get(f"/t/romans/lots/{big.code}/"))
    assert scene.a.code in page
    assert scene.b.code in page
    assert "10/06/2026" in page
    assert "Étiquettes (PDF)" in page
    assert "Rappeler ce lot" in page


def test_another_territory_gets_404_on_trace_pages(client, chain, other_coordinator):
    lot = released(chain, [(chain.raw, "10")])
    client.force_login(other_coordinator)
    for url in (
        f"/t/romans/collectes/{chain.raw.code}/",
        f"/t/romans/lots/{lot.code}/",
        f"/t/romans/lots/{lot.code}/rappel/",
        f"/t/romans/lots/{lot.code}/etiquettes.pdf",
    ):
        assert client.get(url).status_code == 404, url
    # Nor through its own territory's prefix.
    assert client.get(f"/t/vercors/lots/{lot.code}/").status_code == 404


def test_farm_trace_page_lists_raw_lots_lots_and_recipients(client, chain, animator, django_assert_num_queries):
    from ..pages import assert_flat_queries, text

    client.force_login(animator)
    url = f"/t/romans/lots/tracabilite/ferme/?producer={chain.farm.pk}&date_from=2026-06-01&date_to=2026-06-30"
    scene = web(chain, 21, lots=2, distributions=3)
    page = text(client.get(url))
    assert scene.a.code in page
    assert scene.b.code in page
    assert all(each.lot.code in page for each in scene.made)
    # The refusal shows at the field and in the summary of errors.
    assert text(client.get(url.replace("2026-06-30", "2026-05-01"))).count("La fin de la période") == 2
    seed = iter(range(100, 200))
    assert_flat_queries(
        client, url, lambda n: web(chain, next(seed), lots=n, distributions=n), django_assert_num_queries
    )


def test_farm_trace_of_another_territory_is_404(client, chain, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(f"/t/romans/lots/tracabilite/ferme/?producer={chain.farm.pk}").status_code == 404
