"""A lot's food-safety file as it stood at production time, read from the history rows (django-simple-history).

A recall shows both: what the team knew when the jars were made (the readings, the pH, the status) and what
has been added since (a seal check, a corrective action, a block). "At production" is the end of the production
day, or the end of the day the lot was recorded when that came later (a lot typed in the next morning).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from conserverie.production.models import CorrectiveAction, HeatTreatmentRecord, ProductionLot, SealCheck


@dataclass
class RecordsState:
    when: datetime
    status: str
    status_reason: str
    ph_measured: object
    treatments: list
    seal_checks: list
    corrective_actions: list


def production_moment(lot: ProductionLot) -> datetime:
    """The end of the production day, or of the day the lot was recorded when it was typed in later."""
    day = max(lot.produced_on, timezone.localdate(lot.created_at))
    return timezone.make_aware(datetime.combine(day, time.max) - timedelta(microseconds=1))


def records_as_of(lot: ProductionLot, when: datetime) -> RecordsState:
    """The lot's records as they stood at `when` (four queries, whatever the history's size)."""
    past = lot.history.as_of(when) if lot.history.filter(history_date__lte=when).exists() else lot
    return RecordsState(
        when=when,
        status=past.get_status_display(),
        status_reason=past.status_reason,
        ph_measured=past.ph_measured,
        treatments=list(
            HeatTreatmentRecord.history.as_of(when).filter(lot_id=lot.pk).select_related("jar_format").order_by("id")
        ),
        seal_checks=list(SealCheck.history.as_of(when).filter(lot_id=lot.pk).order_by("checked_at", "id")),
        corrective_actions=list(CorrectiveAction.history.as_of(when).filter(lot_id=lot.pk).order_by("done_at", "id")),
    )


def records_now(lot: ProductionLot) -> RecordsState:
    return RecordsState(
        when=timezone.now(),
        status=lot.get_status_display(),
        status_reason=lot.status_reason,
        ph_measured=lot.ph_measured,
        treatments=list(lot.treatments.select_related("jar_format").order_by("id")),
        seal_checks=list(lot.seal_checks.order_by("checked_at", "id")),
        corrective_actions=list(lot.corrective_actions.order_by("done_at", "id")),
    )


def then_and_now(lot: ProductionLot) -> tuple[RecordsState, RecordsState]:
    return records_as_of(lot, production_moment(lot)), records_now(lot)
