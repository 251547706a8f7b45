from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.distribution.models import Distribution, DistributionLine, PaymentMode, PriceListEntry, PriceTier
from conserverie.distribution.selectors import credit_of
from conserverie.people.models import Participant
from conserverie.people.reach import households_touched
from conserverie.recipes.models import Recipe
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import (
    check_available,
    check_releasable,
    lock_locations,
    movement_reverse,
    movement_write,
)
from conserverie.territories.models import JarFormat, Location, Territory
from conserverie.territories.permissions import require, require_role, require_same_territory

LEDGER_KIND = {
    Distribution.Kind.PARTICIPANT: MovementKind.GIVEN,
    Distribution.Kind.PARTNER: MovementKind.GIVEN,
    Distribution.Kind.GROUP_SALE: MovementKind.SOLD,
    Distribution.Kind.INTERNAL: MovementKind.INTERNAL,
}


@dataclass(frozen=True)
class LineSpec:
    lot: object
    jar_format: JarFormat
    quantity: int
    unit_price_eur: Decimal = Decimal("0")
    deposit_eur: Decimal | None = None  # None: the format's deposit


def _validate(kind, lines, participant, structure, partner) -> dict:
    errors = {}
    if kind not in LEDGER_KIND:
        errors["kind"] = _("Choisissez le type de cession.")
    if kind == Distribution.Kind.PARTICIPANT and participant is None:
        errors["participant"] = _("Choisissez le participant qui emporte les bocaux.")
    if kind == Distribution.Kind.INTERNAL and structure is None:
        errors["structure"] = _("Choisissez la structure qui utilise les bocaux.")
    if kind == Distribution.Kind.PARTNER and not partner.strip():
        errors["partner"] = _("Indiquez le partenaire.")
    if not lines:
        errors["lines"] = _("Ajoutez au moins une ligne.")
    for line in lines:
        if line.quantity is None or line.quantity <= 0:
            errors["quantity"] = _("Indiquez un nombre de bocaux supérieur à zéro.")
        if line.unit_price_eur < 0 or (line.deposit_eur is not None and line.deposit_eur < 0):
            errors["unit_price_eur"] = _("Un prix ne peut pas être négatif.")
    return errors


def distribution_record(
    *,
    actor,
    territory: Territory,
    kind: str,
    location: Location,
    day: date,
    lines: list[LineSpec],
    participant=None,
    structure=None,
    workshop=None,
    partner: str = "",
    payment_mode: str = PaymentMode.CASH,
    note: str = "",
    use_credit: bool = False,
    price_tier: PriceTier | None = None,
    set_aside_holder=None,
) -> Distribution:
    """Jars leave the cannery's hands: given, sold or used internally. All lines or none.

    `use_credit`: the participant's credit (empty jars returned without a refund) pays the deposits of
    this gift, or of this group sale in their name, as far as it goes.

    Jars set aside for someone (a purchasing-group round, stock/set_aside.py) are not free: only the take made for
    their `set_aside_holder` (the round's pick-up) may have them.
    """
    require_role(actor, territory)
    require_same_territory(
        territory,
        location,
        participant,
        structure,
        workshop,
        *[line.lot for line in lines],
        *[line.jar_format for line in lines],
    )
    errors = _validate(kind, lines, participant, structure, partner)
    if use_credit and (
        kind not in (Distribution.Kind.PARTICIPANT, Distribution.Kind.GROUP_SALE) or participant is None
    ):
        errors["use_credit"] = _("Seul un participant a un avoir de consigne.")
    if price_tier is not None:
        require_same_territory(territory, price_tier)
        if kind != Distribution.Kind.GROUP_SALE:
            errors["price_tier"] = _("Un tarif social s'applique aux ventes du groupement d'achat.")
        elif not price_tier.is_active:
            errors["price_tier"] = _("Ce tarif social n'est plus proposé.")
    if errors:
        raise ValidationError(errors)
    ledger_kind = LEDGER_KIND[kind]
    with transaction.atomic():
        lock_locations(location)
        credit = _lock_credit(participant) if use_credit else Decimal("0")
        for line in lines:
            check_releasable(lot=line.lot, kind=ledger_kind)
        wanted = Counter()
        for line in lines:
            wanted[(line.lot, line.jar_format)] += line.quantity
        for (lot, jar_format), quantity in wanted.items():
            check_available(
                location=location, lot=lot, jar_format=jar_format, quantity=quantity, holder=set_aside_holder
            )
        distribution = Distribution(
            territory=territory,
            kind=kind,
            date=day,
            location=location,
            workshop=workshop,
            participant=participant,
            structure=structure,
            partner=partner,
            payment_mode=payment_mode,
            note=note,
            price_tier=price_tier,
            created_by=actor,
        )
        save_as(distribution, actor)
        for line in lines:
            deposit = line.jar_format.deposit_eur if line.deposit_eur is None else line.deposit_eur
            if kind == Distribution.Kind.INTERNAL:
                deposit = Decimal("0")
            row = DistributionLine(
                distribution=distribution,
                lot=line.lot,
                jar_format=line.jar_format,
                quantity=line.quantity,
                unit_price_eur=line.unit_price_eur,
                deposit_eur=deposit,
            )
            row.credit_eur = min(credit, row.deposit_total_eur)
            credit -= row.credit_eur
            save_as(row, actor)
            movement_write(
                actor=actor,
                location=location,
                lot=line.lot,
                jar_format=line.jar_format,
                quantity=-line.quantity,
                kind=ledger_kind,
                distribution_line=row,
                participant=participant,
                amount_eur=row.paid_eur,
                day=day,
            )
        if participant is not None:  # a household reached that day (issue 20)
            households_touched([participant.household_id])  # rebuilt now, or at the end of a reach_deferred()
        return distribution


def _lock_credit(participant) -> Decimal:
    """Lock the participant (two gifts must not spend the same credit), then read the credit."""
    Participant.objects.select_for_update().filter(pk=participant.pk).exists()
    return max(credit_of(participant), Decimal("0"))


def _known_recipe_code(territory, code: str) -> bool:
    return Recipe.objects.filter(territory=territory, code=code).exists()


def price_set(
    *,
    actor,
    territory: Territory,
    jar_format: JarFormat,
    price_eur: Decimal,
    recipe_code: str = "",
    social_price_eur: Decimal | None = None,
) -> PriceListEntry:
    """Set the price of a recipe (or of every recipe) in a format, deposit not included. Coordinators only."""
    require(actor, territory, "price.set")
    require_same_territory(territory, jar_format)
    recipe_code = (recipe_code or "").strip().upper()
    errors = {}
    if price_eur is None or price_eur < 0:
        errors["price_eur"] = _("Un prix ne peut pas être négatif.")
    if social_price_eur is not None and social_price_eur < 0:
        errors["social_price_eur"] = _("Un prix ne peut pas être négatif.")
    elif social_price_eur is not None and price_eur is not None and social_price_eur > price_eur:
        errors["social_price_eur"] = _("Le prix solidaire ne peut pas dépasser le prix courant.")
    if recipe_code and not _known_recipe_code(territory, recipe_code):
        errors["recipe_code"] = _("Aucune recette de ce territoire n'a le code %(code)s.") % {"code": recipe_code}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = (
            PriceListEntry.objects.select_for_update()
            .filter(territory=territory, recipe_code=recipe_code, jar_format=jar_format)
            .first()
        ) or PriceListEntry(territory=territory, recipe_code=recipe_code, jar_format=jar_format)
        entry.price_eur = price_eur
        entry.social_price_eur = social_price_eur
        entry.updated_by = actor
        save_as(entry, actor)
        return entry


def tier_price(list_price: Decimal, tier: PriceTier) -> Decimal:
    """The tier's share of the list price, to the cent (half up)."""
    return (list_price * tier.percent / Decimal("100")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def tier_set(*, actor, territory: Territory, structure, name: str, percent: Decimal) -> PriceTier:
    """A structure's social price tier: created, or its share changed (and offered again when it was withdrawn).

    Set by the staff of the territory (coordination or the structures' animators)."""
    require(actor, territory, "tier.set")
    require_same_territory(territory, structure)
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom au tarif (par ex. « Tarif solidaire »).")
    elif len(name) > 60:
        errors["name"] = _("Le nom tient en 60 caractères au plus.")
    if percent is None or not Decimal("0") <= percent <= Decimal("100"):
        errors["percent"] = _("La part du prix est comprise entre 0 et 100 %.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tier = PriceTier.objects.select_for_update().filter(structure=structure, name=name).first() or PriceTier(
            territory=territory, structure=structure, name=name
        )
        tier.percent = percent
        tier.is_active = True
        tier.updated_by = actor
        return save_as(tier, actor)


def tier_withdraw(*, actor, tier: PriceTier) -> PriceTier:
    """No longer offered: past sales keep naming it."""
    require(actor, tier.territory, "tier.set")
    with transaction.atomic():
        tier.is_active = False
        tier.updated_by = actor
        return save_as(tier, actor)


def price_remove(*, actor, entry: PriceListEntry) -> None:
    """Take a price off the list (its history rows stay)."""
    require(actor, entry.territory, "price.set")
    with transaction.atomic():
        entry._history_user = actor
        entry.delete()


def distribution_reverse(*, actor, distribution: Distribution, reason: str) -> list:
    """Cancel a gift or a sale typed by mistake: each of its ledger rows gets its reversing row (docs/architecture.md
    §4.5).

    The jars go back on the shelf they left, the money back out of the takings; the distribution and its lines
    stay, marked as reversed (receipt, list) by the reversing rows. Coordinators only.
    """
    require(actor, distribution.territory, "distribution.reverse")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Une annulation dit toujours pourquoi.")})
    if len(reason) > 250:
        raise ValidationError({"reason": _("Le motif tient en 250 caractères au plus.")})
    with transaction.atomic():
        lock_locations(distribution.location)
        rows = list(
            StockMovement.objects.filter(
                distribution_line__distribution=distribution, reverses__isnull=True, reversed_by__isnull=True
            )
            .select_related("location", "lot", "jar_format", "participant", "territory")
            .order_by("id")
        )
        if not rows:
            raise ValidationError({"reason": _("Cette cession est déjà annulée.")})
        return [movement_reverse(actor=actor, movement=row, reason=reason) for row in rows]
