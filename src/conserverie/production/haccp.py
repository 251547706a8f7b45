"""HACCP readings of a lot: what a heat-treatment reading says, what the lot's file still lacks before release,
and readings typed in after the lot (the thermometer's sheet, a re-treatment, a batch's own reading)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.production.models import HeatTreatmentRecord, LotStatus, ProductionLot
from conserverie.recipes.lethality import LOW_ACID, Target, fmt, lethality, reading_errors
from conserverie.recipes.models import CcpKind, HaccpPlan, HeatTreatment
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.permissions import require_role, require_same_territory


@dataclass(frozen=True)
class TreatmentReading:
    jar_format: object
    temperature_c: Decimal
    minutes: int
    equipment: str = ""
    batch: int | None = None  # None: one pass for every batch of the lot
    # The probe at the core of the slowest-heating jar: ((minute, °C), …), one reading a minute or closer.
    core_readings: tuple = ()


def schedule_target(schedule: dict | None) -> Target | None:
    """The lethality target frozen with the lot's recipe (None in a snapshot made before targets existed)."""
    if not schedule or schedule.get("target_tref_c") is None:
        return None
    return Target(
        Decimal(schedule["target_tref_c"]), Decimal(schedule["target_z_c"]), Decimal(schedule["target_minimum_min"])
    )


def core_curve_errors(reading: TreatmentReading) -> list[str]:
    return reading_errors(list(reading.core_readings)) if reading.core_readings else []


def reading_lethality(schedule: dict | None, reading: TreatmentReading) -> Decimal | None:
    """F of the reading's core curve against the schedule's target; None without a curve or a target."""
    target = schedule_target(schedule)
    if target is None or not reading.core_readings:
        return None
    return lethality(list(reading.core_readings), tref_c=target.tref_c, z_c=target.z_c)


def reading_within_limits(schedule: dict, reading: TreatmentReading) -> bool:
    """A reading is conforming when it reaches the schedule's temperature and holding time and, when the core
    curve was read, the lethality target."""
    if reading.temperature_c < Decimal(schedule["temperature_c"]) or reading.minutes < schedule["minutes"]:
        return False
    value, target = reading_lethality(schedule, reading), schedule_target(schedule)
    return value is None or value >= target.minimum_min


def treatment_record(*, lot, schedule: dict | None, reading: TreatmentReading, actor) -> HeatTreatmentRecord:
    """The record of one reading, with its core curve, its lethality and the target beside it (not saved)."""
    target = schedule_target(schedule)
    return HeatTreatmentRecord(
        lot=lot,
        jar_format=reading.jar_format,
        treatment=schedule["treatment"] if schedule else HeatTreatment.STERILISATION,
        temperature_c=reading.temperature_c,
        minutes=reading.minutes,
        equipment=reading.equipment or "",
        batch=reading.batch,
        within_limits=bool(schedule) and reading_within_limits(schedule, reading),
        core_readings=[[str(m), str(t)] for m, t in reading.core_readings],
        lethality_min=reading_lethality(schedule, reading),
        target_tref_c=target.tref_c if target else None,
        target_z_c=target.z_c if target else None,
        target_minimum_min=target.minimum_min if target else None,
        operator=actor,
    )


def reading_problem(schedule: dict | None, reading: TreatmentReading) -> str | None:
    """Why a reading makes the lot non-conforming, in plain French; None when it conforms."""
    if schedule is None:
        return _("traitement thermique hors barème (%(f)s)") % {"f": reading.jar_format}
    value, target = reading_lethality(schedule, reading), schedule_target(schedule)
    if value is not None and value < target.minimum_min:
        return lethality_shortfall(reading.jar_format, value, target)
    if not reading_within_limits(schedule, reading):
        return _("traitement thermique hors barème (%(f)s)") % {"f": reading.jar_format}
    return None


def lethality_shortfall(jar_format, value: Decimal, target: Target) -> str:
    return _(
        "valeur stérilisatrice à cœur insuffisante (%(f)s) : F = %(v)s min pour un minimum de %(m)s min "
        "(référence %(tref)s °C, z %(z)s °C)"
    ) % {
        "f": jar_format,
        "v": fmt(value),
        "m": fmt(target.minimum_min, 1),
        "tref": fmt(target.tref_c, 1),
        "z": fmt(target.z_c, 1),
    }


def lethality_blocks(lot: ProductionLot) -> list[str]:
    """Why the lot's lethality forbids its release (one query): for each format and batch read with a core
    curve, no curve reached the target. A corrective action does not answer it: only a new treatment whose
    core curve reaches the target does."""
    best: dict = {}
    for record in lot.treatments.select_related("jar_format").exclude(lethality_min=None):
        key = (record.jar_format_id, record.batch)
        if key not in best or record.lethality_min > best[key].lethality_min:
            best[key] = record
    return [
        lethality_shortfall(r.jar_format, r.lethality_min, Target(r.target_tref_c, r.target_z_c, r.target_minimum_min))
        for r in best.values()
        if r.lethality_short
    ]


def append_status_reason(lot: ProductionLot, text: str) -> str:
    limit = ProductionLot._meta.get_field("status_reason").max_length
    return "; ".join(part for part in (lot.status_reason, text) if part)[:limit]


def lot_ccp_kinds(lot: ProductionLot) -> set[str]:
    """The critical control points whose readings release the lot: those of the validated HACCP plan frozen with
    the lot at production (`recipe_snapshot["haccp_ccps"]`), never fewer than the recipe's category and schedules
    call for (an acid product's pH, the heat treatment, the seal, a low-acid product's stability test). A lot made
    before plans were frozen reads its recipe's plan (one query), or the default points."""
    snapshot = lot.recipe_snapshot or {}
    treatments = {f.get("treatment") for f in snapshot.get("formats", {}).values()}
    kinds = {CcpKind.SEAL.value}
    if snapshot.get("category") == LOW_ACID:
        kinds |= {CcpKind.STERILISATION.value, CcpKind.STABILITY.value}
    else:
        kinds.add(CcpKind.PH.value)
    if HeatTreatment.STERILISATION in treatments:
        kinds.add(CcpKind.STERILISATION.value)
    elif treatments:
        kinds.add(CcpKind.PASTEURISATION.value)
    frozen = snapshot.get("haccp_ccps")
    if frozen is None:
        plan = HaccpPlan.objects.filter(recipe_id=lot.recipe_id).only("ccps").first()
        frozen = sorted(plan.ccp_kinds) if plan is not None else []
    return kinds | {k for k in frozen if k in CcpKind.values}


def _schedule_text(schedule: dict) -> str:
    return _("%(t)s °C pendant %(m)s min") % {"t": fmt(Decimal(schedule["temperature_c"]), 1), "m": schedule["minutes"]}


def missing_records(lot: ProductionLot) -> list[str]:
    """What the lot's HACCP file lacks, or what in it fails a critical limit, before the lot may be released: one
    plain-French reason per item, for the critical control points of its HACCP plan (`lot_ccp_kinds`; four
    queries at most). Regulation (EC) 852/2004 art. 5 §2 (c, d): each point is monitored against its limit.

    - pH: the measured pH, at or under the recipe's limit;
    - heat treatment: for every jar format filled (and every batch once a format is read per batch) a reading that
      reaches the schedule; for a sterilised format the core curve too (its lethality, when short, is told by
      `lethality_blocks`);
    - seal: every jar filled checked the day after;
    - stability test: a passing one (NF V08-408 practice).
    (docs/safety-en.md, « What releasing a lot requires ».)
    """
    kinds = lot_ccp_kinds(lot)
    snapshot = lot.recipe_snapshot or {}
    formats = snapshot.get("formats", {})
    low_acid = snapshot.get("category") == LOW_ACID
    filled = list(
        StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED)
        .values_list("jar_format_id", "jar_format__name")
        .annotate(jars=Sum("quantity"))
        .order_by("jar_format__volume_ml", "jar_format_id")
    )
    missing = []
    if CcpKind.PH in kinds:
        limit = snapshot.get("ph_limit")
        if lot.ph_measured is None:
            missing.append(
                _("pH mesuré (point critique : pH ≤ %(l)s)") % {"l": fmt(Decimal(limit), 1)}
                if limit is not None
                else _("pH mesuré (point critique pH)")
            )
        elif limit is not None and lot.ph_measured > Decimal(limit):
            missing.append(
                _(
                    "pH %(ph)s au-dessus de la limite critique %(l)s : acidifiez puis mesurez de nouveau (Ajouter un "
                    "relevé), sinon le lot ne part pas"
                )
                % {"ph": fmt(lot.ph_measured, 1), "l": fmt(Decimal(limit), 1)}
            )
    if kinds & {CcpKind.PASTEURISATION.value, CcpKind.STERILISATION.value}:
        missing += _heat_missing(lot, filled, formats, low_acid or CcpKind.STERILISATION in kinds)
    if CcpKind.SEAL in kinds:
        made = sum(jars for _pk, _name, jars in filled)
        checked = sum(lot.seal_checks.values_list("jars_checked", flat=True))
        if checked == 0:
            missing.append(_("contrôle des fermetures de chaque bocal (le lendemain de la production)"))
        elif checked < made:
            missing.append(
                _("contrôle des fermetures de chaque bocal : %(c)s contrôlé(s) sur %(n)s") % {"c": checked, "n": made}
            )
    if CcpKind.STABILITY in kinds:
        from conserverie.production.stability import stability_missing  # stability builds on this module

        missing += stability_missing(lot, list(lot.stability_tests.all()))
    return missing


def _heat_missing(lot: ProductionLot, filled, formats: dict, sterilisation_ccp: bool) -> list[str]:
    """The heat-treatment point: per format filled (and per batch when read per batch) a reading whose bath
    reached the schedule; a sterilised format needs its core curve (whose lethality `lethality_blocks` judges)."""
    readings = defaultdict(list)  # format id -> [(batch, the bath reached the schedule, has a curve)]
    for format_id, batch, celsius, minutes, value in lot.treatments.values_list(
        "jar_format_id", "batch", "temperature_c", "minutes", "lethality_min"
    ).order_by("recorded_at", "id"):
        schedule = formats.get(str(format_id))
        bath = bool(schedule) and celsius >= Decimal(schedule["temperature_c"]) and minutes >= schedule["minutes"]
        readings[format_id].append((batch, bath, value is not None))
    low_acid = (lot.recipe_snapshot or {}).get("category") == LOW_ACID
    missing = []
    for pk, name, _jars in filled:
        schedule = formats.get(str(pk)) or {}
        rows = readings.get(pk, [])
        sterilised = schedule.get("treatment") == HeatTreatment.STERILISATION or low_acid
        if sterilised and sterilisation_ccp and not any(curve for _b, _w, curve in rows):
            missing.append(
                _("courbe de température à cœur du format %(f)s (F0)") % {"f": name}
                if low_acid
                else _("courbe de température à cœur du format %(f)s (valeur stérilisatrice)") % {"f": name}
            )
        if not rows:
            missing.append(_("relevé de traitement thermique du format %(f)s") % {"f": name})
            continue
        whole = [w for b, w, _c in rows if b is None]
        if any(whole):
            continue  # one pass for every batch, within the schedule
        if all(b is None for b, _w, _c in rows):
            missing.append(_out_of_schedule(name, schedule))
            continue
        # Readings per batch: every batch of the lot needs its own, within the schedule.
        for b in range(1, lot.batches + 1):
            own = [w for batch, w, _c in rows if batch == b]
            if any(own):
                continue
            if own or whole:
                missing.append(_out_of_schedule(f"{name}, {_('fournée')} {b}", schedule))
            else:
                missing.append(_("relevé de traitement thermique du format %(f)s, fournée %(b)s") % {"f": name, "b": b})
    return missing


def _out_of_schedule(name: str, schedule: dict) -> str:
    if not schedule:
        return _("traitement thermique du format %(f)s hors barème : refaites-le et enregistrez son relevé") % {
            "f": name
        }
    return _(
        "traitement thermique du format %(f)s hors barème (%(s)s au moins) : refaites-le et enregistrez le relevé "
        "du nouveau traitement"
    ) % {"f": name, "s": _schedule_text(schedule)}


def release_blockers(lot: ProductionLot) -> list[str]:
    """Every reason the lot cannot be released yet, for the lot page: a short lethality, then what the file lacks
    or fails."""
    return [*lethality_blocks(lot), *missing_records(lot)]


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
            curve = core_curve_errors(reading)
            if curve:
                errors["core_readings"] = " ".join(curve)
        if ph_measured is not None:
            limit = lot.recipe_snapshot.get("ph_limit")
            if lot.ph_measured is not None and (limit is None or lot.ph_measured <= Decimal(limit)):
                # Measured again only after a pH above the critical limit (acidified, then measured: art. 5 §2 e).
                errors["ph_measured"] = _("Le pH de ce lot est déjà enregistré (%(ph)s).") % {"ph": lot.ph_measured}
            elif not Decimal("0") <= ph_measured <= Decimal("14"):
                errors["ph_measured"] = _("Un pH est compris entre 0 et 14.")
        if errors:
            raise ValidationError(errors)
        problems = []
        if reading is not None:
            save_as(treatment_record(lot=lot, schedule=schedule, reading=reading, actor=actor), actor)
            problem = reading_problem(schedule, reading)
            if problem:
                problems.append(problem)
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
