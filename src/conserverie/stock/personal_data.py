"""What the jar ledger holds on a person: deposits paid and refunded (see people.privacy.PersonalData)."""

from django.db.models import Exists

from conserverie.people.privacy import PersonalData, iso, personal_data_register
from conserverie.stock.models import StockMovement


def _movements(p) -> list[dict]:
    rows = StockMovement.objects.filter(participant=p).select_related("jar_format").order_by("day", "pk")
    return [
        {
            "day": iso(m.day),
            "kind": m.kind,
            "jar_format": m.jar_format.name,
            "jars": m.quantity,
            "amount_eur": str(m.amount_eur),
            "reason": m.reason,
        }
        for m in rows
    ]


def register() -> None:
    personal_data_register(
        PersonalData(
            key="deposit_movements",
            models=("stock.StockMovement",),
            order=40,
            export=_movements,
            recent=lambda person, since: Exists(
                StockMovement.objects.filter(participant=person, day__gte=since.date())
            ),
        )
    )
