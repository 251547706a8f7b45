"""Writes of the purchasing group (docs/architecture.md §3, "The purchasing group").

Jars are scarce (docs/architecture.md §5). A round's catalogue sets jars aside when the round opens: under the
location's lock, an item may offer what the shelf holds less what the other live rounds have set aside. An order
reserves jars of the items: inside one transaction it locks the round's item rows (ordered by id, the row alone),
re-checks what is left and writes; two members can never get the same last jar. At pick-up the jars handed over
become a real group sale (`distribution_record`: the jar ledger, the deposits and the figures follow); what is not
collected is released when the round is finished, and the jars set aside go back to the shelf's free stock.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number
from conserverie.core.history import save_as
from conserverie.distribution.models import Distribution, PaymentMode, PriceTier
from conserverie.distribution.services import LineSpec, distribution_record, tier_price
from conserverie.people.models import Participant
from conserverie.people.phones import phone_normalise
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.purchasing.models import GroupMember, Order, OrderLine, Round, RoundItem
from conserverie.purchasing.selectors import round_holder, set_aside_items
from conserverie.stock.services import deposit_return, jars_at, lock_locations
from conserverie.territories.models import JarFormat, Location, Structure, Territory
from conserverie.territories.permissions import require, require_same_territory

PERMISSION = "group.manage"
# The code of a refusal that the record's state makes (the round closed, the jars gone), not the input: the API
# answers it 409 rather than 422 (api/errors.py); the pages show it at the field all the same.
CONFLICT = "conflict"
DESK_CODE_DAYS = 60
DESK_CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY347"
DESK_CODE_LENGTH = 8


# Members ----------------------------------------------------------------------------------------------------------


def _check_tier(structure: Structure, tier: PriceTier | None) -> dict:
    if tier is None:
        return {}
    if tier.structure_id != structure.pk:
        return {"price_tier": _("Ce tarif social est celui d'une autre structure.")}
    if not tier.is_active:
        return {"price_tier": _("Ce tarif social n'est plus proposé.")}
    return {}


def member_add(
    *,
    actor,
    territory: Territory,
    structure: Structure,
    first_name: str,
    phone: str = "",
    email: str = "",
    household_size: int = 1,
    commune: str = "",
    priority_area: bool = False,
    price_tier: PriceTier | None = None,
    notify_email: bool = False,
    notify_sms: bool = False,
    consent: bool = False,
    participant: Participant | None = None,
) -> GroupMember:
    """A household joins the group of a structure, added by the staff at the desk (active at once).

    The person is found again by phone or e-mail and first name (one person, one household,
    `people.signup.participant_find_or_create`), or given as `participant`."""
    require(actor, territory, PERMISSION)
    require_same_territory(territory, structure, price_tier, participant)
    return _member_join(
        actor=actor,
        territory=territory,
        structure=structure,
        first_name=first_name,
        phone=phone,
        email=email,
        household_size=household_size,
        commune=commune,
        priority_area=priority_area,
        price_tier=price_tier,
        notify_email=notify_email,
        notify_sms=notify_sms,
        consent=consent,
        participant=participant,
        status=GroupMember.Status.ACTIVE,
    )


def member_sign_up(
    *,
    territory: Territory,
    structure: Structure,
    first_name: str,
    phone: str = "",
    email: str = "",
    household_size: int = 1,
    commune: str = "",
    notify_email: bool = False,
    notify_sms: bool = False,
    consent: bool = False,
) -> GroupMember:
    """A household asks online to join: a pending member, validated by the staff (who choose the tier)."""
    require_same_territory(territory, structure)
    return _member_join(
        actor=None,
        territory=territory,
        structure=structure,
        first_name=first_name,
        phone=phone,
        email=email,
        household_size=household_size,
        commune=commune,
        priority_area=False,
        price_tier=None,
        notify_email=notify_email,
        notify_sms=notify_sms,
        consent=consent,
        participant=None,
        status=GroupMember.Status.PENDING,
    )


def _member_join(*, actor, territory, structure, participant, status, price_tier, **fields) -> GroupMember:
    from conserverie.people.signup import participant_find_or_create

    first_name = " ".join((fields["first_name"] or "").split())
    errors = _check_tier(structure, price_tier)
    if participant is None:
        if not first_name:
            errors["first_name"] = _("Indiquez le prénom.")
        if not (fields["phone"] or "").strip() and not (fields["email"] or "").strip():
            errors["phone"] = _("Indiquez un téléphone ou un e-mail : c'est ainsi que la commande vous est annoncée.")
    if participant is None and not fields["consent"]:
        errors["consent"] = _("Cochez la case pour accepter que nous gardions ces informations.")
    size = fields["household_size"]
    if size is None or not 1 <= size <= 20:
        errors["household_size"] = _("Le foyer compte de 1 à 20 personnes.")
    if fields["notify_sms"] and not (fields["phone"] or (participant and participant.phone)):
        errors["notify_sms"] = _("Pour recevoir des SMS, indiquez un téléphone.")
    if fields["notify_email"] and not (fields["email"] or (participant and participant.email)):
        errors["notify_email"] = _("Pour recevoir des e-mails, indiquez une adresse e-mail.")
    phone = ""
    if fields["phone"]:
        try:
            phone = phone_normalise(fields["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if participant is None:
            participant = participant_find_or_create(
                territory=territory,
                first_name=first_name,
                phone=phone,
                email=(fields["email"] or "").strip(),
                neighbourhood=fields["commune"],
                household_size=size,
                priority_area=fields["priority_area"],
                consent=fields["consent"],
                reminders=fields["notify_email"] or fields["notify_sms"],
            )
        if participant.erased_at is not None:
            raise ValidationError({"first_name": _("Cette personne a été effacée.")})
        household = participant.household
        if household is not None:
            household.size = max(household.size, size)
            household.commune = household.commune or fields["commune"]
            household.priority_area = household.priority_area or fields["priority_area"]
            household.save(update_fields=["size", "commune", "priority_area"])
        existing = GroupMember.objects.select_for_update().filter(structure=structure, participant=participant).first()
        if existing is not None:
            if existing.status == GroupMember.Status.LEFT or status == GroupMember.Status.ACTIVE:
                existing.status = status if existing.status != GroupMember.Status.ACTIVE else existing.status
            member = existing
        else:
            member = GroupMember(territory=territory, structure=structure, participant=participant, status=status)
        member.price_tier = price_tier if price_tier is not None else member.price_tier
        member.notify_email = fields["notify_email"]
        member.notify_sms = fields["notify_sms"]
        if status == GroupMember.Status.ACTIVE and member.validated_at is None:
            member.validated_at, member.validated_by = timezone.now(), actor
        return save_as(member, actor)


def members_merge(*, actor, keep: Participant, duplicate: Participant) -> None:
    """The duplicate's memberships become the person kept's (inside `people.merge.participant_merge`'s transaction).
    Where both are members of one structure's group, one membership stays, the kept person's: a member if either
    was, with the messages either accepted and the kept person's tier (else the duplicate's); the duplicate's orders
    move to it and the duplicate's membership is deleted (its history stays). Both with an order in the same round:
    the cancelled one of the two is deleted; neither cancelled: refused, nothing moves (cancel one first)."""
    members = GroupMember._base_manager.select_for_update(of=("self",))
    for dup in members.filter(participant=duplicate).order_by("pk"):
        kept = members.filter(participant=keep, structure_id=dup.structure_id).first()
        if kept is None:
            dup.participant = keep
            save_as(dup, actor)
            continue
        orders = list(Order._base_manager.filter(member=dup).order_by("pk"))
        theirs = {
            o.round_id: o for o in Order._base_manager.filter(member=kept, round_id__in=[o.round_id for o in orders])
        }
        for order in list(orders):
            other = theirs.get(order.round_id)
            if other is None:
                continue
            cancelled = [o for o in (order, other) if o.status == Order.Status.CANCELLED]
            if not cancelled:
                raise ValidationError(
                    {
                        "duplicate": _(
                            "Les deux personnes ont une commande dans la même commande groupée de %(structure)s : "
                            "annulez-en une avant de fusionner."
                        )
                        % {"structure": dup.structure.name}
                    }
                )
            # One order per member and round: the cancelled one goes (its history stays).
            cancelled[0]._history_user = actor
            cancelled[0].delete()
            if cancelled[0] is order:
                orders.remove(order)
        for order in orders:
            order.member = kept
            save_as(order, actor)
        if dup.is_active and not kept.is_active:
            kept.status, kept.validated_at, kept.validated_by = dup.status, dup.validated_at, dup.validated_by
        kept.notify_email = kept.notify_email or dup.notify_email
        kept.notify_sms = kept.notify_sms or dup.notify_sms
        kept.price_tier = kept.price_tier or dup.price_tier
        save_as(kept, actor)
        dup._history_user = actor
        dup.delete()


def member_validate(*, actor, member: GroupMember, price_tier: PriceTier | None = None) -> GroupMember:
    """The staff accept a household that signed up online, with its tier."""
    require(actor, member.territory, PERMISSION)
    require_same_territory(member.territory, price_tier)
    errors = _check_tier(member.structure, price_tier)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member.status = GroupMember.Status.ACTIVE
        member.price_tier = price_tier
        member.validated_at, member.validated_by = timezone.now(), actor
        return save_as(member, actor)


def member_update(
    *, actor, member: GroupMember, price_tier: PriceTier | None, notify_email: bool, notify_sms: bool, leave=False
) -> GroupMember:
    require(actor, member.territory, PERMISSION)
    require_same_territory(member.territory, price_tier)
    errors = _check_tier(member.structure, price_tier)
    if notify_sms and not member.participant.phone:
        errors["notify_sms"] = _("Pour recevoir des SMS, indiquez un téléphone.")
    if notify_email and not member.participant.email:
        errors["notify_email"] = _("Pour recevoir des e-mails, indiquez une adresse e-mail.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member.price_tier = price_tier
        member.notify_email, member.notify_sms = notify_email, notify_sms
        if leave:
            member.status = GroupMember.Status.LEFT
        return save_as(member, actor)


def member_stop_messages(*, member: GroupMember) -> GroupMember:
    """The member withdraws their consent to messages, from their space (CNIL: a simple and free way to object)."""
    with transaction.atomic():
        member.notify_email = member.notify_sms = False
        return save_as(member, None)


def _code_hash(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"conserverie.purchasing.desk_code:" + code.encode(), hashlib.sha256).hexdigest()


def clean_desk_code(typed: str) -> str:
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def member_desk_code(*, actor, member: GroupMember) -> str:
    """A new code to sign in at the member space, given at the desk (printed or read out); the previous code dies.
    Only its hash is kept; it is valid DESK_CODE_DAYS days."""
    require(actor, member.territory, PERMISSION)
    if not member.is_active:
        raise ValidationError(_("Validez d'abord ce membre."))
    code = "".join(secrets.choice(DESK_CODE_ALPHABET) for _ in range(DESK_CODE_LENGTH))
    with transaction.atomic():
        member.desk_code_hash = _code_hash(code)
        member.desk_code_expires_at = timezone.now() + timedelta(days=DESK_CODE_DAYS)
        save_as(member, actor)
    return code


def member_by_desk_code(typed: str) -> GroupMember | None:
    """The active member whose unexpired code is `typed`, or None (callers are rate-limited)."""
    code = clean_desk_code(typed)
    if len(code) != DESK_CODE_LENGTH:
        return None
    return (
        GroupMember.objects.filter(
            desk_code_hash=_code_hash(code),
            desk_code_expires_at__gt=timezone.now(),
            status=GroupMember.Status.ACTIVE,
            participant__erased_at__isnull=True,
        )
        .select_related("participant", "structure", "territory")
        .order_by("pk")
        .first()
    )


# Rounds -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    lot: ProductionLot
    jar_format: JarFormat
    offered: int
    unit_price_eur: Decimal


def set_aside(*, location: Location, lot, jar_format: JarFormat, exclude_round=None) -> int:
    """Jars of this lot and format at `location` held by the live rounds (`selectors.set_aside_items`: all of an
    open round's catalogue, what a closed round's orders still wait for)."""
    items = set_aside_items(location_id=location.pk, lot_id=lot.pk, jar_format_id=jar_format.pk)
    if exclude_round is not None:
        items = items.exclude(round=exclude_round)
    return items.aggregate(n=Sum("aside"))["n"] or 0


def free_jars(*, location: Location, lot, jar_format: JarFormat) -> int:
    """Jars on the shelf that no live round has set aside."""
    return jars_at(location=location, lot=lot, jar_format=jar_format) - set_aside(
        location=location, lot=lot, jar_format=jar_format
    )


def _round_errors(*, title, closes_at, pickup_place, pickup_day, pickup_start, pickup_end, location, structure) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Donnez un titre à la commande groupée.")
    if not (pickup_place or "").strip():
        errors["pickup_place"] = _("Indiquez le lieu de retrait.")
    if pickup_start and pickup_end and pickup_end <= pickup_start:
        errors["pickup_end"] = _("Le retrait finit après son début.")
    if closes_at and pickup_day and pickup_start:
        starts = timezone.make_aware(datetime.combine(pickup_day, pickup_start))
        if closes_at > starts:
            errors["closes_at"] = _("Les commandes se terminent avant le retrait.")
    return errors


def round_open(
    *,
    actor,
    territory: Territory,
    structure: Structure,
    title: str,
    location: Location,
    closes_at: datetime,
    pickup_place: str,
    pickup_day: date,
    pickup_start: time,
    pickup_end: time,
    items: list[ItemSpec],
) -> Round:
    """Open a round with its catalogue: each item's jars are set aside from the shelf's free stock (released lots
    only)."""
    require(actor, territory, PERMISSION)
    require_same_territory(territory, structure, location, *[i.lot for i in items], *[i.jar_format for i in items])
    errors = _round_errors(
        title=title,
        closes_at=closes_at,
        pickup_place=pickup_place,
        pickup_day=pickup_day,
        pickup_start=pickup_start,
        pickup_end=pickup_end,
        location=location,
        structure=structure,
    )
    if closes_at and closes_at <= timezone.now():
        errors["closes_at"] = _("La fin des commandes est déjà passée.")
    if not items:
        errors["items"] = _("Proposez au moins un lot au catalogue.")
    seen = set()
    for spec in items:
        if spec.offered is None or spec.offered <= 0:
            errors["items"] = _("Proposez au moins un bocal par ligne du catalogue.")
        if spec.unit_price_eur is None or spec.unit_price_eur < 0:
            errors["items"] = _("Un prix ne peut pas être négatif.")
        if (spec.lot.pk, spec.jar_format.pk) in seen:
            errors["items"] = _("Un lot et un format ne figurent qu'une fois au catalogue.")
        seen.add((spec.lot.pk, spec.jar_format.pk))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_locations(location)
        for spec in items:
            status = ProductionLot.objects.select_for_update().values_list("status", flat=True).get(pk=spec.lot.pk)
            if status != LotStatus.RELEASED:
                raise ValidationError({"items": _("Le lot %(lot)s n'est pas libéré.") % {"lot": spec.lot.code}})
            free = free_jars(location=location, lot=spec.lot, jar_format=spec.jar_format)
            if spec.offered > free:
                raise ValidationError(
                    {
                        "items": _("Lot %(lot)s, %(format)s : %(free)s bocal(aux) libre(s), %(n)s proposé(s).")
                        % {
                            "lot": spec.lot.code,
                            "format": spec.jar_format.name,
                            "free": max(free, 0),
                            "n": spec.offered,
                        }
                    }
                )
        the_round = save_as(
            Round(
                territory=territory,
                structure=structure,
                title=" ".join(title.split()),
                location=location,
                closes_at=closes_at,
                pickup_place=" ".join(pickup_place.split()),
                pickup_day=pickup_day,
                pickup_start=pickup_start,
                pickup_end=pickup_end,
                created_by=actor,
            ),
            actor,
        )
        for spec in items:
            save_as(
                RoundItem(
                    round=the_round,
                    lot=spec.lot,
                    jar_format=spec.jar_format,
                    offered=spec.offered,
                    unit_price_eur=spec.unit_price_eur,
                ),
                actor,
            )
        return the_round


def round_close(*, actor, the_round: Round) -> Round:
    """Orders end: the reservations become the pick-up list (orders with jars are « à retirer », empty ones are
    cancelled)."""
    require(actor, the_round.territory, PERMISSION)
    with transaction.atomic():
        the_round = Round.objects.select_for_update().get(pk=the_round.pk)
        if the_round.status != Round.Status.OPEN:
            raise ValidationError(_("Cette commande groupée n'est plus ouverte."))
        orders = list(Order.objects.filter(round=the_round, status=Order.Status.OPEN).order_by("pk"))
        with_lines = set(
            OrderLine.objects.filter(order__in=orders).values_list("order_id", flat=True).distinct().order_by()
        )
        for order in orders:
            order.status = Order.Status.READY if order.pk in with_lines else Order.Status.CANCELLED
            save_as(order, actor)
        the_round.status = Round.Status.CLOSED
        the_round.closed_at = timezone.now()
        return save_as(the_round, actor)


def round_finish(*, actor, the_round: Round) -> Round:
    """After the slot: the orders not collected are marked so, their reservations released; the round's jars not
    handed over go back to the shelf's free stock."""
    require(actor, the_round.territory, PERMISSION)
    return _round_finish(actor, the_round)


def _round_finish(actor, the_round: Round) -> Round:
    with transaction.atomic():
        the_round = Round.objects.select_for_update().get(pk=the_round.pk)
        if the_round.status == Round.Status.OPEN:
            raise ValidationError(_("Clôturez d'abord les commandes."))
        if the_round.status != Round.Status.CLOSED:
            raise ValidationError(_("Cette commande groupée est déjà terminée."))
        items = {
            i.pk: i for i in RoundItem.objects.select_for_update(of=("self",)).filter(round=the_round).order_by("pk")
        }
        for order in Order.objects.filter(round=the_round, status=Order.Status.READY).order_by("pk"):
            for line in OrderLine.objects.filter(order=order).order_by("pk"):
                items[line.item_id].reserved -= line.quantity
            order.status = Order.Status.UNCOLLECTED
            save_as(order, actor)
        for item in items.values():
            item._history_user = actor
            item.save(update_fields=["reserved"])
        the_round.status = Round.Status.DONE
        the_round.finished_at = timezone.now()
        return save_as(the_round, actor)


def round_cancel(*, actor, the_round: Round) -> Round:
    """An open round called off: its orders are cancelled and its jars are free again."""
    require(actor, the_round.territory, PERMISSION)
    with transaction.atomic():
        the_round = Round.objects.select_for_update().get(pk=the_round.pk)
        if the_round.status != Round.Status.OPEN:
            raise ValidationError(_("Seule une commande groupée ouverte peut être annulée."))
        RoundItem.objects.filter(round=the_round).order_by().update(reserved=0)
        for order in Order.objects.filter(round=the_round).order_by("pk"):
            order.status = Order.Status.CANCELLED
            save_as(order, actor)
        the_round.status = Round.Status.CANCELLED
        return save_as(the_round, actor)


def rounds_finish_due(*, territory: Territory | None = None, today: date | None = None) -> list[Round]:
    """The rule, run every night by `conserverie purchasing-rounds` (no person signs it): each closed round whose
    pick-up day has passed is finished, its uncollected orders go back to stock."""
    today = today or timezone.localdate()
    rounds = Round.objects.filter(status=Round.Status.CLOSED, pickup_day__lt=today)
    if territory is not None:
        rounds = rounds.filter(territory=territory)
    return [_round_finish(None, the_round) for the_round in rounds.order_by("pk")]


# Orders -----------------------------------------------------------------------------------------------------------


def item_name(item: RoundItem) -> str:
    return (item.lot.recipe_snapshot or {}).get("name") or item.lot.code


def unit_price_for(item: RoundItem, member: GroupMember) -> Decimal:
    """The price of one jar of the item for the member: the tier's share of the group's price (deposit apart)."""
    if member.price_tier_id is None:
        return item.unit_price_eur
    return tier_price(item.unit_price_eur, member.price_tier)


def order_set(
    *, actor, the_round: Round, member: GroupMember, quantities: dict[int, int], new_only: bool = False
) -> Order:
    """Set a member's order: `quantities` is {item id: jars}; 0 takes a line off. Changes are possible until the
    round closes. The jars are reserved under the items' row locks: never more than offered.

    `new_only`: refuse (as a conflict) when the member already has a live order in the round, checked under the
    round's lock so that two requests placing the member's first order at once cannot both pass.

    `actor` is a staff user entering the order at the desk, or None when the member orders in the member space."""
    if actor is not None:
        require(actor, the_round.territory, PERMISSION)
    require_same_territory(the_round.territory, member)
    errors = {}
    if member.structure_id != the_round.structure_id:
        errors["member"] = _("Ce membre est inscrit au groupement d'une autre structure.")
    elif not member.is_active:
        errors["member"] = _("Ce membre n'est pas encore validé par la structure.")
    if any(q is None or q < 0 for q in quantities.values()):
        errors["quantities"] = _("Un nombre de bocaux ne peut pas être négatif.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        status = Round.objects.select_for_update().values_list("status", "closes_at").get(pk=the_round.pk)
        if status[0] != Round.Status.OPEN or status[1] <= timezone.now():
            raise ValidationError(
                {"quantities": ValidationError(_("Les commandes sont closes pour cette commande groupée."), CONFLICT)}
            )
        items = {
            i.pk: i
            for i in RoundItem.objects.select_for_update(of=("self",))
            .filter(round=the_round, pk__in=list(quantities))
            .select_related("lot", "jar_format")
            .order_by("pk")
        }
        unknown = set(quantities) - set(items)
        if unknown:
            raise ValidationError({"quantities": _("Ce bocal ne fait pas partie du catalogue.")})
        order, _created = Order.objects.get_or_create(round=the_round, member=member, defaults={"created_by": actor})
        if new_only and not _created and order.status != Order.Status.CANCELLED:
            message = _("Ce membre a déjà une commande pour cette commande groupée (n° %(id)s) : modifiez-la.")
            raise ValidationError({"member": ValidationError(message % {"id": order.pk}, CONFLICT)})
        if order.status not in (Order.Status.OPEN, Order.Status.CANCELLED):
            raise ValidationError({"quantities": ValidationError(_("Cette commande n'est plus modifiable."), CONFLICT)})
        order.status = Order.Status.OPEN
        lines = {line.item_id: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
        short = []
        for item_id, wanted in sorted(quantities.items()):
            item = items[item_id]
            line = lines.get(item_id)
            before = line.quantity if line else 0
            delta = wanted - before
            if delta > item.left:
                short.append(
                    _("%(recipe)s %(format)s : il reste %(left)s bocal(aux).")
                    % {"recipe": item_name(item), "format": item.jar_format.name, "left": item.left}
                )
                continue
            if delta == 0:
                continue
            item.reserved += delta
            item._history_user = actor
            item.save(update_fields=["reserved"])
            if wanted == 0:
                line._history_user = actor
                line.delete()
            elif line is None:
                save_as(OrderLine(order=order, item=item, quantity=wanted), actor)
            else:
                line.quantity = wanted
                save_as(line, actor)
        if short:
            raise ValidationError({"quantities": ValidationError(" ".join(short), CONFLICT)})
        return save_as(order, actor)


def order_cancel(*, actor, order: Order) -> Order:
    """Take an open order back: its jars are free for the others."""
    quantities = {line.item_id: 0 for line in OrderLine.objects.filter(order=order).order_by("pk")}
    with transaction.atomic():
        order = order_set(actor=actor, the_round=order.round, member=order.member, quantities=quantities)
        order.status = Order.Status.CANCELLED
        return save_as(order, actor)


# Pick-up ----------------------------------------------------------------------------------------------------------


def _check_credit_covers(distribution: Distribution, member: GroupMember) -> None:
    """Refuse (the caller's transaction rolls back) when the credit did not pay every deposit of the sale."""
    lines = list(distribution.lines.all())
    deposits = sum((line.deposit_total_eur for line in lines), Decimal("0"))
    paid = sum((line.credit_eur for line in lines), Decimal("0"))
    if paid < deposits:
        raise ValidationError(
            {
                "use_credit": _(
                    "L'avoir de %(name)s (%(credit)s €) ne suffit pas pour les consignes (%(deposits)s €) : "
                    "encaissez les consignes avec le paiement."
                )
                % {
                    "name": member.participant.first_name,
                    "credit": french_number(paid, 2),
                    "deposits": french_number(deposits, 2),
                }
            }
        )


def pickup_hand_over(
    *,
    actor,
    order: Order,
    handed: dict[int, int],
    payment_mode: str = PaymentMode.CASH,
    empties: dict[int, int] | None = None,
    day: date | None = None,
    use_credit: bool = False,
) -> Order:
    """The member collects their order: `handed` is {order line id: jars handed over} (at most what was ordered).

    The handed jars become one group sale of the distribution app at the member's tier, deposit apart
    (`distribution_record`: the ledger, the deposits held and the figures follow). `empties` is {jar format id:
    empty jars returned}: their deposit is refunded (`stock.deposit_return`). The jars not handed over are
    released.

    `use_credit`: the member's deposit credit pays the deposits of the jars handed over, all of them or the pick-up
    is refused (the credit is short: the deposits are paid with the rest). The empty jars brought back now are then
    kept as credit first (not refunded in cash), so they pay the new deposits."""
    territory = order.round.territory
    require(actor, territory, PERMISSION)
    if payment_mode not in PaymentMode.values:
        raise ValidationError({"payment_mode": _("Choisissez un mode de paiement.")})
    if any(q is None or q < 0 for q in handed.values()) or any(q is None or q < 0 for q in (empties or {}).values()):
        raise ValidationError({"handed": _("Un nombre de bocaux ne peut pas être négatif.")})
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("round__location", "round__structure", "member__participant", "member__price_tier")
            .get(pk=order.pk)
        )
        if order.status != Order.Status.READY:
            raise ValidationError({"handed": _("Cette commande n'est pas à retirer.")})
        lines = list(
            OrderLine.objects.filter(order=order).select_related("item__lot", "item__jar_format").order_by("pk")
        )
        known = {line.pk for line in lines}
        if set(handed) - known:
            raise ValidationError({"handed": _("Cette ligne n'est pas dans la commande.")})
        for line in lines:
            if handed.get(line.pk, 0) > line.quantity:
                raise ValidationError({"handed": _("On ne remet pas plus de bocaux que commandés.")})
        member = order.member
        the_round = order.round
        day = day or timezone.localdate()
        specs = [
            LineSpec(line.item.lot, line.item.jar_format, handed[line.pk], unit_price_for(line.item, member))
            for line in lines
            if handed.get(line.pk, 0) > 0
        ]
        if use_credit:
            for format_id, quantity in sorted((empties or {}).items()):
                if quantity:
                    deposit_return(
                        actor=actor,
                        location=the_round.location,
                        jar_format=JarFormat.objects.get(pk=format_id, territory=territory),
                        quantity=quantity,
                        participant=member.participant,
                        keep_as_credit=True,
                        day=day,
                    )
            empties = {}
        if specs:
            order.distribution = distribution_record(
                actor=actor,
                territory=territory,
                kind=Distribution.Kind.GROUP_SALE,
                location=the_round.location,
                day=day,
                lines=specs,
                participant=member.participant,
                structure=the_round.structure,
                payment_mode=payment_mode,
                note=_("Commande groupée : %(title)s") % {"title": the_round.title},
                price_tier=member.price_tier if member.price_tier and member.price_tier.is_active else None,
                use_credit=use_credit,
                # The round's own jars are free to its pick-up, and only to it (stock/set_aside.py).
                set_aside_holder=round_holder(the_round.pk),
            )
            if use_credit:
                _check_credit_covers(order.distribution, member)
        items = {
            i.pk: i
            for i in RoundItem.objects.select_for_update(of=("self",))
            .filter(pk__in=[line.item_id for line in lines])
            .order_by("pk")
        }
        for line in lines:
            line.handed = handed.get(line.pk, 0)
            save_as(line, actor)
            # The jars ordered but not handed over are released; the handed ones left the shelf with the sale.
            items[line.item_id].reserved -= line.quantity
        for item in items.values():
            item._history_user = actor
            item.save(update_fields=["reserved"])
        for format_id, quantity in sorted((empties or {}).items()):
            if quantity:
                jar_format = JarFormat.objects.get(pk=format_id, territory=territory)
                deposit_return(
                    actor=actor,
                    location=the_round.location,
                    jar_format=jar_format,
                    quantity=quantity,
                    participant=member.participant,
                    day=day,
                )
        order.status = Order.Status.COLLECTED
        order.collected_at = timezone.now()
        return save_as(order, actor)
