"""What we tell people signed up for a gleaning outing, in French and plain words: a cancellation, tomorrow's reminder.

Sent through the workshops' channels (workshops.notify: e-mail and/or SMS, a failed channel never undoes anything).
"""

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.formats import human_date
from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.workshops.notify import hour, reminder_values

WHAT_TO_BRING = gettext_lazy("Prenez des gants et de bonnes chaussures.")


def outing_cancelled_texts(outing: GleaningOuting, registration: GleaningRegistration) -> tuple[str, str, str]:
    """The e-mail subject, e-mail body and SMS telling a person the outing is cancelled (in French)."""
    with translation.override("fr"):
        values = {
            "name": registration.participant.first_name,
            "farm": outing.producer.name,
            "when": human_date(outing.date, "l j F"),
            "hour": hour(outing.starts_at),
            "reason": outing.cancel_reason,
            "url": settings.SITE_URL.rstrip("/") + reverse("gleaning_public:list"),
        }
        subject = _("Sortie de glanage annulée : %(farm)s, %(when)s") % values
        body = (
            _(
                "Bonjour %(name)s,\n\n"
                "La sortie de glanage à %(farm)s du %(when)s à %(hour)s est annulée.\n"
                "Pourquoi : %(reason)s\n\n"
                "Nous sommes désolés. Vous n'avez rien à faire.\n"
                "Les prochaines sorties : %(url)s\n\n"
                "L'équipe de la conserverie"
            )
            % values
        )
        sms = (
            _(
                "Conserverie : la sortie de glanage à %(farm)s du %(when)s %(hour)s est annulée. "
                "%(reason)s. Désolés ! %(url)s"
            )
            % values
        )
    return subject, body, sms


def outing_reminder_texts(registration: GleaningRegistration, today: date | None = None) -> tuple[str, str, str]:
    outing = registration.outing
    with translation.override("fr"):
        values = reminder_values(registration, today, WHAT_TO_BRING)
        values.update(farm=outing.producer.name, place=outing.meeting_point)
        sms = _("%(when)s %(hour)s, glanage à %(farm)s. RDV : %(place)s. %(bring)s Pour annuler : %(url)s") % values
        subject = _("Rappel : %(when)s %(hour)s, glanage à %(farm)s") % values
        body = (
            _(
                "Bonjour %(name)s,\n\n"
                "%(when)s %(hour)s, glanage à %(farm)s.\n"
                "Rendez-vous : %(place)s.\n"
                "%(bring)s\n\n"
                "Vous ne pouvez pas venir ? Dites-le ici, la place ira à quelqu'un d'autre : %(url)s\n\n"
                "À bientôt,\nL'équipe de la conserverie"
            )
            % values
        )
    return subject, body, sms
