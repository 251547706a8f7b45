"""Messages not sent: the reminders that no channel accepted (the SMS provider refused them, the mail server was
down), for the territory's staff to call the people before the workshop or the outing (issue 17, item 7).

`conserverie reminders` tries each one again (people.signup.remind); the page lists those still not sent, of
workshops and outings to come, with the number of attempts, the reason (a short code: "sms-http-503") and when the
next attempt goes, or "abandoned". One query per kind of sign-up, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.shortcuts import render
from django.utils import timezone

from conserverie.gleaning.models import GleaningRegistration
from conserverie.people.models import REMINDER_ATTEMPTS
from conserverie.territories.staff import territory_view
from conserverie.workshops.models import Registration


@dataclass(frozen=True)
class FailedMessage:
    registration: object
    kind: str  # "workshop", "outing"
    what: str
    starts_at: datetime

    @property
    def given_up(self) -> bool:
        return self.registration.reminder_attempts >= REMINDER_ATTEMPTS


def failed_messages_of(territory) -> list[FailedMessage]:
    """The live sign-ups of `territory`'s coming workshops and outings whose reminder never went out, soonest first."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    workshops = (
        Registration.objects.reminder_failed()
        .filter(workshop__territory=territory, workshop__starts_at__gte=start)
        .select_related("participant", "workshop")
        .order_by("workshop__starts_at", "id")
    )
    outings = (
        GleaningRegistration.objects.reminder_failed()
        .filter(outing__territory=territory, outing__date__gte=today)
        .select_related("participant", "outing__producer")
        .order_by("outing__date", "outing__start_time", "id")
    )
    rows = [FailedMessage(r, "workshop", r.workshop.title, r.workshop.starts_at) for r in workshops]
    rows += [FailedMessage(r, "outing", r.outing.producer.name, r.outing.starts_at) for r in outings]
    return sorted(rows, key=lambda row: (row.starts_at, row.kind, row.registration.pk))


@territory_view()
def failed_messages(request, territory):
    return render(
        request,
        "distribution/participants/failed_messages.html",
        {"territory": territory, "rows": failed_messages_of(territory), "attempts_max": REMINDER_ATTEMPTS},
    )
