"""Writes to the jar ledger. Jars are scarce: lock once, late, re-check after the lock, then write (pretix)."""

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.sourcing.models import RawLotMovement
from conserverie.sourcing.services import farm_jars_return as return_record
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.months import jar_month_add
from conserverie.stock.set_aside import set_aside_rows
from conserverie.territories.models import JarFormat, Location
from conserverie.territories.permissions import require, require_role, require_same_territory

# Jars of a lot that is not released may not reach anybody (docs/architecture.md §4.4).
KINDS_NEEDING_RELEASE = (MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL, MovementKind.RETURNED_TO_FARM)


def lock_locations(*locations: Location) -> None:
    """Take the row lock of each location in id order, so two transfers never deadlock."""
    ids = sorted({loc.pk for loc in locations})
    list(Location.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def jars_at(*, location: Location, lot, jar_format: JarFormat) -> int:
    return (
        StockMovement.objects.filter(location=location, lot=lot, jar_format=jar_format).aggregate(n=Sum("quantity"))[
            "n"
        ]
        or 0
    )


def check_available(
    *, location: Location, lot, jar_format: JarFormat, quantity: int, holder=None, keep_set_aside: bool = True
) -> None:
    """Call after lock_locations(location): refuses a take that would leave the shelf negative, or that would take
    jars set aside for someone else (a purchasing-group round, stock/set_aside.py).

    `holder`: the take is made for this holder of set-aside jars (the pick-up of its round): its own jars are
    free to it. `keep_set_aside=False`: the jars are gone whatever was promised (broken), the take is not refused
    for a reservation; like an inventory count, it only says what is."""
    available = jars_at(location=location, lot=lot, jar_format=jar_format)
    if quantity > available:
        raise ValidationError(
            {
                "quantity": _(
                    "Stock insuffisant : %(available)s bocal(aux) %(format)s du lot %(lot)s à « %(loc)s », "
                    "%(quantity)s demandé(s)."
                )
                % {"available": available, "format": jar_format, "lot": lot.code, "loc": location, "quantity": quantity}
            }
        )
    if not keep_set_aside:
        return
    held = set_aside_rows(location_id=location.pk, lot_id=lot.pk, jar_format_id=jar_format.pk, exclude_holder=holder)
    aside = sum(row.jars for row in held)
    free = max(available - aside, 0)
    if quantity > free:
        raise ValidationError(
            {
                "quantity": _(
                    "Il reste %(free)s bocal(aux) libre(s) %(format)s du lot %(lot)s à « %(loc)s » : %(aside)s "
                    "réservé(s) pour %(holders)s. %(quantity)s demandé(s)."
                )
                % {
                    "free": free,
                    "format": jar_format,
                    "lot": lot.code,
                    "loc": location,
                    "aside": aside,
                    "holders": ", ".join(dict.fromkeys(row.label for row in held)),
                    "quantity": quantity,
                }
            }
        )


def check_releasable(*, lot, kind: str) -> None:
    """Read (and lock) the lot's status: a caller's copy may predate a block or a recall."""
    if kind not in KINDS_NEEDING_RELEASE:
        return
    lot.status = type(lot).objects.select_for_update().values_list("status", flat=True).get(pk=lot.pk)
    if not lot.is_released:
        raise ValidationError(
            {
                "lot": _("Le lot %(lot)s est « %(status)s » : il ne peut être ni cédé, ni vendu, ni utilisé.")
                % {"lot": lot.code, "status": lot.get_status_display()}
            }
        )


def movement_write(
    *,
    actor,
    location: Location,
    lot,
    jar_format: JarFormat,
    quantity: int,
    kind: str,
    day: date | None = None,
    **extra,
) -> StockMovement:
    movement = StockMovement(
        day=day or timezone.localdate(),
        territory_id=location.territory_id,
        location=location,
        lot=lot,
        jar_format=jar_format,
        quantity=quantity,
        kind=kind,
        created_by=actor,
        **extra,
    )
    movement.save()
    # The month's sum, in the same transaction (issue 20: the figures read whole months there; stock/months.py).
    jar_month_add(movement)
    return movement


def jars_take(*, actor, location: Location, lot, jar_format: JarFormat, quantity: int, kind: str, **extra):
    """Take full jars off a shelf. Runs inside the caller's transaction."""
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("Indiquez un nombre de bocaux supérieur à zéro.")})
    lock_locations(location)
    check_releasable(lot=lot, kind=kind)
    check_available(
        location=location,
        lot=lot,
        jar_format=jar_format,
        quantity=quantity,
        keep_set_aside=kind != MovementKind.BROKEN,
    )
    return movement_write(
        actor=actor, location=location, lot=lot, jar_format=jar_format, quantity=-quantity, kind=kind, **extra
    )


def jars_move(
    *,
    actor,
    lot,
    jar_format: JarFormat,
    source: Location,
    destination: Location,
    quantity: int,
    reason: str = "",
    day: date | None = None,
) -> uuid.UUID:
    require_role(actor, lot.territory)
    require_same_territory(lot.territory, source, destination, jar_format)
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choisissez un emplacement différent du départ.")})
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("Indiquez un nombre de bocaux supérieur à zéro.")})
    transfer = uuid.uuid4()
    with transaction.atomic():
        lock_locations(source, destination)
        check_available(location=source, lot=lot, jar_format=jar_format, quantity=quantity)
        common = {
            "actor": actor,
            "lot": lot,
            "jar_format": jar_format,
            "kind": MovementKind.MOVED,
            "transfer": transfer,
            "reason": reason,
            "day": day,
        }
        movement_write(location=source, quantity=-quantity, **common)
        movement_write(location=destination, quantity=quantity, **common)
    return transfer


def jars_discard(
    *,
    actor,
    lot,
    jar_format: JarFormat,
    location: Location,
    quantity: int,
    reason: str,
    broken: bool = False,
    day: date | None = None,
) -> StockMovement:
    require_role(actor, lot.territory)
    require_same_territory(lot.territory, location, jar_format)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi ces bocaux sortent du stock.")})
    kind = MovementKind.BROKEN if broken else MovementKind.DISCARDED
    with transaction.atomic():
        return jars_take(
            actor=actor,
            location=location,
            lot=lot,
            jar_format=jar_format,
            quantity=quantity,
            kind=kind,
            reason=reason,
            day=day,
        )


def inventory_adjust(
    *, actor, lot, jar_format: JarFormat, location: Location, counted: int, reason: str, day: date | None = None
):
    """An inventory count: write the difference as an adjustment, never overwrite the ledger."""
    require(actor, lot.territory, "stock.correct")
    require_same_territory(lot.territory, location, jar_format)
    if counted is None or counted < 0:
        raise ValidationError({"counted": _("Le nombre compté ne peut pas être négatif.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Un ajustement d'inventaire dit toujours pourquoi.")})
    with transaction.atomic():
        lock_locations(location)
        delta = counted - jars_at(location=location, lot=lot, jar_format=jar_format)
        if delta == 0:
            return None
        return movement_write(
            actor=actor,
            location=location,
            lot=lot,
            jar_format=jar_format,
            quantity=delta,
            kind=MovementKind.ADJUSTED,
            reason=reason,
            day=day,
        )


def movement_reverse(*, actor, movement: StockMovement, reason: str) -> StockMovement:
    """Correct a ledger line by adding its opposite (docs/architecture.md §4.5), with who and why."""
    require(actor, movement.territory, "stock.correct")
    if not reason.strip():
        raise ValidationError({"reason": _("Une correction dit toujours pourquoi.")})
    if movement.kind == MovementKind.MOVED or movement.transfer is not None:
        raise ValidationError(_("Pour corriger un transfert, faites le transfert inverse."))
    if movement.farm_return_id is not None:
        # The return and its fee are one act: reversing the jars alone would leave the farm owing for jars it
        # never received (issue 16). Not correctable here yet.
        raise ValidationError(
            _("Des bocaux rendus à une ferme ne se corrigent pas seuls : le retour et son prix vont ensemble.")
        )
    with transaction.atomic():
        lock_locations(movement.location)
        if movement.reverses_id or StockMovement.objects.filter(reverses=movement).exists():
            raise ValidationError(_("Ce mouvement est déjà une correction ou a déjà été corrigé."))
        if movement.quantity > 0 and movement.lot_id:
            check_available(
                location=movement.location, lot=movement.lot, jar_format=movement.jar_format, quantity=movement.quantity
            )
        elif movement.quantity > 0:
            _check_empties(movement.location, movement.jar_format, movement.quantity)
        return movement_write(
            actor=actor,
            location=movement.location,
            lot=movement.lot,
            jar_format=movement.jar_format,
            quantity=-movement.quantity,
            kind=movement.kind,
            reverses=movement,
            reason=reason,
            participant=movement.participant,
            amount_eur=-movement.amount_eur,
            distribution_line=movement.distribution_line,
            day=movement.day,
        )


def deposit_return(
    *,
    actor,
    location: Location,
    jar_format: JarFormat,
    quantity: int,
    participant=None,
    refunded_eur: Decimal | None = None,
    keep_as_credit: bool = False,
    day: date | None = None,
) -> StockMovement:
    """Empty jars come back: they join the empty-jar stock and the deposit is refunded (or kept for reuse).

    `keep_as_credit`: nothing is refunded, the participant's deposits become credit for the next gift
    (a return with `refunded_eur` = 0 and a participant is credit too).
    """
    require_role(actor, location.territory)
    require_same_territory(location.territory, jar_format, participant)
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("Indiquez un nombre de bocaux supérieur à zéro.")})
    if keep_as_credit:
        if participant is None:
            raise ValidationError({"participant": _("Un avoir est toujours au nom d'un participant : choisissez-le.")})
        if refunded_eur:
            raise ValidationError(
                {"refunded_eur": _("Gardée en avoir, la consigne n'est pas remboursée : laissez le montant vide.")}
            )
        refunded_eur = Decimal("0")
    refund = jar_format.deposit_eur * quantity if refunded_eur is None else refunded_eur
    if refund < 0:
        raise ValidationError({"refunded_eur": _("Le remboursement ne peut pas être négatif.")})
    with transaction.atomic():
        return movement_write(
            actor=actor,
            location=location,
            lot=None,
            jar_format=jar_format,
            quantity=quantity,
            day=day,
            kind=MovementKind.EMPTY_RETURNED,
            participant=participant,
            amount_eur=refund,
        )


# --- Empty jars: a stock of their own (rows without a lot), per location and format -----------------------------


def empties_at(*, location: Location, jar_format: JarFormat) -> int:
    return (
        StockMovement.objects.filter(location=location, lot__isnull=True, jar_format=jar_format).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )


def _check_empties(location: Location, jar_format: JarFormat, quantity: int) -> None:
    """Call after lock_locations(location): refuses taking more empty jars than the shelf holds."""
    available = empties_at(location=location, jar_format=jar_format)
    if quantity > available:
        raise ValidationError(
            {
                "quantity": _(
                    "Pas assez de bocaux vides : %(available)s bocal(aux) %(format)s à « %(loc)s », "
                    "%(quantity)s demandé(s)."
                )
                % {"available": available, "format": jar_format, "loc": location, "quantity": quantity}
            }
        )


def _positive(quantity) -> None:
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("Indiquez un nombre de bocaux supérieur à zéro.")})


def empties_buy(
    *,
    actor,
    location: Location,
    jar_format: JarFormat,
    quantity: int,
    amount_eur: Decimal | None = None,
    reason: str = "",
    day: date | None = None,
) -> StockMovement:
    """New empty jars bought (and their cost, when known) join the stock of `location`."""
    require_role(actor, location.territory)
    require_same_territory(location.territory, jar_format)
    _positive(quantity)
    if amount_eur is not None and amount_eur < 0:
        raise ValidationError({"amount_eur": _("Un prix ne peut pas être négatif.")})
    with transaction.atomic():
        lock_locations(location)
        return movement_write(
            actor=actor,
            location=location,
            lot=None,
            jar_format=jar_format,
            quantity=quantity,
            kind=MovementKind.EMPTY_BOUGHT,
            amount_eur=amount_eur or Decimal("0"),
            reason=(reason or "").strip(),
            day=day,
        )


def empties_move(
    *,
    actor,
    jar_format: JarFormat,
    source: Location,
    destination: Location,
    quantity: int,
    washed: bool = False,
    reason: str = "",
    day: date | None = None,
) -> uuid.UUID:
    """Empty jars carried from one place to another; `washed`: they come back clean from the washing partner."""
    require_role(actor, source.territory)
    require_same_territory(source.territory, destination, jar_format)
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choisissez un emplacement différent du départ.")})
    _positive(quantity)
    if washed and source.kind != Location.Kind.WASHING:
        raise ValidationError({"source": _("Des bocaux lavés reviennent de chez le partenaire de lavage.")})
    transfer = uuid.uuid4()
    with transaction.atomic():
        lock_locations(source, destination)
        _check_empties(source, jar_format, quantity)
        common = {
            "actor": actor,
            "lot": None,
            "jar_format": jar_format,
            "kind": MovementKind.EMPTY_WASHED if washed else MovementKind.MOVED,
            "transfer": transfer,
            "reason": (reason or "").strip(),
            "day": day,
        }
        movement_write(location=source, quantity=-quantity, **common)
        movement_write(location=destination, quantity=quantity, **common)
    return transfer


def empties_break(
    *, actor, location: Location, jar_format: JarFormat, quantity: int, reason: str, day: date | None = None
) -> StockMovement:
    """Empty jars broken or chipped: out of the stock, with why."""
    require_role(actor, location.territory)
    require_same_territory(location.territory, jar_format)
    _positive(quantity)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez pourquoi ces bocaux sortent du stock.")})
    with transaction.atomic():
        lock_locations(location)
        _check_empties(location, jar_format, quantity)
        return movement_write(
            actor=actor,
            location=location,
            lot=None,
            jar_format=jar_format,
            quantity=-quantity,
            kind=MovementKind.BROKEN,
            reason=reason.strip(),
            day=day,
        )


def empties_count(
    *, actor, location: Location, jar_format: JarFormat, counted: int, reason: str, day: date | None = None
) -> StockMovement | None:
    """An inventory count of the empty jars of a place: the difference is written as an adjustment (who, why)."""
    require(actor, location.territory, "stock.correct")
    require_same_territory(location.territory, jar_format)
    if counted is None or counted < 0:
        raise ValidationError({"counted": _("Le nombre compté ne peut pas être négatif.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Un ajustement d'inventaire dit toujours pourquoi.")})
    with transaction.atomic():
        lock_locations(location)
        delta = counted - empties_at(location=location, jar_format=jar_format)
        if delta == 0:
            return None
        return movement_write(
            actor=actor,
            location=location,
            lot=None,
            jar_format=jar_format,
            quantity=delta,
            kind=MovementKind.ADJUSTED,
            reason=reason.strip(),
            day=day,
        )


def empties_fill(*, actor, location: Location, jar_format: JarFormat, quantity: int, lot, day: date) -> None:
    """Filling jars at production takes them from the empty stock of the place. Runs in the caller's transaction.

    When the ledger knows fewer empty jars there than were filled, the jars were there all the same (bought or
    brought back without being recorded): the difference is first written as an inventory adjustment naming the
    lot, so the empty stock never goes negative and the gap shows on the stock page.
    """
    lock_locations(location)
    available = max(empties_at(location=location, jar_format=jar_format), 0)
    common = {"actor": actor, "location": location, "lot": None, "jar_format": jar_format, "day": day}
    if available < quantity:
        movement_write(
            quantity=quantity - available,
            kind=MovementKind.ADJUSTED,
            reason=_("Bocaux vides non enregistrés avant le remplissage du lot %(code)s") % {"code": lot.code},
            **common,
        )
    movement_write(
        quantity=-quantity,
        kind=MovementKind.EMPTY_FILLED,
        reason=_("Remplissage du lot %(code)s") % {"code": lot.code},
        **common,
    )


def farm_jars_return(
    *,
    actor,
    raw_lot,
    lot,
    location: Location,
    jar_format: JarFormat,
    jars: int,
    day: date,
    fee_eur_per_jar: Decimal | None = None,
):
    """Give back to a farm the jars made from its produce processed for it (à façon), with the fee it owes.

    One act, two ledgers (docs/architecture.md §10): the return and its fee (`sourcing.FarmJarReturn`, through
    `sourcing.services.farm_jars_return`) and the jars leaving the shelf (`RETURNED_TO_FARM`), so stock, mass
    balance and deposits stay exact. The jars must be of a released lot made with this raw lot, on the shelf."""
    require_same_territory(raw_lot.territory, location, jar_format, lot)
    if not RawLotMovement.objects.filter(raw_lot=raw_lot, production_lot=lot, kind=RawLotMovement.Kind.USED).exists():
        raise ValidationError(
            {
                "lot": _("Le lot %(lot)s n'a pas été fait avec le lot brut %(raw)s.")
                % {"lot": lot.code, "raw": raw_lot.code}
            }
        )
    with transaction.atomic():
        jar_return = return_record(actor=actor, raw_lot=raw_lot, jars=jars, day=day, fee_eur_per_jar=fee_eur_per_jar)
        try:
            jars_take(
                actor=actor,
                location=location,
                lot=lot,
                jar_format=jar_format,
                quantity=jars,
                kind=MovementKind.RETURNED_TO_FARM,
                day=day,
                farm_return=jar_return,
                reason=_("Rendus à %(farm)s (lot brut %(raw)s)") % {"farm": raw_lot.producer.name, "raw": raw_lot.code},
            )
        except ValidationError as exc:
            errors = exc.message_dict
            raise ValidationError({"jars" if k == "quantity" else k: v for k, v in errors.items()}) from None
        return jar_return
