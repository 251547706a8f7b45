from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.producers.models import Producer, Product, SurplusOffer, Terms
from conserverie.sourcing.models import FarmJarReturn, RawLot, RawLotMovement, RawMonth
from conserverie.sourcing.months import raw_month_add
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.territories.models import Territory
from conserverie.territories.permissions import may, require, require_role, require_same_territory


def _next_raw_lot_code(territory: Territory, day: date) -> str:
    prefix = f"{territory.code}-B{day:%y%m%d}-"
    number = RawLot.objects.filter(code__startswith=prefix).count() + 1
    while RawLot.objects.filter(code=f"{prefix}{number:02d}").exists():  # a lot deleted in the admin frees no code
        number += 1
    return f"{prefix}{number:02d}"


def _terms_of(actor, territory, offer, terms, price_eur_kg) -> tuple[str, Decimal | None, str]:
    """What the farm receives for a collection, and the reason written in the raw lot's history when it is not
    simply the offer's terms as agreed.

    - No `terms` given: the offer's (a gift without an offer), at its price unless one is given.
    - Terms the farm proposed that the coordination has not agreed yet: only the coordination may collect on them
      (farm.pay); collecting agrees them.
    - Terms that differ from the offer's: a change at collection, the coordination's (farm.pay), kept in the raw
      lot's history with what was offered and what was recorded (the audit page shows it)."""
    offered = (offer.terms, offer.price_eur_kg if offer.terms == Terms.PURCHASE else None) if offer else None
    if not terms:
        terms = offered[0] if offered else Terms.DONATION
        if offered and price_eur_kg is None:
            price_eur_kg = offered[1]
    if terms not in Terms.values:
        raise ValidationError({"terms": _("Conditions inconnues.")})
    if terms == Terms.PURCHASE:
        if price_eur_kg is None or price_eur_kg <= 0:
            raise ValidationError({"price_eur_kg": _("Un achat demande un prix au kilo supérieur à zéro.")})
    else:
        price_eur_kg = None
    changed = (terms, price_eur_kg) != offered if offered else terms != Terms.DONATION
    if changed:
        require(actor, territory, "farm.pay")
    elif offered and not offer.terms_agreed and not may(actor, territory, "farm.pay"):
        raise ValidationError(
            {
                "terms": _(
                    "La ferme a proposé « %(terms)s » : la coordination doit d'abord accepter ces conditions "
                    "(« Conditions » dans la liste des offres)."
                )
                % {"terms": offer.terms_text}
            }
        )
    reason = ""
    if offered and changed:
        recorded = SurplusOffer(terms=terms, price_eur_kg=price_eur_kg).terms_text
        reason = _("Conditions changées à la collecte : %(offered)s → %(recorded)s") % {
            "offered": offer.terms_text,
            "recorded": recorded,
        }
    elif offered and not offer.terms_agreed:
        reason = _("Conditions proposées par la ferme acceptées à la collecte : %(terms)s") % {
            "terms": offer.terms_text
        }
    return terms, price_eur_kg, reason[:100]


def collection_record(
    *,
    actor,
    territory: Territory,
    producer: Producer,
    product: Product,
    kg: Decimal,
    collected_on: date,
    offer: SurplusOffer | None = None,
    collection_round: CollectionRound | None = None,
    grade: str = "surplus",
    gleaning_outing=None,
    terms: str | None = None,
    price_eur_kg: Decimal | None = None,
) -> RawLot:
    """Record a weighed collection: it becomes a raw lot with its own code.

    `terms` says what the farm receives (a gift by default; the offer's terms when the collection honours an
    offer and none is given). A purchase needs a price per kilo above zero: the farm is paid kg × price on
    collection, and its purchase note lists the lot (`sourcing/purchases.py`)."""
    require_role(actor, territory)
    require_same_territory(territory, producer, offer, collection_round, gleaning_outing)
    if kg is None or kg <= 0:
        raise ValidationError({"kg": _("Le poids pesé doit être supérieur à zéro.")})
    if offer is not None and (offer.producer_id != producer.pk or offer.product_id != product.pk):
        raise ValidationError({"offer": _("Cette offre ne correspond pas à ce producteur et ce produit.")})
    with transaction.atomic():
        # Lock the territory row so two collections recorded at once do not draw the same code.
        Territory.objects.select_for_update().get(pk=territory.pk)
        if offer is not None:
            # Re-read the offer under lock: it may have been declined since the form was shown.
            offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
            if offer.status in (SurplusOffer.Status.DECLINED, SurplusOffer.Status.EXPIRED):
                raise ValidationError({"offer": _("Cette offre a été refusée ou a expiré.")})
        terms, price_eur_kg, reason = _terms_of(actor, territory, offer, terms, price_eur_kg)
        raw_lot = RawLot(
            territory=territory,
            code=_next_raw_lot_code(territory, collected_on),
            producer=producer,
            product=product,
            offer=offer,
            collection_round=collection_round,
            gleaning_outing=gleaning_outing,
            kg=kg,
            collected_on=collected_on,
            use_before=collected_on + timedelta(days=product.shelf_life_days),
            grade=grade,
            terms=terms,
            price_eur_kg=price_eur_kg,
            recorded_by=actor,
        )
        raw_lot._change_reason = reason  # the history row (audit page) says when the terms were changed
        save_as(raw_lot, actor)
        # The month's kilos collected, in the same transaction (issue 20; sourcing/months.py).
        raw_month_add(territory.pk, collected_on, RawMonth.COLLECTED, kg)
        if offer is not None and (offer.status != SurplusOffer.Status.COLLECTED or not offer.terms_agreed):
            offer.status = SurplusOffer.Status.COLLECTED
            offer.terms_agreed = True
            save_as(offer, actor)
        return raw_lot


def raw_lot_draw(
    *, actor, raw_lot: RawLot, kg: Decimal, kind: str, day: date | None = None, production_lot=None, reason: str = ""
) -> RawLotMovement:
    """Take kilos out of a raw lot. Call inside the caller's transaction; locks the raw lot row."""
    if kg is None or kg <= 0:
        raise ValidationError({"kg": _("La quantité doit être supérieure à zéro.")})
    if kind == RawLotMovement.Kind.LOST and not reason.strip():
        raise ValidationError({"reason": _("Indiquez la raison de la perte.")})
    locked = RawLot.objects.select_for_update().get(pk=raw_lot.pk)
    left = RawLot.objects.with_balance().get(pk=locked.pk).kg_left
    if kg > left:
        raise ValidationError(
            {
                "kg": _("Le lot %(code)s ne contient plus que %(left)s kg : impossible d'en prendre %(kg)s kg.")
                % {"code": locked.code, "left": left, "kg": kg}
            }
        )
    day = day or timezone.localdate()
    if day < locked.collected_on:
        raise ValidationError({"day": _("Un lot brut ne peut pas sortir avant sa collecte.")})
    movement = RawLotMovement(
        raw_lot=locked, kind=kind, kg=kg, day=day, production_lot=production_lot, reason=reason, created_by=actor
    )
    movement.full_clean()
    movement.save()
    raw_month_add(locked.territory_id, day, kind, kg)  # the month's kilos of this kind, same transaction (issue 20)
    return movement


def raw_lot_give(*, actor, raw_lot: RawLot, kg: Decimal, reason: str = "", day: date | None = None) -> RawLotMovement:
    require_role(actor, raw_lot.territory)
    with transaction.atomic():
        return raw_lot_draw(actor=actor, raw_lot=raw_lot, kg=kg, kind=RawLotMovement.Kind.GIVEN, reason=reason, day=day)


def raw_lot_lose(*, actor, raw_lot: RawLot, kg: Decimal, reason: str, day: date | None = None) -> RawLotMovement:
    require_role(actor, raw_lot.territory)
    with transaction.atomic():
        return raw_lot_draw(actor=actor, raw_lot=raw_lot, kg=kg, kind=RawLotMovement.Kind.LOST, reason=reason, day=day)


def farm_jars_return(*, actor, raw_lot: RawLot, jars: int, day: date, fee_eur_per_jar: Decimal | None = None):
    """Record the jars given back to a farm whose produce was processed for it (à façon), and the fee it owes.

    The fee per jar is the offer's unless given; it may be zero (processing offered), never negative."""
    territory = raw_lot.territory
    require(actor, territory, "farm.jars_return")
    errors = {}
    if raw_lot.terms != Terms.PROCESSING:
        errors["raw_lot"] = _("Ce lot brut n'a pas été collecté pour une transformation à façon.")
    if fee_eur_per_jar is None and raw_lot.offer_id is not None:
        fee_eur_per_jar = raw_lot.offer.fee_eur_per_jar
    if fee_eur_per_jar is None or fee_eur_per_jar < 0:
        errors["fee_eur_per_jar"] = _("Indiquez le prix de la transformation par bocal (zéro ou plus).")
    if jars is None or jars <= 0:
        errors["jars"] = _("Indiquez le nombre de bocaux rendus (au moins un).")
    if day is None:
        errors["day"] = _("Indiquez la date.")
    elif day < raw_lot.collected_on:
        errors["day"] = _("Des bocaux ne peuvent pas être rendus avant la collecte.")
    elif day > timezone.localdate():
        errors["day"] = _("Cette date est dans le futur.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        jar_return = FarmJarReturn(
            territory=territory,
            producer=raw_lot.producer,
            raw_lot=raw_lot,
            jars=jars,
            fee_eur_per_jar=fee_eur_per_jar,
            fee_eur=(Decimal(jars) * fee_eur_per_jar).quantize(Decimal("0.01")),
            day=day,
            recorded_by=actor,
        )
        return save_as(jar_return, actor)
