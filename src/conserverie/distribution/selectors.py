"""Reads that several pages share: each participant's deposit balance, the price list.

Deposit balance of a participant, all read from the jar ledger (so a reversal counts by itself):

- jars taken: jars given to the participant, or sold to them by the purchasing group, with a deposit (lines with a
  deposit > 0), net of reversals;
- deposits charged: those jars × the line's deposit;
- jars returned: empty jars the participant brought back (`empty_returned` rows with the participant);
- refunded: cash paid back for them (`amount_eur` of those rows);
- credit earned: the deposit of the jars returned with nothing refunded (`amount_eur` = 0), kept as credit;
- credit used: the part of later gifts and group purchases paid with that credit (line value − amount paid);
- credit = earned − used; jars out = taken − returned;
- deposits held = charged − refunded − credit used: the cash the cannery holds for this participant, which
  equals (jars out × deposit) + credit when every jar is returned at its format's deposit.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from conserverie.distribution.models import Distribution, PriceListEntry
from conserverie.people.models import Participant
from conserverie.stock.models import MovementKind, StockMovement

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=12, decimal_places=2)


def _per_participant(rows, expression, output_field):
    """One correlated sum per participant, so that joins never multiply rows (one query for the whole page)."""
    total = (
        rows.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(total=Sum(expression, output_field=output_field))
        .values("total")[:1]
    )
    return Coalesce(Subquery(total, output_field=output_field), Value(0, output_field=output_field))


def _gifts():
    """The jars a person took away with a deposit: gifts, and the group's sales made in their name (a pick-up of
    the purchasing group, issue 18), whose deposits they bring back and may pay with their credit."""
    return StockMovement.objects.filter(
        Q(kind=MovementKind.GIVEN, distribution_line__distribution__kind=Distribution.Kind.PARTICIPANT)
        | Q(kind=MovementKind.SOLD, distribution_line__distribution__kind=Distribution.Kind.GROUP_SALE)
    )


def _returns():
    return StockMovement.objects.filter(kind=MovementKind.EMPTY_RETURNED)


def with_deposit_balance(participants):
    """`participants` annotated with the deposit balance (see the module's docstring), in the same query."""
    gifts, with_deposit = _gifts(), _gifts().filter(distribution_line__deposit_eur__gt=0)
    line_value = -F("quantity") * (F("distribution_line__unit_price_eur") + F("distribution_line__deposit_eur"))
    kept = Case(
        When(amount_eur=0, then=F("quantity") * F("jar_format__deposit_eur")), default=Value(ZERO), output_field=MONEY
    )
    return participants.annotate(
        jars_taken=_per_participant(with_deposit, -F("quantity"), IntegerField()),
        deposits_charged=_per_participant(with_deposit, -F("quantity") * F("distribution_line__deposit_eur"), MONEY),
        jars_returned=_per_participant(_returns(), F("quantity"), IntegerField()),
        refunded=_per_participant(_returns(), F("amount_eur"), MONEY),
        credit_earned=_per_participant(_returns(), kept, MONEY),
        credit_used=_per_participant(gifts, line_value - F("amount_eur"), MONEY),
    ).annotate(
        jars_out=F("jars_taken") - F("jars_returned"),
        credit=F("credit_earned") - F("credit_used"),
        deposits_held=F("deposits_charged") - F("refunded") - F("credit_used"),
    )


def participant_balance(participant) -> Participant:
    """The participant, reread with its balance (one query)."""
    return with_deposit_balance(Participant.objects.filter(pk=participant.pk)).get()


def credit_of(participant) -> Decimal:
    return participant_balance(participant).credit


def balance_filter(participants, which: str):
    """`out`: holds jars or deposits; `credit`: has credit to use; anything else: everybody."""
    if which == "out":
        return participants.filter(Q(jars_out__gt=0))
    if which == "credit":
        return participants.filter(credit__gt=0)
    return participants


def price_map(territory) -> dict:
    """{(recipe code or "", jar format id): entry} for the territory (one query)."""
    return {(e.recipe_code, e.jar_format_id): e for e in PriceListEntry.objects.filter(territory=territory)}


def price_for(prices: dict, recipe_code: str, jar_format_id: int):
    """The entry for this recipe and format, else the format's entry for every recipe, else None."""
    return prices.get((recipe_code, jar_format_id)) or prices.get(("", jar_format_id))


def reversal_of(distribution) -> dict:
    """How much of a distribution was reversed: {"jars", "of", "rows"} read from the ledger (one query)."""
    rows = list(
        StockMovement.objects.filter(distribution_line__distribution=distribution)
        .select_related("created_by")
        .order_by("id")
    )
    taken = sum(-r.quantity for r in rows if r.reverses_id is None)
    back = [r for r in rows if r.reverses_id is not None]
    return {"jars": sum(r.quantity for r in back), "of": taken, "rows": back}
