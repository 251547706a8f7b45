"""HACCP readings of a lot: what a heat-treatment reading says, what the lot's file still lacks before release,
and readings typed in after the lot (the thermometer's sheet, a re-treatment, a batch's own reading)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.production.models import HeatTreatmentRecord, LotStatus, ProductionLot
from conserverie.recipes.models import HeatTreatment
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.permissions import require_role, require_same_territory


@dataclass(frozen=True)
class TreatmentReading:
    jar_format: object
    temperature_c: Decimal
    minutes: int
    equipment: str = ""
    batch: int | None = None  # None: one pass for every batch of the lot


def reading_within_limits(schedule: dict, reading: TreatmentReading) -> bool:
    """A reading is conforming when it reaches the schedule's temperature and holding time."""
    return reading.temperature_c >= Decimal(schedule["temperature_c"]) and reading.minutes >= schedule["minutes"]


def append_status_reason(lot: ProductionLot, text: str) -> str:
    limit = ProductionLot._meta.get_field("status_reason").max_length
    return "; ".join(part for part in (lot.status_reason, text) if part)[:limit]


def missing_records(lot: ProductionLot) -> list[str]:
    """What the lot's HACCP file still lacks before it may be released (two queries).

    Every jar format filled needs a heat-treatment reading; a format treated by pasteurisation relies on the
    product's acidity, so the lot then needs its measured pH too.
    """
    filled = list(
        StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED)
        .values_list("jar_format_id", "jar_format__name")
        .distinct()
        .order_by("jar_format__volume_ml")
    )
    read = defaultdict(set)  # format id -> batches read (None: one pass for all)
    for format_id, batch in lot.treatments.values_list("jar_format_id", "batch"):
        read[format_id].add(batch)
    formats = lot.recipe_snapshot.get("formats", {})
    missing = []
    for pk, name in filled:
        batches = read.get(pk, set())
        if None in batches:
            continue
        if not batches:
            missing.append(_("relevé de traitement thermique du format %(f)s") % {"f": name})
            continue
        # Readings per batch: every batch of the lot needs its own.
        missing += [
            _("relevé de traitement thermique du format %(f)s, fournée %(b)s") % {"f": name, "b": b}
            for b in range(1, lot.batches + 1)
            if b not in batches
        ]
    pasteurised = any(formats.get(str(pk), {}).get("treatment") == HeatTreatment.PASTEURISATION for pk, _n in filled)
    if pasteurised and lot.ph_measured is None:
        missing.append(_("pH mesuré (pasteurisation)"))
    return missing


def lot_add_reading(
    *, actor, lot: ProductionLot, reading: TreatmentReading | None = None, ph_measured: Decimal | None = None
) -> ProductionLot:
    """A reading written after the lot (the thermometer's sheet typed in later, or a re-treatment).

    A reading outside the schedule, or a pH above the recipe's limit, makes the lot non-conforming, as at
    recording. A pH already measured is not overwritten.
    """
    require_role(actor, lot.territory)
    if reading is None and ph_measured is None:
        raise ValidationError({"temperature_c": _("Indiquez un relevé de traitement thermique ou un pH.")})
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().select_related("territory").get(pk=lot.pk)
        errors = {}
        if lot.status == LotStatus.RECALLED:
            errors["jar_format"] = _("Ce lot est rappelé : plus de relevé à enregistrer.")
        schedule = None
        if reading is not None:
            require_same_territory(lot.territory, reading.jar_format)
            schedule = lot.recipe_snapshot.get("formats", {}).get(str(reading.jar_format.pk))
            filled = StockMovement.objects.filter(
                lot=lot, kind=MovementKind.PRODUCED, jar_format=reading.jar_format
            ).exists()
            if schedule is None or not filled:
                errors["jar_format"] = _("Aucun bocal de ce format n'a été rempli pour ce lot.")
            if reading.temperature_c is None or reading.minutes is None or reading.minutes < 0:
                errors["temperature_c"] = _("Indiquez la température et la durée, ou aucune des deux.")
            if reading.batch is not None and not 1 <= reading.batch <= lot.batches:
                errors["batch"] = _("Ce lot compte %(n)s fournée(s).") % {"n": lot.batches}
        if ph_measured is not None:
            if lot.ph_measured is not None:
                errors["ph_measured"] = _("Le pH de ce lot est déjà enregistré (%(ph)s).") % {"ph": lot.ph_measured}
            elif not Decimal("0") <= ph_measured <= Decimal("14"):
                errors["ph_measured"] = _("Un pH est compris entre 0 et 14.")
        if errors:
            raise ValidationError(errors)
        problems = []
        if reading is not None:
            ok = reading_within_limits(schedule, reading)
            save_as(
                HeatTreatmentRecord(
                    lot=lot,
                    jar_format=reading.jar_format,
                    treatment=schedule["treatment"],
                    temperature_c=reading.temperature_c,
                    minutes=reading.minutes,
                    equipment=reading.equipment or "",
                    batch=reading.batch,
                    within_limits=ok,
                    operator=actor,
                ),
                actor,
            )
            if not ok:
                problems.append(_("traitement thermique hors barème (%(f)s)") % {"f": reading.jar_format})
        if ph_measured is not None:
            lot.ph_measured = ph_measured
            limit = lot.recipe_snapshot.get("ph_limit")
            if limit is not None and ph_measured > Decimal(limit):
                problems.append(_("pH %(ph)s au-dessus de la limite %(limit)s") % {"ph": ph_measured, "limit": limit})
        if problems and lot.status in (LotStatus.OPEN, LotStatus.RELEASED):
            lot.status = LotStatus.NON_CONFORMING
        if problems:
            lot.status_reason = append_status_reason(lot, "; ".join(str(p) for p in problems))
        return save_as(lot, actor)
