"""Each participant's deposit balance: jars taken and returned, deposits charged and refunded, credit kept and used."""

from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.selectors import credit_of, participant_balance, with_deposit_balance
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.people.models import Participant
from conserverie.stock.models import StockMovement
from conserverie.stock.services import deposit_return, movement_reverse

from ..conftest import DAY
from ..helpers import refused, released_lot
from ..pages import add_participant, assert_flat_queries, text

URL = "/t/romans/cessions/consignes/"


def gift(chain, lot, participant, quantity, *, use_credit=False, deposit=None):
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=DAY,
        participant=participant,
        lines=[LineSpec(lot, chain.jar, quantity, deposit_eur=deposit)],
        use_credit=use_credit,
    )


def back(chain, participant, quantity, **extra):
    return deposit_return(
        actor=chain.actor,
        location=chain.truck,
        jar_format=chain.jar,
        quantity=quantity,
        participant=participant,
        **extra,
    )


def figures(participant) -> dict:
    p = participant_balance(participant)
    names = ("jars_taken", "jars_returned", "jars_out", "deposits_charged", "refunded", "credit", "deposits_held")
    return {name: getattr(p, name) for name in names}


@pytest.fixture
def lot(chain):
    return released_lot(chain, jars=20)


@pytest.fixture
def aicha(chain):
    return add_participant(chain)


def test_a_participant_without_jars_owes_and_is_owed_nothing(chain, aicha):
    assert figures(aicha) == {
        "jars_taken": 0,
        "jars_returned": 0,
        "jars_out": 0,
        "deposits_charged": 0,
        "refunded": 0,
        "credit": 0,
        "deposits_held": 0,
    }


def test_balance_after_gifts_returns_refunds_and_credit(chain, lot, aicha):
    """Hand-computed: 5 jars at 1 €; 2 back refunded in cash, 2 back kept as credit; 1 out."""
    gift(chain, lot, aicha, 3)
    gift(chain, lot, aicha, 2)
    gift(chain, lot, aicha, 4, deposit=Decimal("0"))  # free jars: no deposit, not in the balance
    back(chain, aicha, 2)
    back(chain, aicha, 2, keep_as_credit=True)
    result = figures(aicha)
    assert result == {
        "jars_taken": 5,
        "jars_returned": 4,
        "jars_out": 1,
        "deposits_charged": Decimal("5.00"),
        "refunded": Decimal("2.00"),
        "credit": Decimal("2.00"),
        "deposits_held": Decimal("3.00"),  # 1 jar out × 1 € + 2 € of credit
    }
    assert all(not isinstance(value, float) for value in result.values())


def test_credit_pays_the_deposits_of_the_next_gift_and_is_spent_once(chain, lot, aicha):
    gift(chain, lot, aicha, 3)
    back(chain, aicha, 3, keep_as_credit=True)
    assert credit_of(aicha) == Decimal("3.00")
    paid = gift(chain, lot, aicha, 2, use_credit=True)
    line = paid.lines.get()
    assert (line.credit_eur, line.paid_eur) == (Decimal("2.00"), Decimal("0.00"))
    assert StockMovement.objects.get(distribution_line=line).amount_eur == 0
    assert credit_of(aicha) == Decimal("1.00")
    # The credit covers only what is left: 1 € of the next 2 jars' 2 €.
    line = gift(chain, lot, aicha, 2, use_credit=True).lines.get()
    assert (line.credit_eur, line.paid_eur) == (Decimal("1.00"), Decimal("1.00"))
    assert credit_of(aicha) == 0
    result = figures(aicha)
    assert (result["jars_out"], result["deposits_charged"], result["deposits_held"]) == (4, Decimal("7"), Decimal("4"))


def test_reversals_undo_their_part_of_the_balance(chain, lot, aicha, coordinator):
    sale = gift(chain, lot, aicha, 3)
    kept = back(chain, aicha, 2, keep_as_credit=True)
    movement_reverse(actor=coordinator, movement=kept, reason="Compté deux fois")
    movement_reverse(
        actor=coordinator, movement=StockMovement.objects.get(distribution_line__distribution=sale), reason="Erreur"
    )
    assert figures(aicha) == figures(add_participant(chain, "Personne"))
    spent = gift(chain, lot, aicha, 1)
    back(chain, aicha, 1, keep_as_credit=True)
    used = gift(chain, lot, aicha, 1, use_credit=True)
    assert credit_of(aicha) == 0
    movement_reverse(
        actor=coordinator, movement=StockMovement.objects.get(distribution_line__distribution=used), reason="Annulée"
    )
    assert credit_of(aicha) == Decimal("1.00")  # the reversed gift gives its credit back
    assert spent.pk


def test_credit_needs_a_participant_and_no_refund(chain, aicha):
    with refused("participant", "au nom d'un participant"):
        back(chain, None, 2, keep_as_credit=True)
    with refused("refunded_eur", "pas remboursée"):
        back(chain, aicha, 2, keep_as_credit=True, refunded_eur=Decimal("2"))


def test_only_a_participant_gift_uses_credit(chain, lot):
    with refused("use_credit", "Seul un participant"):
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.GROUP_SALE,
            location=chain.truck,
            day=DAY,
            lines=[LineSpec(lot, chain.jar, 1, Decimal("3"))],
            payment_mode=PaymentMode.CARD,
            use_credit=True,
        )


def test_many_participants_in_one_query(chain, lot, django_assert_num_queries):
    people = [add_participant(chain, f"P{i}") for i in range(4)]
    for i, person in enumerate(people):
        gift(chain, lot, person, i + 1)
        back(chain, person, 1, keep_as_credit=bool(i % 2))
    with django_assert_num_queries(1):
        rows = list(with_deposit_balance(Participant.objects.filter(territory=chain.territory)).order_by("first_name"))
    assert [r.jars_out for r in rows] == [0, 1, 2, 3]
    assert [r.credit for r in rows] == [0, Decimal("1.00"), 0, Decimal("1.00")]


# --- Pages -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_balance_page_lists_filters_and_details(staff_client, chain, lot, aicha):
    other = add_participant(chain, "Bastien")
    gift(chain, lot, aicha, 3)
    back(chain, aicha, 1, keep_as_credit=True)
    page = text(staff_client.get(URL))
    assert "Aïcha" in page
    assert "Bastien" in page
    credit_only = text(staff_client.get(URL, {"solde": "credit"}))
    assert "Aïcha" in credit_only
    assert "Bastien" not in credit_only
    assert "Aïcha" not in text(staff_client.get(URL, {"q": "bast"}))
    assert "Bastien" in text(staff_client.get(URL, {"q": f"#{other.pk}"}))
    detail = staff_client.get(f"{URL}{aicha.pk}/")
    assert detail.status_code == 200
    assert "gardée en avoir" in text(detail)
    assert "1,00 €" in text(detail)


def test_staff_return_empties_as_credit_through_the_stock_page(staff_client, chain, lot, aicha):
    gift(chain, lot, aicha, 2)
    response = staff_client.post(
        "/t/romans/stock/consignes/",
        {
            "location": chain.truck.pk,
            "jar_format": chain.jar.pk,
            "quantity": "2",
            "participant": aicha.pk,
            "keep_as_credit": "1",
            "day": DAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert credit_of(aicha) == Decimal("2.00")


def test_balance_pages_cost_a_fixed_number_of_queries(staff_client, chain, lot, django_assert_num_queries):
    made = []

    def grow(n):
        for _ in range(n):
            person = add_participant(chain, f"P{len(made)}")
            gift(chain, lot, person, 1)
            back(chain, person, 1, keep_as_credit=True)
            made.append(person)

    assert assert_flat_queries(staff_client, URL, grow, django_assert_num_queries, n=2) <= 8

    detail = f"{URL}{made[0].pk}/"

    def grow_one(n):
        for _ in range(n):
            gift(chain, lot, made[0], 1)
            back(chain, made[0], 1)

    assert assert_flat_queries(staff_client, detail, grow_one, django_assert_num_queries, n=1) <= 8


def test_other_territory_and_viewer_get_404(client, chain, aicha, other_coordinator, viewer):
    for user in (other_coordinator, viewer):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(f"{URL}{aicha.pk}/").status_code == 404


def test_a_participant_of_another_territory_is_not_found(client, chain, other_chain, coordinator):
    stranger = add_participant(other_chain, "Zoé")
    client.force_login(coordinator)
    assert client.get(f"{URL}{stranger.pk}/").status_code == 404
