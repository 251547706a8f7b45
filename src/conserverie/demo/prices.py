"""The purchasing group's price list, and participants who keep their deposit as credit and spend it.

Played after the season: the price list is the one the shop's sales used (handout.SHOP_PRICES), and a few
participants who still hold jars bring some back without a refund, then take new jars paid with that credit.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from conserverie.demo.handout import SHOP_PRICES
from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.selectors import with_deposit_balance
from conserverie.distribution.services import LineSpec, distribution_record, price_set
from conserverie.people.models import Participant
from conserverie.production.models import LotStatus
from conserverie.stock.models import StockMovement
from conserverie.stock.services import deposit_return

# The solidarity price of the social centres' members: 80 % of the list price.
SOCIAL_SHARE = Decimal("0.8")
# Recipes dearer to make than the format's price (fruit and sugar): their own line on the price list.
PREMIUM = Decimal("0.60")
PREMIUM_RECIPES = 2
CREDIT_HOLDERS = 6


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.10"))


def create_price_list(ctx) -> None:
    for volume, jar_format in sorted(ctx.places.jars.items()):
        price = SHOP_PRICES.get(volume, Decimal("3"))
        price_set(
            actor=ctx.coordinator,
            territory=ctx.territory,
            jar_format=jar_format,
            price_eur=price,
            social_price_eur=_cents(price * SOCIAL_SHARE),
        )
    for code in sorted(ctx.recipes)[:PREMIUM_RECIPES]:
        for volume, jar_format in sorted(ctx.places.jars.items())[:2]:
            price = SHOP_PRICES.get(volume, Decimal("3")) + PREMIUM
            price_set(
                actor=ctx.coordinator,
                territory=ctx.territory,
                jar_format=jar_format,
                recipe_code=code,
                price_eur=price,
                social_price_eur=_cents(price * SOCIAL_SHARE),
            )


def _truck_stock(ctx) -> list[tuple]:
    """(lot, format, jars) of released jars on the truck, from the ledger."""
    rows = (
        StockMovement.objects.filter(location=ctx.places.truck, lot__status=LotStatus.RELEASED)
        .values("lot", "jar_format")
        .annotate(jars=Sum("quantity"))
        .filter(jars__gt=0)
        .order_by("lot", "jar_format")
    )
    stock = []
    for row in rows:
        move = StockMovement.objects.filter(lot_id=row["lot"], jar_format_id=row["jar_format"]).select_related(
            "lot", "jar_format"
        )[0]
        stock.append([move.lot, move.jar_format, row["jars"]])
    return stock


def credits_and_their_use(ctx) -> None:
    """Holders of jars bring two back as credit; half of them take a new jar paid with that credit."""
    truck, day = ctx.places.truck, ctx.today - timedelta(days=2)
    holders = (
        with_deposit_balance(Participant.objects.filter(territory=ctx.territory))
        .filter(jars_out__gte=2)
        .order_by("id")[:CREDIT_HOLDERS]
    )
    formats = list(ctx.places.jars.values())
    stock = _truck_stock(ctx)
    for index, participant in enumerate(holders):
        jar_format = formats[index % len(formats)]
        deposit_return(
            actor=ctx.animator,
            location=truck,
            jar_format=jar_format,
            quantity=2,
            participant=participant,
            keep_as_credit=True,
            day=day,
        )
        available = [row for row in stock if row[2] > 0]
        if index % 2 or not available:
            continue
        lot, lot_format, _jars = available[0]
        distribution_record(
            actor=ctx.animator,
            territory=ctx.territory,
            kind=Distribution.Kind.PARTICIPANT,
            location=truck,
            day=ctx.today,
            participant=participant,
            lines=[LineSpec(lot, lot_format, 1)],
            payment_mode=PaymentMode.CASH,
            use_credit=True,
            note="Consigne payée avec l'avoir",
        )
        available[0][2] -= 1


def add_prices_and_credits(ctx) -> None:
    create_price_list(ctx)
    credits_and_their_use(ctx)
