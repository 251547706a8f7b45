from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution, DistributionLine, PaymentMode
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import mass_balance_problems, territory_figures
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.production.services import lot_block
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import jars_at, movement_reverse
from conserverie.workshops.services import participant_create

from ..conftest import DAY
from ..helpers import forbidden, history_user, make_lot, refused, released_lot


@pytest.fixture
def lot(chain):
    return released_lot(chain, jars=10)


@pytest.fixture
def person(chain):
    return participant_create(territory=chain.territory, first_name="Awa", consent=True)


def _record(chain, lines, kind=Distribution.Kind.GROUP_SALE, **over):
    kwargs = {
        "actor": chain.actor,
        "territory": chain.territory,
        "kind": kind,
        "location": chain.truck,
        "day": DAY,
        "lines": lines,
    }
    kwargs.update(over)
    return distribution_record(**kwargs)


def _stock(chain, lot):
    return jars_at(location=chain.truck, lot=lot, jar_format=chain.jar)


def test_a_participant_takes_jars_for_the_price_of_the_deposit(chain, lot, person, animator):
    given = _record(
        chain,
        [LineSpec(lot, chain.jar, 2)],
        kind=Distribution.Kind.PARTICIPANT,
        participant=person,
        actor=animator,
        payment_mode=PaymentMode.SOLIDARITY,
    )
    line = given.lines.get()
    assert (line.quantity, line.unit_price_eur, line.deposit_eur, line.total_eur) == (2, 0, Decimal("1"), 2)
    movement = StockMovement.objects.get(distribution_line=line)
    assert (movement.kind, movement.quantity, movement.amount_eur) == (MovementKind.GIVEN, -2, Decimal("2"))
    assert (movement.participant, movement.created_by) == (person, animator)
    assert history_user(given) == animator
    assert history_user(line) == animator
    assert _stock(chain, lot) == 8


def test_a_group_sale_of_several_lines_with_prices(chain, lot):
    second = released_lot(chain, jars=5)
    sale = _record(
        chain,
        [
            LineSpec(lot, chain.jar, 4, Decimal("3.50")),
            LineSpec(second, chain.jar, 5, Decimal("3.50"), deposit_eur=Decimal("0")),
        ],
    )
    assert sale.lines.count() == 2
    assert StockMovement.objects.filter(kind=MovementKind.SOLD).totals_by_kind() == {MovementKind.SOLD: -9}
    assert sum(line.total_eur for line in sale.lines.all()) == Decimal("4") * Decimal("4.50") + 5 * Decimal("3.50")
    figures = territory_figures(chain.territory)
    assert (figures.jars_sold, figures.jars_in_stock) == (9, 6)
    assert mass_balance_problems(chain.territory) == []


def test_internal_use_carries_no_deposit(chain, lot):
    use = _record(chain, [LineSpec(lot, chain.jar, 3)], kind=Distribution.Kind.INTERNAL, structure=chain.structure)
    assert use.lines.get().deposit_eur == 0
    assert StockMovement.objects.get(distribution_line__distribution=use).kind == MovementKind.INTERNAL


def test_a_gift_to_a_partner_names_the_partner(chain, lot):
    with refused("partner", "Indiquez le partenaire."):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.PARTNER, partner=" ")
    gift = _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.PARTNER, partner="Restos du Cœur")
    assert StockMovement.objects.get(distribution_line__distribution=gift).kind == MovementKind.GIVEN


def test_each_kind_names_its_recipient(chain, lot):
    with refused("participant", "Choisissez le participant qui emporte les bocaux."):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.PARTICIPANT)
    with refused("structure", "Choisissez la structure qui utilise les bocaux."):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.INTERNAL)


def test_an_unknown_kind_is_refused(chain, lot):
    with refused("kind", "Choisissez le type de cession."):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind="barter")


def test_lines_are_present_positive_and_priced_at_zero_or_more(chain, lot):
    with refused("lines", "Ajoutez au moins une ligne."):
        _record(chain, [])
    for quantity in (0, -1, None):
        with refused("quantity", "Indiquez un nombre de bocaux supérieur à zéro."):
            _record(chain, [LineSpec(lot, chain.jar, quantity)])
    with refused("unit_price_eur", "Un prix ne peut pas être négatif."):
        _record(chain, [LineSpec(lot, chain.jar, 1, Decimal("-1"))])
    with refused("unit_price_eur", "Un prix ne peut pas être négatif."):
        _record(chain, [LineSpec(lot, chain.jar, 1, deposit_eur=Decimal("-0.5"))])


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (LotStatus.OPEN, "En cours"),
        (LotStatus.NON_CONFORMING, "Non conforme"),
        (LotStatus.BLOCKED, "Bloqué"),
        (LotStatus.RECALLED, "Rappelé"),
    ],
)
@pytest.mark.parametrize("kind", [Distribution.Kind.GROUP_SALE, Distribution.Kind.INTERNAL, Distribution.Kind.PARTNER])
def test_a_lot_not_released_is_neither_given_sold_nor_used(chain, status, label, kind):
    lot = make_lot(chain, status=status)
    message = f"Le lot {lot.code} est « {label} » : il ne peut être ni cédé, ni vendu, ni utilisé."
    with refused("lot", message):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=kind, structure=chain.structure, partner="Épicerie")


def test_a_lot_not_released_is_not_given_to_a_participant(chain, person):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    with refused("lot", "« Non conforme »"):
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.PARTICIPANT, participant=person)


def test_a_stale_copy_of_a_released_lot_does_not_hide_a_block(chain, lot):
    lot_block(actor=chain.actor, lot=ProductionLot.objects.get(pk=lot.pk), reason="Alerte")
    assert lot.status == LotStatus.RELEASED  # the caller's copy is stale
    with refused("lot", "« Bloqué »"):
        _record(chain, [LineSpec(lot, chain.jar, 1)])


def test_all_lines_or_none_when_stock_runs_short(chain, lot):
    second = released_lot(chain, jars=5)
    with refused("quantity", "Stock insuffisant : 5 bocal(aux) Bocal 375 ml du lot ROM-260610-CTOM2"):
        _record(chain, [LineSpec(lot, chain.jar, 10), LineSpec(second, chain.jar, 6)])
    # Two lines of the same lot add up before the check.
    with refused("quantity", "Stock insuffisant : 10 bocal(aux)"):
        _record(chain, [LineSpec(lot, chain.jar, 6), LineSpec(lot, chain.jar, 5)])
    assert (_stock(chain, lot), _stock(chain, second)) == (10, 5)


def test_the_last_jar_can_go_but_not_one_more(chain, lot):
    _record(chain, [LineSpec(lot, chain.jar, 10)])
    with refused("quantity", "Stock insuffisant : 0 bocal(aux)"):
        _record(chain, [LineSpec(lot, chain.jar, 1)])
    assert StockMovement.objects.negative_balances().count() == 0


def test_jars_leave_from_the_location_that_holds_them(chain, lot):
    with refused("quantity", "à « Boutique Romans »"):
        _record(chain, [LineSpec(lot, chain.jar, 1)], location=chain.shop)


def test_a_reversed_sale_puts_the_jars_back_and_the_books_still_hold(chain, lot):
    sale = _record(chain, [LineSpec(lot, chain.jar, 4, Decimal("3"))])
    movement = StockMovement.objects.get(distribution_line__distribution=sale)
    correction = movement_reverse(actor=chain.actor, movement=movement, reason="Vente annulée")
    assert (correction.quantity, correction.amount_eur, correction.distribution_line) == (
        4,
        Decimal("-16"),
        movement.distribution_line,
    )
    assert _stock(chain, lot) == 10
    assert territory_figures(chain.territory).jars_sold == 0
    assert mass_balance_problems(chain.territory) == []


def test_distribution_stays_within_the_territory(chain, other_chain, lot):
    foreign_lot = released_lot(other_chain, jars=3)
    stranger = participant_create(territory=other_chain.territory, first_name="Eve", consent=True)
    with forbidden():
        _record(chain, [LineSpec(foreign_lot, other_chain.jar, 1)])
    with forbidden():
        _record(chain, [LineSpec(lot, other_chain.jar, 1)])
    with forbidden():
        _record(chain, [LineSpec(lot, chain.jar, 1)], location=other_chain.truck)
    with forbidden():
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.PARTICIPANT, participant=stranger)
    with forbidden():
        _record(chain, [LineSpec(lot, chain.jar, 1)], kind=Distribution.Kind.INTERNAL, structure=other_chain.structure)


@pytest.mark.parametrize("persona", ["viewer", "other_coordinator"])
def test_only_staff_of_the_territory_distribute(request, chain, lot, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        _record(chain, [LineSpec(lot, chain.jar, 1)], actor=actor)
    assert not Distribution.objects.exists()
    assert not DistributionLine.objects.exists()
