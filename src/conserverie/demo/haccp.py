"""HACCP follow-up of the Romans season: the corrective action of the lot whose heat treatment stayed below its
schedule (re-treated, waiting for the coordinator's release). The seal check the day after each lot is made with
the lot (demo/production.py): its release needs it."""

from datetime import datetime, time

from django.utils import timezone

from conserverie.production.models import CorrectiveActionKind, LotStatus, ProductionLot
from conserverie.production.services import lot_correct

RETREAT_NOTE = "Bocaux repassés à l'autoclave le jour même, barème complet relevé ; libération à décider."


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def record_haccp_follow_up(ctx) -> None:
    lots = ProductionLot.objects.filter(
        territory=ctx.territory, produced_on__lt=ctx.today, status=LotStatus.NON_CONFORMING
    ).order_by("produced_on", "code")
    for lot in lots:
        lot_correct(
            actor=ctx.animator,
            lot=lot,
            action=CorrectiveActionKind.RETREAT,
            note=RETREAT_NOTE,
            at=_at(lot.produced_on, 16, 30),
        )
