"""Jars processed for a farm (à façon) go back to it and leave the jar ledger (issue 16): one act writes the return
with its fee and a `farm_returned` movement, so stock, the mass balance and the deposits stay exact."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conserverie.distribution.models import Distribution
from conserverie.distribution.recall_notice import recall_notice
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.distribution.trace import lots_forward
from conserverie.figures.selectors import mass_balance_problems, territory_figures
from conserverie.producers.models import Terms
from conserverie.production.services import lot_recall, lot_record
from conserverie.sourcing.models import FarmJarReturn
from conserverie.sourcing.purchases import farm_money
from conserverie.sourcing.services import collection_record
from conserverie.sourcing.services import farm_jars_return as return_only
from conserverie.stock.models import OUTGOING_KINDS, MovementKind, StockMovement
from conserverie.stock.services import farm_jars_return, jars_at

from ..conftest import DAY, aware
from ..distribution.test_recall_notice import RECALL
from ..helpers import GOOD_PH, good_reading, release_ready
from ..pages import add_participant, assert_flat_queries, row_counts, text

D = Decimal


@pytest.fixture
def processed(chain, clock):
    """20 kg collected à façon, 10 kg of it made into a lot of 12 jars on the truck (not yet released)."""
    clock(DAY + timedelta(days=5))
    raw = collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=D("20"),
        collected_on=DAY,
        terms=Terms.PROCESSING,
    )
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(raw, D("10"))],
        outputs={chain.jar: 12},
        treatments=[good_reading(chain)],
        ph_measured=GOOD_PH,
    )
    return raw, lot


def give_back(chain, raw, lot, jars, **extra):
    values = {"location": chain.truck, "jar_format": chain.jar, "day": DAY + timedelta(days=1)}
    values.update(extra)
    return farm_jars_return(actor=values.pop("actor", chain.actor), raw_lot=raw, lot=lot, jars=jars, **values)


def test_returned_jars_leave_the_ledger_and_keep_the_books(chain, processed, animator, other_coordinator):
    raw, lot = processed
    gift_lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, D("10"))],
        outputs={chain.jar: 6},
        treatments=[good_reading(chain)],
        ph_measured=GOOD_PH,
    )
    before = row_counts()
    with pytest.raises(ValidationError) as refused:  # a lot not released reaches nobody, the farm neither
        give_back(chain, raw, lot, 5, fee_eur_per_jar=D("0.50"))
    assert "il ne peut être" in refused.value.message_dict["lot"][0]
    assert row_counts() == before
    lot = release_ready(chain, lot)
    gift_lot = release_ready(chain, gift_lot)
    before = row_counts()
    cases = [
        (raw, gift_lot, {"jars": 2, "fee_eur_per_jar": D("0.50")}, "lot", "n'a pas été fait avec"),
        (raw, lot, {"jars": 13, "fee_eur_per_jar": D("0.50")}, "jars", "Stock insuffisant"),
        (raw, lot, {"jars": 2}, "fee_eur_per_jar", "prix de la transformation"),  # no offer, no fee
        (raw, lot, {"jars": 2, "fee_eur_per_jar": D("0.50"), "location": chain.shop}, "jars", "Stock insuffisant"),
        (chain.raw, gift_lot, {"jars": 2, "fee_eur_per_jar": D("0.50")}, "raw_lot", "à façon"),
    ]
    for raw_lot, which, kwargs, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            give_back(chain, raw_lot, which, kwargs.pop("jars"), **kwargs)
        assert words in refused.value.message_dict[field][0], (field, refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        give_back(chain, raw, lot, 2, fee_eur_per_jar=D("0.50"), actor=other_coordinator)
    assert row_counts() == before  # nothing half-written: neither the return nor a movement

    jar_return = give_back(chain, raw, lot, 5, fee_eur_per_jar=D("0.50"), actor=animator)
    (movement,) = StockMovement.objects.filter(kind=MovementKind.RETURNED_TO_FARM)
    assert (movement.quantity, movement.lot, movement.farm_return, movement.day) == (
        -5,
        lot,
        jar_return,
        DAY + timedelta(days=1),
    )
    assert MovementKind.RETURNED_TO_FARM in OUTGOING_KINDS
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 7
    figures = territory_figures(chain.territory)
    assert figures.jars_returned_to_farms == 5
    assert figures.mass_balance_ok, figures.mass_balance_problems
    out = figures.jars_given + figures.jars_sold + figures.jars_internal + figures.jars_discarded
    assert figures.jars_produced == out + figures.jars_returned_to_farms + figures.jars_in_stock == 18
    money = farm_money(chain.territory, producer=chain.farm)
    assert (money.jars_returned, money.fees_eur) == (5, D("2.50"))

    # A return written without its movement (the sourcing record alone) is seen by the mass balance.
    return_only(actor=chain.actor, raw_lot=raw, jars=1, day=DAY + timedelta(days=1), fee_eur_per_jar=D("0"))
    assert "registre des bocaux" in " ".join(mass_balance_problems(chain.territory))
    assert FarmJarReturn.objects.count() == 2


def test_the_return_page(chain, processed, client, animator, django_assert_num_queries):
    raw, lot = processed
    release_ready(chain, lot)
    url = reverse("stock:farm_jars_return", args=[chain.territory.slug, raw.code])
    client.force_login(animator)
    form = {
        "lot": lot.pk,
        "jar_format": chain.jar.pk,
        "location": chain.truck.pk,
        "jars": 50,
        "fee_eur_per_jar": "0.40",
        "day": (DAY + timedelta(days=1)).isoformat(),
    }
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "Stock insuffisant" in text(refused)
    assert 'value="0.40"' in text(refused)  # nothing lost
    assert client.post(url, {**form, "jars": 12}).status_code == 302
    assert StockMovement.objects.get(kind=MovementKind.RETURNED_TO_FARM).quantity == -12
    raw_page = client.get(reverse("sourcing:raw_lot_detail", args=[chain.territory.slug, raw.code]))
    assert url in text(raw_page)

    def grow(n):
        for _ in range(n):
            lot_record(
                actor=chain.actor,
                territory=chain.territory,
                recipe=chain.recipe,
                produced_on=DAY,
                location=chain.truck,
                raw_inputs=[(raw, D("1"))],
                outputs={chain.jar: 2},
                treatments=[good_reading(chain)],
                ph_measured=GOOD_PH,
            )

    queries = assert_flat_queries(client, url, grow, django_assert_num_queries, n=2)
    assert queries <= 12, queries


def test_a_recall_warns_the_farm_that_took_jars_back_and_the_group_member_who_bought_some(chain, processed):
    raw, lot = processed
    lot = release_ready(chain, lot)
    chain.farm.phone = "04 75 00 00 00"
    chain.farm.save()
    give_back(chain, raw, lot, 5, fee_eur_per_jar=D("0.50"))
    member = add_participant(chain, name="Nadia")
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY + timedelta(days=2),
        lines=[LineSpec(lot, chain.jar, 2, D("3.00"))],
        participant=member,
    )
    forward = lots_forward([lot.pk])
    assert forward.jars_out == 7
    contacts = {(c.kind, c.name): c for c in forward.contacts()}
    farm = contacts[("farm", chain.farm.name)]
    assert (farm.jars, farm.kind_label, farm.lot_codes) == (5, "Ferme (bocaux rendus à façon)", lot.code)
    assert farm.phone  # the farm is called, as any recipient
    assert farm.last_date == DAY + timedelta(days=1)
    buyer = contacts[("group_sale", "Nadia")]  # the member by name, not "the purchasing group"
    assert (buyer.jars, buyer.detail) == (2, chain.truck.name)
    assert list(contacts) == [("group_sale", "Nadia"), ("farm", chain.farm.name)]
    # The notification to the authority lists the farm as a place the jars went (never the resident's name).
    recall = lot_recall(actor=chain.actor, lot=lot, at=aware(DAY + timedelta(days=3), 9), **RECALL)
    outlets = {(o.kind_label, o.place): o for o in recall_notice(recall).outlets}
    assert outlets[("Ferme (bocaux rendus à façon)", chain.farm.name)].jars == 5
    assert outlets[("Vente au groupement d'achat", chain.truck.name)].who == chain.truck.name
