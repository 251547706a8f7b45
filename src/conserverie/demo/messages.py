"""Demo: two reminders the SMS provider refused (issue 17), so that *Participants › Messages non envoyés* shows a
reminder waiting for its next attempt and one given up, to call. Written through the real service
(`people.signup.remind`) with a provider that answers "503" — nothing is sent."""

from conserverie.people.models import REMINDER_ATTEMPTS
from conserverie.people.signup import remind
from conserverie.workshops.models import Registration, Workshop


def provider_down(registration, failures):
    failures.append("sms-http-503")
    return []


def add_failed_reminders(ctx) -> None:
    workshop = Workshop.objects.upcoming().filter(territory=ctx.places.territory).order_by("starts_at", "id").first()
    if workshop is None:
        return
    rows = list(
        Registration.objects.confirmed()
        .filter(workshop=workshop)
        .exclude(participant__phone="")
        .order_by("created_at", "id")[:2]
    )
    for registration, attempts in zip(rows, (2, REMINDER_ATTEMPTS), strict=False):
        for _ in range(attempts):
            remind(registration=registration, send=provider_down)
