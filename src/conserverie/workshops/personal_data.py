"""What the workshops hold on a person: sign-ups and volunteer hours (see people.privacy.PersonalData)."""

from django.db.models import Exists

from conserverie.people.privacy import PersonalData, iso, personal_data_register
from conserverie.workshops.models import Registration, VolunteerHours


def _registrations(p) -> list[dict]:
    rows = Registration.objects.filter(participant=p).select_related("workshop__site").order_by("pk")
    return [
        {
            "workshop": r.workshop.title,
            "starts_at": iso(r.workshop.starts_at),
            "site": r.workshop.site.name,
            "party_size": r.party_size,
            "status": r.status,
            "attended": r.attended,
            "walk_in": r.walk_in,
            "created_at": iso(r.created_at),
        }
        for r in rows
    ]


def _hours(p) -> list[dict]:
    return [
        {"date": iso(h.date), "hours": str(h.hours), "activity": h.activity}
        for h in VolunteerHours.objects.filter(participant=p).order_by("date", "pk")
    ]


def register() -> None:
    personal_data_register(
        PersonalData(
            key="registrations",
            models=("workshops.Registration",),
            order=10,
            export=_registrations,
            recent=lambda person, since: Exists(
                Registration.objects.filter(participant=person, workshop__starts_at__gte=since)
            ),
        )
    )
    personal_data_register(
        PersonalData(
            key="volunteer_hours",
            models=("workshops.VolunteerHours",),
            order=50,
            export=_hours,
            recent=lambda person, since: Exists(
                VolunteerHours.objects.filter(participant=person, date__gte=since.date())
            ),
        )
    )
