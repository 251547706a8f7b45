"""`conserverie person-erase ID --as USERNAME [--reason ...]`: erase a person's identity, keep the statistics."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import territory_scope
from conserverie.people.management.commands._people import participant_or_fail
from conserverie.people.privacy import participant_erase


class Command(BaseCommand):
    help = _("Efface l'identité d'un participant (droit à l'effacement) ; les chiffres de la saison restent.")

    def add_arguments(self, parser):
        parser.add_argument("id", help=_("Numéro du participant."))
        parser.add_argument(
            "--as", dest="username", required=True, help=_("Identifiant de la coordination qui efface.")
        )
        parser.add_argument("--reason", default="", help=_("Motif (par exemple : demande de la personne)."))

    def handle(self, *args, id, username, reason, **options):
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("Compte inconnu : « %(u)s ».") % {"u": username})
        participant = participant_or_fail(id)
        try:
            with territory_scope(participant.territory):
                record = participant_erase(actor=actor, participant=participant, reason=reason)
        except PermissionDenied:
            raise CommandError(_("%(u)s ne coordonne pas le territoire de ce participant.") % {"u": username}) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            _("Participant n° %(id)s effacé le %(day)s par %(u)s.")
            % {"id": participant.pk, "day": f"{record.erased_at:%d/%m/%Y}", "u": username}
        )
