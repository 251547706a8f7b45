"""The price list: who sets it, what it refuses, how a sale uses it; the printable receipt."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from conserverie.distribution.models import Distribution, PriceListEntry
from conserverie.distribution.selectors import price_for, price_map
from conserverie.distribution.services import LineSpec, distribution_record, price_remove, price_set

from ..conftest import DAY
from ..helpers import forbidden, refused, released_lot
from ..pages import add_participant, assert_flat_queries, text

PRICES = "/t/romans/cessions/tarifs/"
NEW = "/t/romans/cessions/nouvelle/"


def set_price(chain, price, code="", social=None, actor=None):
    return price_set(
        actor=actor or chain.actor,
        territory=chain.territory,
        jar_format=chain.jar,
        recipe_code=code,
        price_eur=Decimal(price),
        social_price_eur=None if social is None else Decimal(social),
    )


def test_a_recipe_price_wins_over_the_format_price(chain):
    set_price(chain, "3.00")
    set_price(chain, "4.20", code="ctom", social="3.00")
    prices = price_map(chain.territory)
    assert price_for(prices, "CTOM", chain.jar.pk).price_eur == Decimal("4.20")
    assert price_for(prices, "CONF", chain.jar.pk).price_eur == Decimal("3.00")
    assert price_for(prices, "CONF", chain.jar.pk + 99) is None


def test_setting_a_price_again_replaces_it_with_history(chain):
    first = set_price(chain, "3.00")
    again = set_price(chain, "3.50")
    assert first.pk == again.pk
    assert PriceListEntry.objects.get().price_eur == Decimal("3.50")
    assert again.history.count() == 2
    assert again.history.first().history_user == chain.actor
    price_remove(actor=chain.actor, entry=again)
    assert not PriceListEntry.objects.exists()


def test_price_refusals_write_nothing(chain, animator, other_chain):
    with refused("price_eur", "négatif"):
        set_price(chain, "-1")
    with refused("social_price_eur", "négatif"):
        set_price(chain, "3", social="-0.5")
    with refused("social_price_eur", "dépasser"):
        set_price(chain, "3", social="4")
    with refused("recipe_code", "XXXX"):
        set_price(chain, "3", code="XXXX")
    with forbidden():  # an animator reads the price list, only a coordinator sets it
        set_price(chain, "3", actor=animator)
    with forbidden():  # a format of another territory
        price_set(actor=chain.actor, territory=chain.territory, jar_format=other_chain.jar, price_eur=Decimal("3"))


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_coordinator_sets_a_price_on_the_page(coordinator_client, chain):
    response = coordinator_client.post(
        PRICES, {"recipe_code": "CTOM", "jar_format": chain.jar.pk, "price_eur": "4.50", "social_price_eur": "3"}
    )
    assert response.status_code == 302
    page = text(coordinator_client.get(PRICES))
    assert "CTOM — Coulis de tomate" in page
    assert "4,50" in page
    assert "3,00" in page
    refused_page = coordinator_client.post(PRICES, {"recipe_code": "", "jar_format": chain.jar.pk, "price_eur": "-2"})
    assert refused_page.status_code == 422


def test_animator_reads_but_cannot_set_prices(client, chain, animator):
    set_price(chain, "3.00")
    client.force_login(animator)
    page = text(client.get(PRICES))
    assert "3,00" in page
    assert "Fixer un tarif" not in page
    assert client.post(PRICES, {"jar_format": chain.jar.pk, "price_eur": "1"}).status_code == 403
    entry = PriceListEntry.objects.get()
    assert client.post(f"{PRICES}{entry.pk}/retirer/").status_code == 404
    assert PriceListEntry.objects.get().price_eur == Decimal("3.00")


def test_price_page_queries_do_not_grow(coordinator_client, chain, django_assert_num_queries):
    from conserverie.territories.models import JarFormat

    def grow(n):
        for _ in range(n):
            fmt = JarFormat.objects.create(
                territory=chain.territory,
                name=f"Bocal {JarFormat.objects.count()}",
                volume_ml=200 + JarFormat.objects.count(),
                deposit_eur=Decimal("0.5"),
            )
            price_set(actor=chain.actor, territory=chain.territory, jar_format=fmt, price_eur=Decimal("2"))

    assert assert_flat_queries(coordinator_client, PRICES, grow, django_assert_num_queries) <= 10


def sale_post(chain, lot, price=""):
    return {
        "kind": "group_sale",
        "location": chain.truck.pk,
        "day": DAY.isoformat(),
        "payment_mode": "card",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-lot": lot.pk,
        "lines-0-jar_format": chain.jar.pk,
        "lines-0-quantity": "4",
        "lines-0-unit_price_eur": price,
    }


def test_a_sale_without_a_typed_price_takes_the_list_price(coordinator_client, chain):
    lot = released_lot(chain, jars=20)
    set_price(chain, "3.80", code="CTOM")
    response = coordinator_client.post(NEW, sale_post(chain, lot))
    assert response.status_code == 302
    line = Distribution.objects.get().lines.get()
    assert (line.unit_price_eur, line.deposit_eur) == (Decimal("3.80"), Decimal("1.00"))
    assert coordinator_client.post(NEW, sale_post(chain, lot, price="2.00")).status_code == 302  # typed price wins
    assert Distribution.objects.order_by("-id").first().lines.get().unit_price_eur == Decimal("2.00")
    gift = sale_post(chain, lot) | {"kind": "participant", "participant": add_participant(chain).pk}
    assert coordinator_client.post(NEW, gift).status_code == 302  # a gift pays the deposit only
    assert Distribution.objects.order_by("-id").first().lines.get().unit_price_eur == 0


def test_the_form_carries_the_price_list_for_its_script(coordinator_client, chain):
    lot = released_lot(chain)
    set_price(chain, "3.80", code="CTOM")
    page = coordinator_client.get(NEW).content.decode()
    assert 'id="price-data"' in page
    assert f'"{lot.pk}": "CTOM"' in page
    assert f'"CTOM|{chain.jar.pk}": "3.80"' in page


def test_receipt_shows_price_deposit_credit_and_payment(coordinator_client, chain):
    lot = released_lot(chain)
    sale = distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 4, Decimal("3.50")), LineSpec(lot, chain.jar, 1, Decimal("2.00"))],
        payment_mode="cheque",
    )
    response = coordinator_client.get(f"/t/romans/cessions/{sale.pk}/")
    page = text(response)
    assert response.status_code == 200
    # Products 4 × 3,50 + 2,00 = 16,00; deposits 5 × 1,00 = 5,00; total 21,00.
    for words in ("Chèque", "16,00", "5,00", "21,00", lot.code, "Coulis de tomate"):
        assert words in page, words


def test_receipt_of_another_territory_and_for_a_viewer_is_404(client, chain, other_chain, viewer, coordinator):
    lot = released_lot(other_chain)
    theirs = distribution_record(
        actor=other_chain.actor,
        territory=other_chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=other_chain.truck,
        day=DAY,
        lines=[LineSpec(lot, other_chain.jar, 1, Decimal("3"))],
    )
    client.force_login(coordinator)
    assert client.get(f"/t/romans/cessions/{theirs.pk}/").status_code == 404
    assert client.get(f"/t/vercors/cessions/{theirs.pk}/").status_code == 404
    client.force_login(viewer)
    for url in (PRICES, "/t/romans/cessions/consignes/"):
        assert client.get(url).status_code == 404


def test_removing_needs_a_coordinator(chain, animator):
    entry = set_price(chain, "3")
    with pytest.raises(PermissionDenied):
        price_remove(actor=animator, entry=entry)


def test_a_sale_at_the_solidarity_price(coordinator_client, chain):
    lot = released_lot(chain)
    set_price(chain, "4.00", social="3.20")
    assert coordinator_client.post(NEW, sale_post(chain, lot) | {"social_price": "on"}).status_code == 302
    assert Distribution.objects.get().lines.get().unit_price_eur == Decimal("3.20")
    set_price(chain, "4.00")  # no solidarity price any more: the list price
    assert coordinator_client.post(NEW, sale_post(chain, lot) | {"social_price": "on"}).status_code == 302
    assert Distribution.objects.order_by("-id").first().lines.get().unit_price_eur == Decimal("4.00")
