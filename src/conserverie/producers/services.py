import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.producers.geo import distance_from_hub
from conserverie.producers.models import CostPrice, Producer, ProducerProduct, Product, SurplusOffer, Terms
from conserverie.producers.photos import check_photo, photo_name
from conserverie.territories.models import Membership, Role, Territory
from conserverie.territories.permissions import may, require, require_same_territory, role_in

# An offer's note: a few lines for the driver, never a 100,000-character text (issue 17).
OFFER_NOTE_MAX = 1000


def producer_create(
    *,
    actor,
    territory: Territory,
    name: str,
    commune: str,
    lat: Decimal,
    lon: Decimal,
    distance_km: Decimal | None = None,
    organic_certified: bool = True,
    certification_expiry: date | None = None,
    networks: str = "",
    address: str = "",
    phone: str = "",
    access_notes: str = "",
    pickup_from=None,
    pickup_until=None,
) -> Producer:
    """Add a farm to the network (coordinators). Without a distance, it is computed from the territory's hub."""
    require(actor, territory, "producer.manage")
    errors = _check_producer_fields(distance_km=distance_km, lat=lat, lon=lon)
    errors.update(_check_access(phone=phone, pickup_from=pickup_from, pickup_until=pickup_until))
    if errors:
        raise ValidationError(errors)
    if distance_km is None:
        distance_km = distance_from_hub(territory, lat, lon)
    _check_unique_name(territory, name)
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
            address=(address or "").strip(),
            phone=(phone or "").strip(),
            access_notes=(access_notes or "").strip(),
            pickup_from=pickup_from,
            pickup_until=pickup_until,
        )
        producer.full_clean()
        producer.save()
        return producer


def _may_declare_for(actor, territory, producer) -> None:
    role = require(actor, territory, "offer.declare")
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
    photo=None,
    terms: str = Terms.DONATION,
    price_eur_kg: Decimal | None = None,
    fee_eur_per_jar: Decimal | None = None,
) -> SurplusOffer:
    """Declare a surplus. `terms` is what the farm asks for (a gift by default): a purchase or processing proposed
    here waits for the coordination's agreement (`offer_terms_set`), unless the actor may agree it (farm.pay)."""
    require_same_territory(territory, producer)
    _may_declare_for(actor, territory, producer)
    errors = _terms_errors(terms or Terms.DONATION, price_eur_kg, fee_eur_per_jar)
    if kg_estimated is None or kg_estimated <= 0:
        errors["kg_estimated"] = _("Indiquez un poids supérieur à zéro.")
    if available_until < available_from:
        errors["available_until"] = _("La fin de disponibilité doit suivre le début.")
    if len(note or "") > OFFER_NOTE_MAX:
        errors["note"] = _("Une remarque courte, s'il vous plaît (%(n)s caractères au plus).") % {"n": OFFER_NOTE_MAX}
    if photo:
        try:
            check_photo(photo)
        except ValidationError as exc:
            errors["photo"] = exc.messages
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
        _apply_terms(offer, terms or Terms.DONATION, price_eur_kg, fee_eur_per_jar)
        offer.terms_agreed = offer.terms == Terms.DONATION or may(actor, territory, "farm.pay")
        if photo:
            offer.full_clean(exclude=["photo"])  # a refused offer must not leave its photo on disk
            offer.photo.save(photo_name(photo), photo, save=False)
        return save_as(offer, actor)


def _offer_set_status(
    *, actor, offer: SurplusOffer, status: str, allowed_from: tuple, message: str | None = None
) -> SurplusOffer:
    require(actor, offer.territory, "offer.decide")
    with transaction.atomic():
        offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status not in allowed_from:
            raise ValidationError(
                _("Cette offre est « %(status)s » : action impossible.") % {"status": offer.get_status_display()}
            )
        offer.status = status
        if message is not None:
            offer.status_message = message.strip()[:250]
        return save_as(offer, actor)


def offer_accept(*, actor, offer: SurplusOffer, message: str = "") -> SurplusOffer:
    return _offer_set_status(
        actor=actor,
        offer=offer,
        status=SurplusOffer.Status.ACCEPTED,
        allowed_from=(SurplusOffer.Status.PROPOSED,),
        message=message,
    )


def offer_decline(*, actor, offer: SurplusOffer, message: str = "") -> SurplusOffer:
    """Decline an offer; `message` is shown to the farmer next to the status (why, or what to do instead)."""
    return _offer_set_status(
        actor=actor,
        offer=offer,
        status=SurplusOffer.Status.DECLINED,
        allowed_from=(SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED, SurplusOffer.Status.PLANNED),
        message=message,
    )


def offer_plan(*, actor, offer: SurplusOffer) -> SurplusOffer:
    """An accepted offer is put on a collection round (or a gleaning outing): the farmer sees « Planifiée »."""
    return _offer_set_status(
        actor=actor, offer=offer, status=SurplusOffer.Status.PLANNED, allowed_from=(SurplusOffer.Status.ACCEPTED,)
    )


def offers_expire(*, territory: Territory | None = None, today: date, actor=None) -> int:
    """Offers still proposed or accepted whose window ended before `today` become « Expirée ». Returns how many.

    A planned offer is left to its round: the round records it collected or puts it back.
    """
    rows = SurplusOffer.objects.past_window(today)
    if territory is not None:
        rows = rows.filter(territory=territory)
    # A plain read first: the inbox calls this on every visit, and most visits have nothing to expire (no write lock).
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return 0
    count = 0
    with transaction.atomic():
        # Re-checked under the lock: an offer accepted or collected meanwhile is left alone.
        for offer in rows.filter(pk__in=pks).select_for_update():
            offer.status = SurplusOffer.Status.EXPIRED
            offer._history_user = actor
            offer.save(update_fields=["status"])
            count += 1
    return count


def _check_producer_fields(*, distance_km, lat, lon) -> dict:
    errors = {}
    if distance_km is not None and distance_km < 0:
        errors["distance_km"] = _("La distance ne peut pas être négative.")
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = _("La latitude doit être comprise entre -90 et 90.")
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = _("La longitude doit être comprise entre -180 et 180.")
    return errors


def _check_unique_name(territory, name: str, exclude: int | None = None) -> None:
    same = Producer.objects.filter(territory=territory, name__iexact=name.strip()).exclude(pk=exclude)
    if same.exists():
        raise ValidationError({"name": _("Une ferme de ce nom existe déjà sur le territoire.")})


PRODUCER_FIELDS = (
    "name",
    "commune",
    "lat",
    "lon",
    "distance_km",
    "organic_certified",
    "certification_expiry",
    "networks",
    "is_active",
    "address",
    "phone",
    "access_notes",
    "pickup_from",
    "pickup_until",
)

PHONE_RE = re.compile(r"^\+?[0-9 .()-]{6,30}$")


def _check_access(*, phone, pickup_from, pickup_until) -> dict:
    errors = {}
    if phone and not PHONE_RE.match(phone.strip()):
        errors["phone"] = _("Un numéro de téléphone s'écrit avec des chiffres (ex. : 04 75 00 00 00).")
    if pickup_from and pickup_until and pickup_until <= pickup_from:
        errors["pickup_until"] = _("La fin du créneau de collecte vient après son début.")
    return errors


def producer_update(*, actor, producer: Producer, **changes) -> Producer:
    """Change a farm's details (coordinators). A missing distance is computed from the territory's hub."""
    require(actor, producer.territory, "producer.manage")
    unknown = set(changes) - set(PRODUCER_FIELDS)
    if unknown:
        raise TypeError(f"unknown producer fields: {sorted(unknown)}")
    with transaction.atomic():
        producer = Producer.objects.select_for_update().get(pk=producer.pk)
        for field, value in changes.items():
            setattr(producer, field, value.strip() if isinstance(value, str) else value)
        if changes.get("distance_km") is None and ("lat" in changes or "lon" in changes):
            producer.distance_km = distance_from_hub(producer.territory, producer.lat, producer.lon)
        errors = _check_producer_fields(distance_km=producer.distance_km, lat=producer.lat, lon=producer.lon)
        errors.update(
            _check_access(phone=producer.phone, pickup_from=producer.pickup_from, pickup_until=producer.pickup_until)
        )
        if errors:
            raise ValidationError(errors)
        _check_unique_name(producer.territory, producer.name, exclude=producer.pk)
        producer.full_clean()
        producer.save()
        return producer


def producer_calendar_set(*, actor, producer: Producer, months: dict) -> list[ProducerProduct]:
    """Replace the farm's seasonal calendar: `months` maps a Product to its month numbers (empty = not grown)."""
    require(actor, producer.territory, "producer.calendar")
    rows = []
    for product, numbers in months.items():
        numbers = sorted(set(numbers))
        if any(not 1 <= n <= 12 for n in numbers):
            raise ValidationError({"months": _("Un mois est un nombre de 1 à 12.")})
        if numbers:
            rows.append(ProducerProduct(producer=producer, product=product, months=",".join(map(str, numbers))))
    with transaction.atomic():
        ProducerProduct.objects.filter(producer=producer).delete()
        return ProducerProduct.objects.bulk_create(rows)


def _terms_errors(terms, price_eur_kg, fee_eur_per_jar) -> dict:
    errors = {}
    if terms not in Terms.values:
        errors["terms"] = _("Conditions inconnues.")
    elif terms == Terms.PURCHASE and (price_eur_kg is None or price_eur_kg <= 0):
        errors["price_eur_kg"] = _("Un achat demande un prix au kilo supérieur à zéro.")
    elif terms == Terms.PROCESSING and (fee_eur_per_jar is None or fee_eur_per_jar < 0):
        errors["fee_eur_per_jar"] = _("Indiquez le prix de la transformation par bocal (zéro ou plus).")
    return errors


def _apply_terms(offer, terms, price_eur_kg, fee_eur_per_jar) -> None:
    offer.terms = terms
    offer.price_eur_kg = price_eur_kg if terms == Terms.PURCHASE else None
    offer.fee_eur_per_jar = fee_eur_per_jar if terms == Terms.PROCESSING else None


def offer_terms_set(
    *, actor, offer: SurplusOffer, terms: str, price_eur_kg: Decimal | None = None, fee_eur_per_jar=None
) -> SurplusOffer:
    """Agree what the farm receives for an offer, before its collection: a gift, a purchase at a price per kg
    (above zero) or processing for the farm (à façon) at a fee per jar (zero or more). The coordination's act
    (farm.pay): it accepts or changes the farm's proposal. Only while the offer is still open; the collection then
    takes these terms (`sourcing.services.collection_record`)."""
    require(actor, offer.territory, "farm.pay")
    errors = _terms_errors(terms, price_eur_kg, fee_eur_per_jar)
    if not offer.is_open:
        errors["terms"] = _("Cette offre n'est plus ouverte : ses conditions ne changent plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offer = SurplusOffer.objects.select_for_update().get(pk=offer.pk)
        if not offer.is_open:  # collected or declined since the form was shown
            raise ValidationError({"terms": _("Cette offre n'est plus ouverte : ses conditions ne changent plus.")})
        _apply_terms(offer, terms, price_eur_kg, fee_eur_per_jar)
        offer.terms_agreed = True
        return save_as(offer, actor)


def cost_price_declare(
    *, actor, producer: Producer, product: Product, eur_per_kg: Decimal, unsold_eur_per_kg=None, declared_on: date
) -> CostPrice:
    """Record the farm's declared cost price of a product (what a donated kilo is worth on its receipt)."""
    if role_in(actor, producer.territory) == Role.PRODUCER:
        _may_declare_for(actor, producer.territory, producer)
    else:
        require(actor, producer.territory, "receipt.issue")
    errors = {}
    if eur_per_kg is None or eur_per_kg < 0:
        errors["eur_per_kg"] = _("Le coût de revient est un montant de zéro ou plus.")
    if unsold_eur_per_kg is not None and unsold_eur_per_kg < 0:
        errors["unsold_eur_per_kg"] = _("La valeur des invendus est un montant de zéro ou plus.")
    elif unsold_eur_per_kg is not None and eur_per_kg is not None and unsold_eur_per_kg > eur_per_kg:
        errors["unsold_eur_per_kg"] = _("Un invendu ne vaut pas plus que son coût de revient.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        price = CostPrice.objects.select_for_update().filter(producer=producer, product=product).first()
        price = price or CostPrice(producer=producer, product=product)
        price.eur_per_kg, price.unsold_eur_per_kg, price.declared_on = eur_per_kg, unsold_eur_per_kg, declared_on
        return save_as(price, actor)


def producer_legal_identity_set(
    *, actor, producer: Producer, legal_name: str, legal_form: str, siren: str, address: str
) -> Producer:
    """The farm's identity as a donor (Cerfa 16216): dénomination, forme juridique, SIREN, adresse."""
    require(actor, producer.territory, "receipt.issue")
    producer.legal_name, producer.legal_form = legal_name.strip(), legal_form.strip()
    producer.siren, producer.address = siren.replace(" ", "").strip(), address.strip()
    with transaction.atomic():
        return save_as(producer, actor)
