"""Social price tiers set by a structure: a share of the list price at the purchasing group's sales."""

from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution, PriceTier
from conserverie.distribution.services import LineSpec, distribution_record, price_set, tier_set, tier_withdraw
from conserverie.territories.models import Structure

from ..conftest import DAY
from ..helpers import forbidden, refused, released_lot
from ..pages import text


@pytest.fixture
def tier(chain, animator):
    price_set(actor=chain.actor, territory=chain.territory, jar_format=chain.jar, price_eur=Decimal("3.50"))
    return tier_set(
        actor=animator, territory=chain.territory, structure=chain.structure, name="Tarif solidaire", percent=50
    )


def test_a_structure_sets_and_withdraws_a_tier(chain, tier, animator, viewer, other):
    assert (tier.percent, tier.is_active, tier.history.first().history_user) == (50, True, animator)
    again = tier_set(
        actor=chain.actor, territory=chain.territory, structure=chain.structure, name="Tarif solidaire", percent=40
    )
    assert again.pk == tier.pk
    assert again.percent == 40
    with refused("percent"):
        tier_set(actor=animator, territory=chain.territory, structure=chain.structure, name="Réduit", percent=120)
    with refused("name"):
        tier_set(actor=animator, territory=chain.territory, structure=chain.structure, name="  ", percent=10)
    with forbidden():
        tier_set(actor=viewer, territory=chain.territory, structure=chain.structure, name="Réduit", percent=10)
    with forbidden():
        tier_set(actor=animator, territory=chain.territory, structure=other.structure, name="Réduit", percent=10)
    assert not tier_withdraw(actor=animator, tier=tier).is_active


def test_a_tier_applies_to_group_sales_only_and_is_kept_on_the_sale(chain, tier):
    lot = released_lot(chain, jars=10)
    common = {"actor": chain.actor, "territory": chain.territory, "location": chain.truck, "day": DAY}
    sale = distribution_record(
        kind=Distribution.Kind.GROUP_SALE,
        price_tier=tier,
        lines=[LineSpec(lot, chain.jar, 2, Decimal("1.75"))],
        **common,
    )
    assert sale.price_tier == tier
    with refused("price_tier", "ventes du groupement"):
        distribution_record(
            kind=Distribution.Kind.INTERNAL,
            structure=chain.structure,
            price_tier=tier,
            lines=[LineSpec(lot, chain.jar, 1)],
            **common,
        )
    tier_withdraw(actor=chain.actor, tier=tier)
    with refused("price_tier", "plus proposé"):
        distribution_record(
            kind=Distribution.Kind.GROUP_SALE, price_tier=tier, lines=[LineSpec(lot, chain.jar, 1)], **common
        )


def _sale_post(chain, lot, **extra):
    data = {
        "kind": "group_sale",
        "location": chain.truck.pk,
        "day": DAY.isoformat(),
        "payment_mode": "cash",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-lot": lot.pk,
        "lines-0-jar_format": chain.jar.pk,
        "lines-0-quantity": "2",
    }
    return data | extra


def test_sale_form_prices_at_the_tier_and_the_receipt_says_so(client, chain, tier, animator):
    lot = released_lot(chain, jars=10)
    client.force_login(animator)
    page = text(client.get("/t/romans/cessions/nouvelle/"))
    assert "Tarif social d'une structure" in page
    assert "Tarif solidaire" in page
    both = client.post("/t/romans/cessions/nouvelle/", _sale_post(chain, lot, price_tier=tier.pk, social_price="on"))
    assert both.status_code == 422
    assert "pas les deux" in text(both)
    response = client.post("/t/romans/cessions/nouvelle/", _sale_post(chain, lot, price_tier=tier.pk))
    assert response.status_code == 302
    sale = Distribution.objects.get()
    assert sale.lines.get().unit_price_eur == Decimal("1.75")  # half of 3.50; the deposit stays whole
    receipt = text(client.get(response["Location"]))
    assert "Tarif solidaire" in receipt
    assert "Maison de quartier Romans" in receipt
    report = text(client.get("/t/romans/cessions/bilan/"))
    assert "Maison de quartier Romans — Tarif solidaire" in report


def test_prices_page_sets_tiers_for_staff_and_isolates_territories(client, chain, animator, viewer, other_coordinator):
    client.force_login(animator)
    data = {"form": "tier", "structure": chain.structure.pk, "name": "Tarif réduit", "percent": "70"}
    assert client.post("/t/romans/cessions/tarifs/", data | {"percent": "150"}).status_code == 422
    assert client.post("/t/romans/cessions/tarifs/", data).status_code == 302
    tier = PriceTier.objects.get()
    assert "Tarif réduit" in text(client.get("/t/romans/cessions/tarifs/"))
    foreign = Structure.objects.create(territory=other_coordinator.memberships.first().territory, name="Ailleurs")
    assert client.post("/t/romans/cessions/tarifs/", data | {"structure": foreign.pk}).status_code == 422
    client.force_login(other_coordinator)
    assert client.post(f"/t/romans/cessions/tarifs-sociaux/{tier.pk}/retirer/").status_code == 404
    client.force_login(animator)
    assert client.post(f"/t/romans/cessions/tarifs-sociaux/{tier.pk}/retirer/").status_code == 302
    assert not PriceTier.objects.get().is_active


def test_tier_price_is_exact_to_the_cent():
    from conserverie.distribution.services import tier_price

    def tier(percent):
        return PriceTier(percent=Decimal(percent))

    assert tier_price(Decimal("4.20"), tier("70")) == Decimal("2.94")
    assert tier_price(Decimal("3.35"), tier("50")) == Decimal("1.68")  # 1.675, half up
    assert tier_price(Decimal("3.00"), tier("0")) == Decimal("0.00")
    assert tier_price(Decimal("3.00"), tier("100")) == Decimal("3.00")
