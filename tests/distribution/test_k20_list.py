"""The distributions list sums only the page's distributions (issue 20, docs/performance.md "k20"): the same rows,
in the same order, with the same sums and the same cancelled mark, page after page."""

from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import distribution_reverse

from ..pages import add_distributions, text

URL = "/t/romans/cessions/"


@pytest.fixture
def staff_client(client, chain, animator):
    client.force_login(animator)
    return client


def test_every_page_shows_its_distributions_with_their_sums(staff_client, chain, other_coordinator):
    add_distributions(chain, 27)  # 25 on the first page, 2 on the second
    cancelled = Distribution.objects.order_by("id")[1]
    distribution_reverse(actor=chain.actor, distribution=cancelled, reason="Saisie en double")
    first = staff_client.get(URL).context["page"]
    second = staff_client.get(URL, {"page": 2}).context["page"]
    shown = list(first.object_list) + list(second.object_list)
    assert (len(first.object_list), len(second.object_list), first.paginator.count) == (25, 2, 27)
    assert [d.pk for d in shown] == list(
        Distribution.objects.filter(territory=chain.territory).order_by("-date", "-id").values_list("pk", flat=True)
    )
    # Each line: 2 jars at 3.00 € and 1 at 0 €, each with the format's 1.00 € deposit; a gift has no price.
    for d in shown:
        lines = list(d.lines.all())
        assert d.jars == sum(line.quantity for line in lines) == 3
        assert d.total_eur == sum(line.quantity * (line.unit_price_eur + line.deposit_eur) for line in lines)
        assert d.reversed == (d.pk == cancelled.pk)
    assert Decimal(0) < shown[0].total_eur
    badge = 'data-testid="reversed-badge"'
    assert (
        staff_client.get(URL).content.decode().count(badge),
        text(staff_client.get(URL, {"page": 2})).count("annulée"),
    ) == (0, 1)
    internal = staff_client.get(URL, {"kind": "internal"}).context["page"]
    assert [d.kind for d in internal.object_list] == ["internal"] * 9
    staff_client.force_login(other_coordinator)
    assert staff_client.get(URL).status_code == 404
