"""What the purchasing group tells its members, in French and plain words: a round opens, tomorrow's pick-up, the
order is ready. Each member chose the channels (`notify_email`, `notify_sms`): nobody gets a message they did not
accept. A failed channel never undoes anything and the log never holds an address, a number or a link."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conserverie.core.formats import human_date
from conserverie.core.sms import SmsError, send_sms
from conserverie.purchasing.models import GroupMember, Order, Round

log = logging.getLogger(__name__)


def space_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("purchasing_public:space")


def send(member: GroupMember, subject: str, body: str, sms: str) -> list[str]:
    """Send by each channel the member accepted; the channels that went out."""
    person = member.participant
    sent = []
    if person.erased_at is not None:
        return sent
    if member.notify_email and person.email:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            sent.append("email")
        except Exception as exc:  # noqa: BLE001 - one failed channel must not stop the others
            log.warning("e-mail not sent for group member %s: %s", member.pk, type(exc).__name__)
    if member.notify_sms and person.phone:
        try:
            if send_sms(person.phone, sms):
                sent.append("sms")
        except SmsError as exc:
            log.warning("SMS not sent for group member %s: %s", member.pk, exc.reason)
        except Exception as exc:  # noqa: BLE001
            log.warning("SMS not sent for group member %s: %s", member.pk, type(exc).__name__)
    return sent


def _values(the_round: Round, member: GroupMember) -> dict:
    return {
        "name": member.participant.first_name,
        "structure": the_round.structure.name,
        "closes": human_date(timezone.localtime(the_round.closes_at).date(), "l j F"),
        "day": human_date(the_round.pickup_day, "l j F"),
        "start": the_round.pickup_start.strftime("%H:%M"),
        "end": the_round.pickup_end.strftime("%H:%M"),
        "place": the_round.pickup_place,
        "url": space_url(),
        "stop": settings.SITE_URL.rstrip("/") + reverse("purchasing_public:login"),
    }


def round_opened(the_round: Round) -> int:
    """Tell the active members of the structure that a round is open; the number of members reached."""
    members = (
        GroupMember.objects.filter(structure=the_round.structure, status=GroupMember.Status.ACTIVE)
        .select_related("participant", "structure")
        .order_by("pk")
    )
    reached = 0
    with translation.override("fr"):
        for member in members:
            v = _values(the_round, member)
            subject = _("Commande groupée ouverte : %(structure)s") % v
            body = (
                _(
                    "Bonjour %(name)s,\n\nLa commande groupée de %(structure)s est ouverte jusqu'au %(closes)s.\n"
                    "Retrait le %(day)s de %(start)s à %(end)s, %(place)s.\nCommander : %(url)s\n\n"
                    "L'équipe de la conserverie\n\n"
                    "Ne plus recevoir ces messages : depuis votre espace (%(stop)s) "
                    "ou en le disant à votre centre social."
                )
                % v
            )
            sms = (
                _("Conserverie : commande groupée ouverte jusqu'au %(closes)s. Commander : %(url)s (STOP : %(stop)s)")
                % v
            )
            if send(member, subject, body, sms):
                reached += 1
    Round.objects.filter(pk=the_round.pk).update(opened_notified_at=timezone.now())
    return reached


def orders_ready(the_round: Round) -> int:
    """Tell each member whose order is ready (the round closed) when and where to collect it."""
    orders = Order.objects.filter(round=the_round, status=Order.Status.READY, ready_notified_at__isnull=True)
    reached = 0
    with translation.override("fr"):
        for order in orders.select_related("member__participant").order_by("pk"):
            v = _values(the_round, order.member)
            subject = _("Votre commande est prête : retrait le %(day)s") % v
            body = (
                _(
                    "Bonjour %(name)s,\n\nVotre commande est prête. Retrait le %(day)s de %(start)s à %(end)s, "
                    "%(place)s.\nPensez à rapporter vos bocaux vides.\n\nL'équipe de la conserverie\n\n"
                    "Ne plus recevoir ces messages : depuis votre espace (%(stop)s) "
                    "ou en le disant à votre centre social."
                )
                % v
            )
            sms = _("Conserverie : commande prête. Retrait le %(day)s %(start)s-%(end)s, %(place)s.") % v
            if send(order.member, subject, body, sms):
                reached += 1
        orders.update(ready_notified_at=timezone.now())
    return reached


def remind_pickups(today=None) -> int:
    """The day before a pick-up, remind each member with an order to collect; once per round."""
    today = today or timezone.localdate()
    rounds = Round.objects.filter(
        status=Round.Status.CLOSED, pickup_day=today + timedelta(days=1), reminded_at__isnull=True
    ).select_related("structure")
    reached = 0
    with translation.override("fr"):
        for the_round in rounds.order_by("pk"):
            orders = Order.objects.filter(round=the_round, status=Order.Status.READY)
            for order in orders.select_related("member__participant").order_by("pk"):
                v = _values(the_round, order.member)
                subject = _("Rappel : retrait de votre commande demain") % v
                body = (
                    _(
                        "Bonjour %(name)s,\n\nDemain %(day)s, de %(start)s à %(end)s, retrait de votre commande, "
                        "%(place)s.\n\nL'équipe de la conserverie\n\n"
                        "Ne plus recevoir ces messages : depuis votre espace (%(stop)s) "
                        "ou en le disant à votre centre social."
                    )
                    % v
                )
                sms = _("Conserverie : demain %(start)s-%(end)s, retrait de votre commande, %(place)s.") % v
                if send(order.member, subject, body, sms):
                    reached += 1
            Round.objects.filter(pk=the_round.pk).update(reminded_at=timezone.now())
    return reached
