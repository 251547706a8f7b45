"""Surplus offers, weighed collections a day or two before each workshop, and what becomes of leftovers."""

from datetime import timedelta
from decimal import ROUND_UP, Decimal

from conserverie.demo.farm_money import agree_terms
from conserverie.producers.models import Product, SurplusOffer
from conserverie.producers.services import offer_accept, offer_declare, offer_decline
from conserverie.sourcing.services import collection_record, raw_lot_give, raw_lot_lose

TENTH = Decimal("0.1")
GRADES = [SurplusOffer.Grade.SURPLUS] * 5 + [SurplusOffer.Grade.DOWNGRADED] * 4 + [SurplusOffer.Grade.UNSOLD]
MODES = [SurplusOffer.Mode.COLLECT] * 8 + [SurplusOffer.Mode.DROP] * 2 + [SurplusOffer.Mode.GLEAN]
LOSS_REASONS = [
    "Fruits abîmés écartés au tri",
    "Moisissures à l'ouverture des cagettes",
    "Écrasés pendant le transport",
]
GIFT_REASONS = ["Donné en brut aux participants de l'atelier", "Donné à l'épicerie solidaire du quartier"]
DECLINE_MESSAGES = [
    "Pas d'atelier prévu pour ce produit cette semaine, merci !",
    "Le camion est complet pour cette tournée.",
]


class RawPool:
    """Raw lots still holding kilos, per product: production draws from them first in, first out."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.entries: dict[int, list[list]] = {}  # product pk -> [[RawLot, kg left], ...]
        self.collections = 0

    def _declarer(self, farm):
        ctx = self.ctx
        return (
            ctx.producer_user if ctx.producer_farm is not None and farm.pk == ctx.producer_farm.pk else ctx.coordinator
        )

    def declare(self, farm, product, kg, around):
        rng = self.ctx.rng
        return offer_declare(
            actor=self._declarer(farm),
            territory=self.ctx.territory,
            producer=farm,
            product=product,
            kg_estimated=max(Decimal("1"), (kg / 5).quantize(Decimal("1")) * 5),
            grade=rng.choice(GRADES),
            mode=rng.choice(MODES),
            available_from=around - timedelta(days=rng.randint(1, 4)),
            available_until=around + timedelta(days=rng.randint(1, 3)),
        )

    def _lot_size(self, product: Product, shortfall: Decimal) -> Decimal:
        """Enough for the recipe and a little more; produce that keeps comes by the crate."""
        rng = self.ctx.rng
        kg = shortfall * Decimal(str(rng.uniform(1.02, 1.25)))
        if product.category == Product.Category.HERB:
            kg = max(kg, Decimal(str(rng.uniform(0.5, 1))))
        elif product.name in ("Ail", "Noix"):
            kg = max(kg, Decimal(str(rng.uniform(3, 6))))
        elif product.shelf_life_days >= 20:
            kg = max(kg, Decimal(str(rng.uniform(15, 35))))
        return kg.quantize(TENTH, rounding=ROUND_UP)

    def collect(self, product: Product, shortfall: Decimal, day):
        ctx, rng = self.ctx, self.ctx.rng
        farm = rng.choice(ctx.growers[product.pk])
        collected_on = day - timedelta(days=rng.choice((1, 2)))
        kg = self._lot_size(product, shortfall)
        offer = self.declare(farm, product, kg, collected_on)
        if rng.random() < 0.8:
            offer = offer_accept(actor=ctx.coordinator, offer=offer)
        self.collections += 1
        offer = agree_terms(ctx, offer, product, self.collections)  # a gift, a purchase or à façon (no draw)
        raw = collection_record(
            actor=ctx.animator,
            territory=ctx.territory,
            producer=farm,
            product=product,
            kg=kg,
            collected_on=collected_on,
            offer=offer,
            grade=offer.grade,
        )
        entry = [raw, raw.kg]
        self.entries.setdefault(product.pk, []).append(entry)
        return entry

    def decline_one(self, product: Product, day) -> None:
        """An offer the cannery cannot take: the producer gets a word why."""
        rng = self.ctx.rng
        farm = rng.choice(self.ctx.growers[product.pk])
        offer = self.declare(farm, product, Decimal(rng.randint(10, 60)), day)
        offer_decline(actor=self.ctx.coordinator, offer=offer, message=rng.choice(DECLINE_MESSAGES))

    def draw(self, product: Product, kg: Decimal, day) -> list[tuple]:
        """Raw inputs for `kg` of `product` on `day`, from lots still usable that day; collect when short."""
        usable = [
            e for e in self.entries.get(product.pk, []) if e[1] > 0 and e[0].collected_on <= day <= e[0].use_before
        ]
        available = sum((e[1] for e in usable), Decimal("0"))
        if available < kg:
            usable.append(self.collect(product, kg - available, day))
        inputs, need = [], kg
        for entry in sorted(usable, key=lambda e: (e[0].use_before, e[0].pk)):
            if need <= 0:
                break
            take = min(entry[1], need)
            entry[1] -= take
            need -= take
            inputs.append((entry[0], take))
        return inputs

    def clear_expiring(self, day, next_day) -> None:
        """Leftovers that will not last until the next workshop: mostly given raw, some lost, a few forgotten."""
        ctx, rng = self.ctx, self.ctx.rng
        for entries in self.entries.values():
            for entry in entries:
                raw, left = entry
                if left <= 0 or raw.use_before >= next_day or raw.collected_on > day:
                    continue
                roll = rng.random()
                if roll < 0.2:
                    raw_lot_lose(actor=ctx.animator, raw_lot=raw, kg=left, reason=rng.choice(LOSS_REASONS), day=day)
                elif roll < 0.75:
                    raw_lot_give(actor=ctx.animator, raw_lot=raw, kg=left, reason=rng.choice(GIFT_REASONS), day=day)
                # Either way the lot is out of the pool; a forgotten one keeps its kilos in the books.
                entry[1] = Decimal("0")
