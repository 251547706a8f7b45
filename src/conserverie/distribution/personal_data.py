"""What the distributions hold on a person: the jars they took (see people.privacy.PersonalData)."""

from django.db.models import Exists

from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.people.privacy import PersonalData, iso, personal_data_register


def _lines(p) -> list[dict]:
    lines = (
        DistributionLine.objects.filter(distribution__participant=p)
        .select_related("distribution", "lot", "jar_format")
        .order_by("distribution__date", "pk")
    )
    return [
        {
            "date": iso(line.distribution.date),
            "lot": line.lot.code,
            "jar_format": line.jar_format.name,
            "jars": line.quantity,
            "unit_price_eur": str(line.unit_price_eur),
            "deposit_eur": str(line.deposit_eur),
            "note": line.distribution.note,
        }
        for line in lines
    ]


def register() -> None:
    personal_data_register(
        PersonalData(
            key="distributions",
            models=("distribution.Distribution",),
            order=30,
            export=_lines,
            recent=lambda person, since: Exists(
                Distribution.objects.filter(participant=person, date__gte=since.date())
            ),
        )
    )
