"""A past recall in the Romans season: one lot taken back after a customer reported a swollen lid.

Chosen after the season is played, so that the recall comes after the last movement of the lot's jars: the
recall sheet then lists whom to warn, and the jars still on the shelves, part of them already pulled.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from conserverie.production.models import Hazard, LotStatus, ProductionLot, RecallScope
from conserverie.production.services import lot_recall, recall_withdraw
from conserverie.stock.models import StockMovement

RECALL_REASON = (
    "Couvercle bombé signalé par une participante sur un bocal de ce lot : rappel par précaution, "
    "bocaux en stock retirés et analyse demandée au laboratoire départemental."
)
RECALL_PUBLIC = "Couvercle bombé sur un bocal de ce lot : risque de botulisme. Ne consommez pas ces bocaux."
RECALL_MEASURES = (
    "Bocaux du camion retirés le matin même ; foyers et structures prévenus par téléphone.\n"
    "Analyse du bocal bombé demandée au laboratoire départemental ; joint de l'autoclave vérifié."
)
RECALL_CONTACT = "Coordination de la conserverie — 04 00 00 00 00 — coordination@example.org"  # fictional
# The lot is at least this old on the day the demo is loaded, so its recall is in the past.
MIN_AGE_DAYS = 21


def record_past_recall(ctx):
    """Recall the released lot of the season with the most recipients among those old enough; None if none."""
    latest = ctx.today - timedelta(days=MIN_AGE_DAYS)
    lot = (
        ProductionLot.objects.filter(territory=ctx.territory, status=LotStatus.RELEASED, produced_on__lte=latest)
        .annotate(lines=Count("distribution_lines", distinct=True), last_move=Max("movements__day"))
        .filter(lines__gt=0, last_move__lt=ctx.today)
        .order_by("-lines", "produced_on", "code")
        .first()
    )
    if lot is None:
        return None
    day = lot.last_move + timedelta(days=1)
    recalled_at = timezone.make_aware(datetime.combine(day, time(9, 30)))
    recall = lot_recall(
        actor=ctx.coordinator,
        lot=lot,
        reason=RECALL_REASON,
        at=recalled_at,
        scope=RecallScope.RECALL,
        hazard=Hazard.MICROBIOLOGICAL,
        public_reason=RECALL_PUBLIC,
        measures=RECALL_MEASURES,
        contact=RECALL_CONTACT,
    )
    # The truck's jars are pulled the same morning; the other shelves are still on the sheet's to-do list.
    formats = {fmt.pk: fmt for fmt in ctx.places.jars.values()}
    for row in StockMovement.objects.filter(lot=lot).stock_by_location_and_lot():
        if row["location_id"] == ctx.places.truck.pk and row["jars"] > 0:
            recall_withdraw(
                actor=ctx.animator,
                recall=recall,
                lot=lot,
                jar_format=formats[row["jar_format_id"]],
                location=ctx.places.truck,
                quantity=row["jars"],
                day=day,
            )
    return recall
