from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.core.permissions import require_role, require_same_territory
from conserverie.territories.models import Membership, Role, Territory

from .models import Producer, Product, SurplusOffer


def producer_create(
    *,
    actor,
    territory: Territory,
    name: str,
    commune: str,
    lat: Decimal,
    lon: Decimal,
    distance_km: Decimal,
    organic_certified: bool = True,
    certification_expiry: date | None = None,
    networks: str = "",
) -> Producer:
    require_role(actor, territory, (Role.COORDINATOR,))
    if distance_km < 0:
        raise ValidationError({"distance_km": _("La distance ne peut pas être négative.")})
    with transaction.atomic():
        producer = Producer(
            territory=territory,
            name=name.strip(),
            commune=commune,
            lat=lat,
            lon=lon,
            distance_km=distance_km,
            organic_certified=organic_certified,
            certification_expiry=certification_expiry,
            networks=networks,
        )
        producer.full_clean()
        producer.save()
        return producer


def _may_declare_for(actor, territory, producer) -> None:
    role = require_role(actor, territory, (Role.COORDINATOR, Role.ANIMATOR, Role.PRODUCER))
    if (
        role == Role.PRODUCER
        and not Membership.objects.filter(user=actor, territory=territory, producer=producer).exists()
    ):
        raise ValidationError({"producer": _("Vous ne pouvez déclarer une offre que pour votre propre ferme.")})


def offer_declare(
    *,
    actor,
    territory: Territory,
    producer: Producer,
    product: Product,
    kg_estimated: Decimal,
    grade: str,
    available_from: date,
    available_until: date,
    mode: str = SurplusOffer.Mode.COLLECT,
    note: str = "",
) -> SurplusOffer:
    require_same_territory(territory, producer)
    _may_declare_for(actor, territory, producer)
    errors = {}
    if kg_estimated is None or kg_estimated <= 0:
        errors["kg_estimated"] = _("Indiquez un poids supérieur à zéro.")
    if available_until < available_from:
        errors["available_until"] = _("La fin de disponibilité doit suivre le début.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offer = SurplusOffer(
            territory=territory,
            producer=producer,
            product=product,
            kg_estimated=kg_estimated,
            grade=grade,
            mode=mode,
            available_from=available_from,
            available_until=available_until,
            note=note,
            created_by=actor,
        )
        return save_as(offer, actor)


def _offer_set_status(*, actor, offer: SurplusOffer, status: str, allowed_from: tuple, note: str = "") -> SurplusOffer:
    require_role(actor, offer.territory, (Role.COORDINATOR, Role.ANIMATOR))
    with transaction.atomic():
        offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status not in allowed_from:
            raise ValidationError(
                _("Cette offre est « %(status)s » : action impossible.") % {"status": offer.get_status_display()}
            )
        offer.status = status
        if note:
            offer.note = f"{offer.note}\n{note}".strip()
        return save_as(offer, actor)


def offer_accept(*, actor, offer: SurplusOffer) -> SurplusOffer:
    return _offer_set_status(
        actor=actor, offer=offer, status=SurplusOffer.Status.ACCEPTED, allowed_from=(SurplusOffer.Status.PROPOSED,)
    )


def offer_decline(*, actor, offer: SurplusOffer, message: str = "") -> SurplusOffer:
    return _offer_set_status(
        actor=actor,
        offer=offer,
        status=SurplusOffer.Status.DECLINED,
        allowed_from=(SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED),
        note=message,
    )
