"""What the gleaning outings hold on a person: their sign-ups (see people.privacy.PersonalData)."""

from django.db.models import Exists

from conserverie.gleaning.models import GleaningRegistration
from conserverie.people.privacy import PersonalData, iso, personal_data_register


def _outings(p) -> list[dict]:
    rows = GleaningRegistration.objects.filter(participant=p).select_related("outing__producer").order_by("pk")
    return [
        {
            "farm": r.outing.producer.name,
            "date": iso(r.outing.date),
            "meeting_point": r.outing.meeting_point,
            "party_size": r.party_size,
            "status": r.status,
            "attended": r.attended,
            "created_at": iso(r.created_at),
        }
        for r in rows
    ]


def register() -> None:
    personal_data_register(
        PersonalData(
            key="gleaning_outings",
            models=("gleaning.GleaningRegistration",),
            order=20,
            export=_outings,
            recent=lambda person, since: Exists(
                GleaningRegistration.objects.filter(participant=person, outing__date__gte=since.date())
            ),
        )
    )
