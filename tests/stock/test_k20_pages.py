"""The stock pages read less at ten seasons (issue 20, docs/performance.md "k20") and show the same thing: every lot
in the forms' lists (one with no jar left too: an inventory may find some), the balances once per page, the alert
from the empties the page reads anyway."""

import pytest

from conserverie.production.models import ProductionLot
from conserverie.stock.forms import DiscardForm, InventoryForm, MoveForm, lot_label
from conserverie.stock.models import StockMovement
from conserverie.stock.selectors import empties_by_location_and_format, empty_jar_alert
from conserverie.stock.services import empties_buy, jars_discard
from conserverie.territories.models import Location

from ..helpers import make_lot
from ..pages import add_stock_activity
from .test_empties import workshop_in

URL = "/t/romans/stock/"


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_the_lot_lists_offer_every_lot_of_the_territory_with_its_label(chain, other_coordinator):
    old = make_lot(chain, jars=6)  # the oldest lot, jars still on the shelf
    gone = make_lot(chain, jars=4)
    jars_discard(actor=chain.actor, lot=gone, jar_format=chain.jar, location=chain.truck, quantity=4, reason="Abîmés")
    make_lot(chain, jars=3)
    expected = [("", "---------")] + [
        (lot.pk, lot_label(lot.code, lot.recipe.name, lot.status))
        for lot in ProductionLot.objects.filter(territory=chain.territory).order_by("-produced_on", "-id")
    ]
    assert len(expected) == 4
    assert expected[-1][0] == old.pk
    for form_class in (MoveForm, DiscardForm, InventoryForm):
        choices = [
            (value if value == "" else int(str(value)), str(label))
            for value, label in form_class(territory=chain.territory).fields["lot"].choices
        ]
        assert choices == expected, form_class
    html = str(MoveForm(territory=chain.territory, initial={"lot": old.pk})["lot"])
    assert f'<option value="{old.pk}" selected>' in html
    assert f'<option value="{gone.pk}">' in html  # a lot at zero stays a choice (an inventory may find jars)


def test_an_old_lot_with_jars_left_can_still_be_moved_and_another_territory_s_cannot(staff_client, chain):
    old = make_lot(chain, jars=6)
    for _ in range(2):
        make_lot(chain, jars=2)
    data = {
        "lot": old.pk,
        "jar_format": chain.jar.pk,
        "source": chain.truck.pk,
        "destination": chain.shop.pk,
        "quantity": "5",
        "day": "2026-06-11",
    }
    assert staff_client.post(f"{URL}transfert/", data).status_code == 302
    assert StockMovement.objects.filter(lot=old, location=chain.shop).get().quantity == 5


def test_the_overview_pages_the_balances_read_once(staff_client, chain):
    add_stock_activity(chain, 13)  # 13 lots on two shelves: 26 rows, a second page
    rows = list(StockMovement.objects.filter(territory=chain.territory).stock_by_location_and_lot())
    assert len(rows) == 26
    first = staff_client.get(URL).context["page"]
    second = staff_client.get(f"{URL}?page=2").context["page"]
    shown = [
        (r["location_id"], r["lot_id"], r["jar_format_id"], r["jars"])
        for r in list(first.object_list) + list(second.object_list)
    ]
    assert shown == [(r["location_id"], r["lot_id"], r["jar_format_id"], r["jars"]) for r in rows]
    assert (first.paginator.count, first.paginator.num_pages, len(second.object_list)) == (26, 2, 1)
    assert all(r["aside"] == 0 for r in first.object_list)
    code = rows[-1]["lot__code"]
    searched = staff_client.get(f"{URL}?q={code}").context["page"]
    expected = [r["lot_id"] for r in rows if code.lower() in r["lot__code"].lower()]
    assert 2 <= len(expected) < 26
    assert [r["lot_id"] for r in searched.object_list] == expected


def test_the_alert_from_the_page_s_empties_is_the_alert_the_ledger_gives(chain):
    washer = Location.objects.create(territory=chain.territory, name="Laverie ESAT", kind=Location.Kind.WASHING)
    workshop_in(chain, 2, capacity=10)  # in two days, 10 places: 20 jars
    empties_buy(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=25)
    empties_buy(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=7)
    empties_buy(actor=chain.actor, location=washer, jar_format=chain.jar, quantity=8)
    make_lot(chain, jars=10)
    rows = list(empties_by_location_and_format(chain.territory))
    alert = empty_jar_alert(chain.territory, empties=rows)
    assert alert == empty_jar_alert(chain.territory)
    assert (alert.in_truck, alert.at_washing, alert.needed) == (15, 8, 20)


def test_the_deposit_form_offers_every_participant_of_the_territory(chain, other_chain):
    from conserverie.people.models import Participant
    from conserverie.stock.forms import DepositReturnForm

    from ..pages import add_participant

    add_participant(chain, "Aïcha")
    add_participant(chain, "Zoé <3")
    add_participant(other_chain, "Autre")
    field = DepositReturnForm(territory=chain.territory).fields["participant"]
    expected = [
        (p.pk, f"{p.first_name} #{p.pk}" + (f" — {p.neighbourhood}" if p.neighbourhood else ""))
        for p in Participant.objects.filter(territory=chain.territory)
    ]
    assert sorted((int(str(v)), label) for v, label in field.choices if v != "") == sorted(expected)
    html = str(DepositReturnForm(territory=chain.territory)["participant"])
    assert "Zoé &lt;3" in html
    assert "Autre" not in html
