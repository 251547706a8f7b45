"""HACCP follow-up of the Romans season: the seal check the day after each lot, and the corrective action of the
lot whose heat treatment stayed below its schedule (re-treated, waiting for the coordinator's release)."""

from datetime import datetime, time, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from conserverie.production.models import CorrectiveActionKind, LotStatus, ProductionLot, StabilityResult
from conserverie.production.services import lot_correct, lot_seal_check
from conserverie.stock.models import MovementKind

RETREAT_NOTE = "Bocaux repassés à l'autoclave le jour même, barème complet relevé ; libération à décider."
FAILED_SEALS_NOTE = "Capsules mal serties : bocaux mis de côté, lot bloqué."


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def record_haccp_follow_up(ctx) -> None:
    lots = (
        ProductionLot.objects.filter(territory=ctx.territory, produced_on__lt=ctx.today)
        .exclude(status=LotStatus.RECALLED)
        .annotate(jars=Sum("movements__quantity", filter=Q(movements__kind=MovementKind.PRODUCED)))
        .order_by("produced_on", "code")
    )
    for lot in lots:
        if lot.status == LotStatus.NON_CONFORMING:
            lot_correct(
                actor=ctx.animator,
                lot=lot,
                action=CorrectiveActionKind.RETREAT,
                note=RETREAT_NOTE,
                at=_at(lot.produced_on, 16, 30),
            )
        # The lot blocked at its seal check (not the one blocked by its stability test).
        unstable = lot.stability_tests.filter(result=StabilityResult.FAILED).exists()
        failed = min(3, lot.jars or 0) if lot.status == LotStatus.BLOCKED and not unstable else 0
        lot_seal_check(
            actor=ctx.animator,
            lot=lot,
            jars_checked=lot.jars or 1,
            jars_failed=failed,
            note=FAILED_SEALS_NOTE if failed else "",
            at=_at(lot.produced_on + timedelta(days=1), 9),
        )
