"""Where the jars go: gifts at the workshop, the purchasing group's shop, the structures' own use, empties back.

`Shelves` mirrors the ledger in memory so the demo only asks for jars that are there; the services still
check every take against the database.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.stock.services import deposit_return, jars_discard, jars_move

# Share of the deposited jars that come back empty over the season.
RETURN_RATE = 0.45
# What the purchasing group pays per jar, on top of the deposit, by volume (ml).
SHOP_PRICES = {250: Decimal("2.50"), 375: Decimal("3.50"), 750: Decimal("5.50")}
GIFT_PAYMENTS = [PaymentMode.CASH] * 9 + [PaymentMode.SOLIDARITY] * 5 + [PaymentMode.CARD] * 2 + [PaymentMode.FREE] * 3
SHOP_PAYMENTS = [PaymentMode.CASH, PaymentMode.CARD, PaymentMode.CARD, PaymentMode.CHEQUE, PaymentMode.SOLIDARITY]
INTERNAL_USES = [
    "Repas partagé du jeudi",
    "Goûter de l'accueil de loisirs",
    "Atelier cuisine parents-enfants",
    "Buffet de la fête de quartier",
]


class Shelves:
    def __init__(self):
        self.jars: Counter = Counter()  # (location, lot, jar format) -> full jars

    def add(self, location, lot, jar_format, quantity: int) -> None:
        self.jars[(location, lot, jar_format)] += quantity

    def on(self, location, *, released=True, lots=None) -> list[tuple]:
        return [
            (lot, fmt, n)
            for (loc, lot, fmt), n in self.jars.items()
            if loc == location and n > 0 and (not released or lot.is_released) and (lots is None or lot in lots)
        ]


class Handout:
    def __init__(self, ctx, shelves: Shelves):
        self.ctx, self.shelves = ctx, shelves
        self.with_deposit = 0  # jars that left with a deposit: the denominator of the return rate
        self.returned = 0
        self.holders: list = []  # (participant, jar format) who may bring an empty jar back

    def _pick(self, location, quantity: int, lots=None) -> list[tuple]:
        """Up to `quantity` jars from `location`, from `lots` first, as (lot, format, n) lines."""
        rng, wanted = self.ctx.rng, Counter()
        for _ in range(quantity):
            choices = self.shelves.on(location, lots=lots) or self.shelves.on(location)
            choices = [(lot, fmt, n - wanted[(lot, fmt)]) for lot, fmt, n in choices if n > wanted[(lot, fmt)]]
            if not choices:
                break
            lot, fmt, _n = rng.choice(choices)
            wanted[(lot, fmt)] += 1
        return [(lot, fmt, n) for (lot, fmt), n in wanted.items()]

    def _record(self, *, kind, location, day, picked, price=False, free=False, **extra):
        lines = [
            LineSpec(
                lot,
                fmt,
                n,
                unit_price_eur=SHOP_PRICES.get(fmt.volume_ml, Decimal("3")) if price else Decimal("0"),
                deposit_eur=Decimal("0") if free else None,
            )
            for lot, fmt, n in picked
        ]
        distribution_record(
            actor=self.ctx.animator,
            territory=self.ctx.territory,
            kind=kind,
            location=location,
            day=day,
            lines=lines,
            **extra,
        )
        for lot, fmt, n in picked:
            self.shelves.add(location, lot, fmt, -n)
            if not free and kind != Distribution.Kind.INTERNAL:
                self.with_deposit += n

    def gifts(self, workshop, present, lots, day) -> None:
        """Participants take jars home for the price of the deposit (docs/architecture.md §1)."""
        rng, truck = self.ctx.rng, self.ctx.places.truck
        for participant in present:
            if rng.random() > 0.8:
                continue
            picked = self._pick(truck, rng.randint(2, 5), lots)
            if not picked:
                return
            mode = rng.choice(GIFT_PAYMENTS)
            free = mode == PaymentMode.FREE
            self._record(
                kind=Distribution.Kind.PARTICIPANT,
                location=truck,
                day=day,
                picked=picked,
                free=free,
                participant=participant,
                workshop=workshop,
                payment_mode=mode,
            )
            if not free:
                self.holders += [(participant, fmt) for _lot, fmt, _n in picked]

    def spread(self, workshop, lots, day) -> None:
        """After the workshop, part of the jars go to the shop and to the host structure."""
        ctx, rng = self.ctx, self.ctx.rng
        truck, shop = ctx.places.truck, ctx.places.shop
        structure_shelf = ctx.places.structure_locations.get(workshop.structure_id)
        for lot, fmt, n in self.shelves.on(truck, lots=lots):
            moves = []
            if shop is not None:
                moves.append((shop, round(n * rng.uniform(0.45, 0.65)), "Pour le groupement d'achat"))
            if structure_shelf is not None:
                moves.append((structure_shelf, round(n * rng.uniform(0.15, 0.3)), "Réservés à la structure"))
            for destination, quantity, reason in moves:
                if quantity <= 0:
                    continue
                jars_move(
                    actor=ctx.animator,
                    lot=lot,
                    jar_format=fmt,
                    source=truck,
                    destination=destination,
                    quantity=quantity,
                    reason=reason,
                    day=day,
                )
                self.shelves.add(truck, lot, fmt, -quantity)
                self.shelves.add(destination, lot, fmt, quantity)

    def _later(self, day, low, high):
        later = day + timedelta(days=self.ctx.rng.randint(low, high))
        return later if later <= self.ctx.today else None

    def shop_sales(self, day) -> None:
        rng, shop = self.ctx.rng, self.ctx.places.shop
        if shop is None:
            return
        for _ in range(rng.randint(3, 6)):
            sale_day = self._later(day, 1, 6)
            picked = self._pick(shop, rng.randint(3, 12))
            if sale_day is None or not picked:
                return
            self._record(
                kind=Distribution.Kind.GROUP_SALE,
                location=shop,
                day=sale_day,
                picked=picked,
                price=True,
                payment_mode=rng.choice(SHOP_PAYMENTS),
                note="Commande du groupement d'achat",
            )

    def internal_use(self, workshop, day) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        shelf = ctx.places.structure_locations.get(workshop.structure_id)
        use_day = self._later(day, 2, 10)
        if shelf is None or use_day is None or rng.random() < 0.2:
            return
        picked = self._pick(shelf, rng.randint(5, 15))
        if picked:
            self._record(
                kind=Distribution.Kind.INTERNAL,
                location=shelf,
                day=use_day,
                picked=picked,
                structure=workshop.structure,
                payment_mode=PaymentMode.FREE,
                note=rng.choice(INTERNAL_USES),
            )

    def _may_return(self, quantity: int) -> bool:
        """Keep the return rate realistic: many jars come back, never all of them."""
        return self.returned + quantity <= self.with_deposit * RETURN_RATE

    def empties_back(self, day) -> None:
        """Participants bring empty jars back to the truck; the group's buyers bring theirs to the shop."""
        ctx, rng = self.ctx, self.ctx.rng
        for _ in range(rng.randint(3, 8)):
            if not self.holders or not self._may_return(1):
                break
            participant, fmt = self.holders.pop(rng.randrange(len(self.holders)))
            deposit_return(
                actor=ctx.animator,
                location=ctx.places.truck,
                jar_format=fmt,
                quantity=1,
                participant=participant,
                day=day,
            )
            self.returned += 1
        shop, quantity = ctx.places.shop, rng.randint(2, 8)
        if shop is not None and self._may_return(quantity):
            fmt = rng.choice(list(ctx.places.jars.values()))
            deposit_return(actor=ctx.animator, location=shop, jar_format=fmt, quantity=quantity, day=day)
            self.returned += quantity

    def break_one(self, day) -> None:
        truck = self.ctx.places.truck
        candidates = self.shelves.on(truck, released=False)
        if not candidates:
            return
        lot, fmt, _n = self.ctx.rng.choice(candidates)
        jars_discard(
            actor=self.ctx.animator,
            lot=lot,
            jar_format=fmt,
            location=truck,
            quantity=1,
            broken=True,
            reason="Bocal cassé pendant le transport",
            day=day,
        )
        self.shelves.add(truck, lot, fmt, -1)

    def destroy(self, lot, day) -> None:
        """A non-conforming lot that cannot be corrected is destroyed, jar by jar counted."""
        for (location, held, fmt), n in list(self.shelves.jars.items()):
            if held == lot and n > 0:
                jars_discard(
                    actor=self.ctx.coordinator,
                    lot=lot,
                    jar_format=fmt,
                    location=location,
                    quantity=n,
                    reason="Lot non conforme : barème de traitement thermique non atteint, bocaux détruits",
                    day=day,
                )
                self.shelves.add(location, lot, fmt, -n)
