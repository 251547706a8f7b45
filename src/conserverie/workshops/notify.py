"""What we tell participants, in French and plain words: a cancelled workshop, tomorrow's reminder.

E-mail when an address is known, a text message (conserverie.core.sms) when a phone number is known. A failure
of one channel is logged and never undoes what the database already holds.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.sms import SmsError, send_sms
from conserverie.workshops.models import Registration, Workshop

log = logging.getLogger(__name__)

WHAT_TO_BRING = gettext_lazy("Apportez un tablier et vos bocaux vides.")


def hour(moment) -> str:
    """14h, 9h30: the way a time is said in French."""
    local = timezone.localtime(moment)
    return f"{local.hour}h{local.minute:02d}" if local.minute else f"{local.hour}h"


def _title(workshop: Workshop) -> str:
    title = workshop.title.strip()
    return title[:1].lower() + title[1:] if title.lower().startswith("atelier") else title


def _place(workshop: Workshop) -> str:
    return ", ".join(part for part in (workshop.site.name, workshop.site.city) if part)


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(
    registration: Registration, subject: str, email_body: str, sms_text: str, failures: list | None = None
) -> list[str]:
    """Send by every known channel; the channels that went out ("email", "sms"). The reason of each channel that
    failed goes to `failures` ("email-SMTPException", "sms-http-503"), and to the log with the registration's id
    only: never the address, the number or the text (it holds the personal link)."""
    participant = registration.participant
    failures = [] if failures is None else failures
    sent = []
    if participant.email:
        try:
            send_mail(subject, email_body, settings.DEFAULT_FROM_EMAIL, [participant.email])
            sent.append("email")
        except Exception as exc:  # noqa: BLE001 - one failed channel must not stop the others
            # The exception's text may hold the address (SMTPRecipientsRefused): only its class is kept.
            failures.append(f"email-{type(exc).__name__}")
            log.warning("e-mail not sent for registration %s: %s", registration.pk, type(exc).__name__)
    if participant.phone:
        try:
            if send_sms(participant.phone, sms_text):
                sent.append("sms")
            else:
                failures.append("sms-not-accepted")
        except SmsError as exc:
            failures.append(f"sms-{exc.reason}")
            log.warning("SMS not sent for registration %s: %s", registration.pk, exc.reason)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"sms-{type(exc).__name__}")
            log.warning("SMS not sent for registration %s: %s", registration.pk, type(exc).__name__)
    return sent


def cancelled_texts(workshop: Workshop, registration: Registration) -> tuple[str, str, str]:
    with translation.override("fr"):
        when = date_format(timezone.localtime(workshop.starts_at), "l j F")
        values = {
            "name": registration.participant.first_name,
            "title": workshop.title,
            "when": when,
            "hour": hour(workshop.starts_at),
            "place": _place(workshop),
            "reason": workshop.cancel_reason,
            "url": _site_url(reverse("public:calendar")),
        }
        subject = _("Atelier annulé : %(title)s, %(when)s") % values
        body = (
            _(
                "Bonjour %(name)s,\n\n"
                "L'atelier « %(title)s » du %(when)s à %(hour)s (%(place)s) est annulé.\n"
                "Pourquoi : %(reason)s\n\n"
                "Nous sommes désolés. Vous n'avez rien à faire.\n"
                "Les prochains ateliers : %(url)s\n\n"
                "L'équipe de la conserverie"
            )
            % values
        )
        sms = (
            _(
                "Conserverie : l'atelier %(title)s du %(when)s %(hour)s (%(place)s) est annulé. %(reason)s. "
                "Désolés ! Autres dates : %(url)s"
            )
            % values
        )
    return subject, body, sms


def tell_cancelled(workshop: Workshop, registrations, texts=cancelled_texts) -> int:
    """Tell each person registered or waiting that the workshop is cancelled; the number of people reached.

    `texts(event, registration)` gives (subject, e-mail body, SMS): a gleaning outing passes its own.
    """
    reached = 0
    for registration in registrations:
        subject, body, sms = texts(workshop, registration)
        if _send(registration, subject, body, sms):
            reached += 1
    return reached


def reminder_values(registration, today: date | None, bring) -> dict:
    """What every reminder says (a workshop's, an outing's), in the active language: to whom, the day (« Demain »
    the day before), the hour, what to bring and the personal cancel link."""
    starts_at = registration.bookable.starts_at
    day = timezone.localtime(starts_at).date()
    today = today or timezone.localdate()
    return {
        "name": registration.participant.first_name,
        "when": _("Demain") if (day - today).days == 1 else date_format(day, "l j F").capitalize(),
        "hour": hour(starts_at),
        "bring": str(bring),
        "url": registration.cancel_url(),
    }


def reminder_texts(registration: Registration, today: date | None = None) -> tuple[str, str, str]:
    workshop = registration.workshop
    with translation.override("fr"):
        values = reminder_values(registration, today, WHAT_TO_BRING)
        values.update(title=_title(workshop), place=_place(workshop))
        sms = _("%(when)s %(hour)s, %(title)s, %(place)s. %(bring)s Pour annuler : %(url)s") % values
        subject = _("Rappel : %(when)s %(hour)s, %(title)s") % values
        body = (
            _(
                "Bonjour %(name)s,\n\n"
                "%(when)s %(hour)s, %(title)s, %(place)s.\n"
                "%(bring)s\n\n"
                "Vous ne pouvez pas venir ? Dites-le ici, la place ira à quelqu'un d'autre : %(url)s\n\n"
                "À bientôt,\nL'équipe de la conserverie"
            )
            % values
        )
    return subject, body, sms


def send_reminder(
    registration: Registration, today: date | None = None, texts=reminder_texts, failures: list | None = None
) -> list[str]:
    """`texts(registration, today)` gives (subject, e-mail body, SMS): a gleaning outing passes its own; the reasons
    of the channels that failed go to `failures`."""
    subject, body, sms = texts(registration, today)
    return _send(registration, subject, body, sms, failures)
