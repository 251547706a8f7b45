"""The lots list sums the ledger of the page's lots only (issue 20, docs/performance.md "k20"): the same lots, in
the same order, with the same jars made and left, page after page, filtered or searched."""

import pytest

from conserverie.production.models import ProductionLot
from conserverie.stock.services import jars_discard, jars_move

from ..pages import add_lots

URL = "/t/romans/lots/"


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_every_page_shows_its_lots_with_the_jars_made_and_left(staff_client, chain):
    lots = add_lots(chain, 26, jars=10)  # 25 on the first page, the oldest on the second
    oldest = lots[0]
    jars_discard(actor=chain.actor, lot=oldest, jar_format=chain.jar, location=chain.truck, quantity=3, reason="Cassés")
    jars_move(
        actor=chain.actor, lot=oldest, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=4
    )
    first = staff_client.get(URL).context["page"]
    second = staff_client.get(URL, {"page": 2}).context["page"]
    shown = list(first.object_list) + list(second.object_list)
    assert (len(first.object_list), first.paginator.count) == (25, 26)
    assert [lot.pk for lot in shown] == list(
        ProductionLot.objects.filter(territory=chain.territory)
        .order_by("-produced_on", "-id")
        .values_list("pk", flat=True)
    )
    assert [(lot.pk, lot.jars_made, lot.jars_left) for lot in second.object_list] == [(oldest.pk, 10, 7)]
    assert {(lot.jars_made, lot.jars_left) for lot in first.object_list} == {(10, 10)}
    searched = staff_client.get(URL, {"q": oldest.code}).context["page"]
    assert oldest.pk in [lot.pk for lot in searched.object_list]
    assert all(oldest.code.lower() in lot.code.lower() for lot in searched.object_list)
    assert staff_client.get(URL, {"status": "released"}).context["page"].paginator.count == 0
