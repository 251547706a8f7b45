"""What the Romans farms receive (docs/economics-en.md): purchases and one à-façon batch in the 2026 season, the
association's legal entity, the farms' identities and declared cost prices, and the receipts of their 2025 gifts.

No random draw here: the rest of the demo is drawn as before. The identities are fictitious (SIREN numbers made
up from the farm's rank, no real company)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from conserverie.producers.models import Producer, Product, SurplusOffer, Terms
from conserverie.producers.services import (
    cost_price_declare,
    offer_declare,
    offer_terms_set,
    producer_legal_identity_set,
)
from conserverie.sourcing.models import FarmJarReturn, RawLot, RawLotMovement
from conserverie.sourcing.receipts import legal_entity_set, receipt_correct, receipt_issue
from conserverie.sourcing.services import collection_record, raw_lot_give
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import farm_jars_return
from conserverie.territories.models import JarFormat, LegalEntity, Location

# Every ninth collection of the season is bought (price per kg by category); every twelfth, from the sixth, is
# processed for the farm (its jars go back to it once made: the latest batch still on the shelves).
PURCHASE_EVERY, PURCHASE_AT, PROCESSING_EVERY, PROCESSING_AT = 9, 4, 12, 6
PURCHASE_PRICES = {Product.Category.VEGETABLE: "0.60", Product.Category.FRUIT: "0.90", Product.Category.HERB: "4.00"}
FEE_PER_JAR = Decimal("0.80")
# The farm's cost price (€/kg) and the stock value of produce it could no longer sell, by category.
COST_PRICES = {
    Product.Category.VEGETABLE: ("0.45", "0.15"),
    Product.Category.FRUIT: ("0.70", "0.25"),
    Product.Category.HERB: ("3.00", "1.00"),
}
LEGAL_FORMS = ["EARL", "GAEC", "SCEA", "Exploitation individuelle"]
GIFTS_2025 = [(date(2025, 8, 19), "38.5"), (date(2025, 9, 23), "24.0")]
RECEIPT_FARMS = 5
GIVEN_ON = "Donné à l'épicerie solidaire du quartier"


def agree_terms(ctx, offer, product, rank: int):
    """Called by the raw pool before a collection: the terms the coordination agreed for this offer."""
    if rank % PURCHASE_EVERY == PURCHASE_AT:
        price = Decimal(PURCHASE_PRICES[product.category])
        return offer_terms_set(actor=ctx.coordinator, offer=offer, terms=Terms.PURCHASE, price_eur_kg=price)
    if rank % PROCESSING_EVERY == PROCESSING_AT:
        return offer_terms_set(actor=ctx.coordinator, offer=offer, terms=Terms.PROCESSING, fee_eur_per_jar=FEE_PER_JAR)
    return offer


def add_farm_money(ctx) -> None:
    actor, territory = ctx.coordinator, ctx.territory
    entity = LegalEntity(
        name="Association Conserverie Mobile du Pays de Romans",
        legal_form="Association déclarée (loi du 1er juillet 1901)",
        rna="W263000001",
        siren="900000001",
        address="Maison de quartier, 2 rue de la Monnaie, 26100 Romans-sur-Isère",
        city="Romans-sur-Isère",
        purpose=(
            "Lutter contre le gaspillage alimentaire en transformant les surplus agricoles en conserves avec les "
            "habitants des quartiers, et rendre une alimentation de qualité accessible à tous"
        ),
        eligibility="Organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI)",
        signatory_name="La présidente de l'association",
        signatory_role="Présidente",
        # A social non-profit whose sales are part of its non-lucrative activity (BOI-TVA-CHAMP-30-10-30-10 §20).
        vat_mention="Exonération de TVA, art. 261-7-1° b du CGI",
    )
    legal_entity_set(actor=actor, territory=territory, entity=entity)
    farms = list(Producer.objects.filter(territory=territory).order_by("name"))
    grown = {}
    for product_pk, growers in ctx.growers.items():
        for farm in growers:
            grown.setdefault(farm.pk, []).append(product_pk)
    products = {p.pk: p for p in Product.objects.filter(pk__in=list(ctx.growers))}
    for rank, farm in enumerate(farms, start=1):
        producer_legal_identity_set(
            actor=actor,
            producer=farm,
            legal_name=f"{LEGAL_FORMS[rank % len(LEGAL_FORMS)]} {farm.name}",
            legal_form=LEGAL_FORMS[rank % len(LEGAL_FORMS)],
            siren=f"9{rank:08d}",
            address=farm.address or f"Le village, {farm.commune}",
        )
        for product_pk in sorted(grown.get(farm.pk, [])):
            cost, unsold = COST_PRICES[products[product_pk].category]
            cost_price_declare(
                actor=actor,
                producer=farm,
                product=products[product_pk],
                eur_per_kg=Decimal(cost),
                unsold_eur_per_kg=Decimal(unsold),
                declared_on=date(2026, 1, 10),
            )
    _return_processed_jars(ctx)
    _proposal_to_agree(ctx, products)
    _gifts_of_2025(ctx, [f for f in farms if grown.get(f.pk)][:RECEIPT_FARMS], products, grown)


def _return_processed_jars(ctx) -> None:
    """The à-façon batch: the jars made from the latest farm's lot still on the shelves go back to it, in proportion
    to the lot's kilos, taken from the shelf that holds most of the lot (a return leaves the jar ledger:
    `stock.services.farm_jars_return`). The earlier batches' jars are not yet returned."""
    for raw in RawLot.objects.filter(territory=ctx.territory, terms=Terms.PROCESSING).order_by("-collected_on", "-pk"):
        if FarmJarReturn.objects.filter(territory=ctx.territory).exists():
            return
        uses = RawLotMovement.objects.filter(raw_lot=raw, kind=RawLotMovement.Kind.USED).select_related(
            "production_lot"
        )
        for use in uses.order_by("pk"):
            lot = use.production_lot
            if not lot.is_released:
                continue
            lot_kg = RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED).aggregate(
                kg=Sum("kg")
            )["kg"]
            made = StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED).aggregate(n=Sum("quantity"))["n"]
            share = int(Decimal(made or 0) * use.kg / lot_kg)
            shelf = (
                StockMovement.objects.filter(lot=lot)
                .values("location", "jar_format")
                .annotate(n=Sum("quantity"))
                .filter(n__gt=0)
                .order_by("-n", "location", "jar_format")
                .first()
            )
            if shelf is None or min(share, shelf["n"]) <= 0:
                continue
            farm_jars_return(
                actor=ctx.animator,
                raw_lot=raw,
                lot=lot,
                location=Location.objects.get(pk=shelf["location"]),
                jar_format=JarFormat.objects.get(pk=shelf["jar_format"]),
                jars=min(share, shelf["n"]),
                day=min(lot.produced_on + timedelta(days=2), ctx.today),
            )


def _proposal_to_agree(ctx, products) -> None:
    """The demo farmer proposes to sell a surplus at its price: the offers inbox shows it « proposé par la ferme »,
    waiting for the coordination's « Conditions »."""
    farm = ctx.producer_farm
    product = min(products.values(), key=lambda p: (p.category != Product.Category.VEGETABLE, p.name))
    offer_declare(
        actor=ctx.producer_user,
        territory=ctx.territory,
        producer=farm,
        product=product,
        kg_estimated=Decimal("45"),
        grade=SurplusOffer.Grade.DOWNGRADED,
        available_from=ctx.today,
        available_until=ctx.today + timedelta(days=6),
        note="Calibre trop petit pour le marché.",
        terms=Terms.PURCHASE,
        price_eur_kg=Decimal("0.70"),
    )


def _gifts_of_2025(ctx, farms, products, grown) -> None:
    """Last year's gifts (given on to the neighbourhood grocery the same day), and their receipts, 2025 being closed;
    one receipt corrected (cancelled and renumbered) after the farm revised its cost price."""
    actor = ctx.coordinator
    for farm in farms:
        product = products[sorted(grown[farm.pk])[0]]
        for day, kg in GIFTS_2025:
            raw = collection_record(
                actor=actor, territory=ctx.territory, producer=farm, product=product, kg=Decimal(kg), collected_on=day
            )
            raw_lot_give(
                actor=actor, raw_lot=raw, kg=raw.kg, reason="Donné à l'épicerie solidaire du quartier", day=day
            )
    if ctx.today.year <= 2025:
        return
    issued_on = date(2026, 1, 20)
    receipts = [receipt_issue(actor=actor, producer=farm, year=2025, today=issued_on) for farm in farms]
    first, product = receipts[0], products[sorted(grown[farms[0].pk])[0]]
    cost, unsold = COST_PRICES[product.category]
    cost_price_declare(
        actor=actor,
        producer=farms[0],
        product=product,
        eur_per_kg=Decimal(cost) + Decimal("0.10"),
        unsold_eur_per_kg=Decimal(unsold),
        declared_on=date(2026, 2, 2),
    )
    receipt_correct(
        actor=actor, receipt=first, reason="Coût de revient 2025 corrigé par la ferme", today=date(2026, 2, 3)
    )
