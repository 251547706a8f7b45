"""`conserverie expire-offers [--territory SLUG] [--date AAAA-MM-JJ] [--json]`: offers past their window expire.

Run it nightly (cron or a systemd timer); the offers inbox also runs it for its territory when it opens.
"""

import json as jsonlib
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.producers.services import offers_expire
from conserverie.territories.models import Territory


class Command(BaseCommand):
    help = _("Passe en « Expirée » les offres proposées ou acceptées dont la fenêtre de disponibilité est passée.")

    def add_arguments(self, parser):
        parser.add_argument("--territory", help=_("Identifiant du territoire (tous par défaut)."))
        parser.add_argument("--date", help=_("Date du jour, AAAA-MM-JJ (aujourd'hui par défaut)."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, territory, date: str | None, json: bool, **options):
        today = timezone.localdate()
        if date:
            try:
                today = _parse(date)
            except ValueError:
                raise CommandError(
                    _("Date illisible : « %(value)s » (attendu AAAA-MM-JJ).") % {"value": date}
                ) from None
        place = None
        if territory:
            place = Territory.objects.by_slug(territory)
            if place is None:
                raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": territory})
        # One territory, or the nightly run over every territory.
        with territory_scope(place) if place is not None else every_territory():
            count = offers_expire(territory=place, today=today)
        if json:
            self.stdout.write(jsonlib.dumps({"expired": count, "date": today.isoformat()}))
        else:
            self.stdout.write(
                _("%(n)s offre(s) expirée(s) au %(day)s.") % {"n": count, "day": today.strftime("%d/%m/%Y")}
            )


def _parse(value: str) -> date:
    return date.fromisoformat(value)
