"""What became of a farm's produce: kilos collected, lots and jars made with them, households reached.

Aggregates only (a count under 5 households is printed "moins de 5"); the producer pages and the farmer's space
show them through the `farm_figures` template tags, so the producers app never reads the layers above it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from conserverie.people.models import Participant
from conserverie.producers.selectors import households_label
from conserverie.production.models import ProductionLot
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.workshops.models import Registration


def lots_of(producer, year: int | None = None):
    """The production lots made with this farm's raw lots (of `year` when given), as a subquery of pks."""
    used = Q(raw_inputs__kind=RawLotMovement.Kind.USED, raw_inputs__raw_lot__producer=producer)
    if year is not None:
        used &= Q(raw_inputs__raw_lot__collected_on__year=year)
    return ProductionLot.objects.filter(used).values("pk")


def households_reached(lots) -> int:
    """Households that took part in a workshop where one of `lots` was made, or took one of its jars home."""
    attended = Registration.objects.live().filter(attended=True, workshop__lots__in=lots).values("participant_id")
    given = Participant.objects.filter(distributions__lines__lot__in=lots).values("pk")
    return Participant.objects.filter(Q(pk__in=attended) | Q(pk__in=given)).count()


def lot_shares(producer, year: int | None = None) -> dict[int, Decimal]:
    """Per production lot made with this farm's produce: the farm's share of the lot's raw kilos (0 to 1).

    A lot made with 100 kg from this farm and 300 kg from others is a quarter this farm's (one query)."""
    mine = Q(raw_lot__producer=producer)
    if year is not None:
        mine &= Q(raw_lot__collected_on__year=year)
    rows = (
        RawLotMovement.objects.filter(kind=RawLotMovement.Kind.USED, production_lot__in=lots_of(producer, year))
        .values("production_lot")
        .annotate(total=Sum("kg"), mine=Sum("kg", filter=mine))
        .order_by("production_lot")
    )
    return {r["production_lot"]: (r["mine"] or 0) / r["total"] for r in rows if r["total"] and r["total"] > 0}


def produce_outcome(producer, year: int | None = None) -> dict:
    """Aggregates only: kg collected, production lots made with them, and the jars and households reached, each
    lot counted in proportion to the farm's share of its raw kilos (`lot_shares`; 5 queries)."""
    raw = RawLot.objects.filter(producer=producer)
    if year is not None:
        raw = raw.filter(collected_on__year=year)
    kg = raw.aggregate(kg=Sum("kg"))["kg"] or 0
    shares = lot_shares(producer, year)
    lots = list(shares)
    jars_of = dict(
        StockMovement.objects.filter(kind=MovementKind.PRODUCED, lot__in=lots)
        .values("lot")
        .annotate(n=Sum("quantity"))
        .order_by("lot")
        .values_list("lot", "n")
    )
    reached: dict[int, set] = {lot: set() for lot in lots}
    attended = (
        Registration.objects.live()
        .filter(attended=True, workshop__lots__in=lots)
        .values_list("workshop__lots", "participant_id")
    )
    given = Participant.objects.filter(distributions__lines__lot__in=lots).values_list(
        "distributions__lines__lot", "pk"
    )
    for lot, person in [*attended, *given]:
        if lot in reached:
            reached[lot].add(person)
    jars = sum((shares[lot] * (jars_of.get(lot) or 0) for lot in lots), Decimal("0"))
    households = sum((shares[lot] * len(reached[lot]) for lot in lots), Decimal("0"))
    return {
        "year": year,
        "kg": kg,
        "lots": len(lots),
        "jars": int(jars.to_integral_value(ROUND_HALF_UP)),
        "households": households_label(int(households.to_integral_value(ROUND_HALF_UP))),
    }


def kg_per_season(producer) -> list[dict]:
    """Kilos collected per season (calendar year) and per product, newest season first (one query)."""
    rows = (
        RawLot.objects.filter(producer=producer)
        .annotate(season=ExtractYear("collected_on"))
        .values("season", "product__name")
        .annotate(kg=Sum("kg"), lots=Count("pk"))
        .order_by("-season", "product__name")
    )
    seasons: dict[int, dict] = {}
    for row in rows:
        season = seasons.setdefault(row["season"], {"season": row["season"], "kg": Decimal("0"), "products": []})
        season["kg"] += row["kg"]
        season["products"].append({"name": row["product__name"], "kg": row["kg"], "lots": row["lots"]})
    return list(seasons.values())
