"""What the person commands share: find a participant by its number, or stop with a one-line French reason."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory
from conserverie.people.models import Participant


def participant_or_fail(raw_id: str) -> Participant:
    text = str(raw_id).strip().lstrip("#")
    if not (text.isascii() and text.isdigit() and len(text) <= 18):  # "²" is a digit; 10**19 overflows SQL
        raise CommandError(_("Numéro de participant invalide : « %(id)s ».") % {"id": raw_id})
    with every_territory():  # a participant's number names its territory; the command then works in that one
        participant = Participant.objects.select_related("territory").filter(pk=int(text)).first()
    if participant is None:
        raise CommandError(_("Participant inconnu : n° %(id)s.") % {"id": text})
    return participant
