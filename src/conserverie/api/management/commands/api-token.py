"""`conserverie api-token --user USERNAME [--territory SLUG] [--scope read|write] [--expires DAYS] [--name TEXT]`.

Prints a new API token once (the database keeps only its SHA-256 digest). The token acts with the person's role in
the territory; `--territory` is needed when the person holds a role in several (docs/api-en.md).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.api.models import TokenScope
from conserverie.api.services import MAX_DAYS, token_create
from conserverie.core.scoping import territory_scope
from conserverie.territories.models import Membership, Territory


class Command(BaseCommand):
    help = _("Crée un jeton d'API pour une personne (affiché une seule fois).")

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help=_("Identifiant de connexion de la personne."))
        parser.add_argument("--territory", help=_("Territoire (identifiant), si la personne en a plusieurs."))
        parser.add_argument("--scope", default=TokenScope.READ, help=_("read (lecture seule, par défaut) ou write."))
        parser.add_argument(
            "--expires", help=_("Validité en jours (1 à %(max)d) ; sans limite sinon.") % {"max": MAX_DAYS}
        )
        parser.add_argument("--name", default="", help=_("À quoi sert le jeton (ex. : « boutique en ligne »)."))

    def handle(self, *args, user, territory, scope, expires, name, **options):
        person = get_user_model().objects.filter(username=user).first()
        if person is None:
            raise CommandError(_("Personne inconnue : « %(user)s ».") % {"user": user})
        if scope not in TokenScope.values:
            raise CommandError(_("--scope vaut « read » ou « write », pas « %(scope)s ».") % {"scope": scope})
        days = None
        if expires is not None:
            text = str(expires).strip()
            if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
                raise CommandError(_("--expires est un nombre de jours de 1 à %(max)d.") % {"max": MAX_DAYS})
            days = int(text)
        place = self._territory(person, territory)
        try:
            with territory_scope(place):
                row, token = token_create(user=person, territory=place, scope=scope, days=days, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        until = row.expires_at.date().isoformat() if row.expires_at else _("sans limite")
        self.stderr.write(
            _("Jeton %(scope)s pour %(user)s sur %(t)s, valable jusqu'au %(until)s. Il ne sera plus jamais affiché :")
            % {"scope": scope, "user": person.username, "t": place.slug, "until": until}
        )
        self.stdout.write(token)

    def _territory(self, person, slug):
        if slug:
            place = Territory.objects.by_slug(slug)
            if place is None:
                raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": slug})
            return place
        ids = list(Membership.objects.filter(user=person).values_list("territory_id", flat=True).distinct())
        if len(ids) == 1:
            return Territory.objects.get(pk=ids[0])
        if not ids:
            raise CommandError(_("Cette personne n'a de rôle sur aucun territoire."))
        raise CommandError(_("Cette personne a un rôle sur plusieurs territoires : précisez --territory."))
