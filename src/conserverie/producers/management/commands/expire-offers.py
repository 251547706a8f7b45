"""`conserverie expire-offers [--territory SLUG] [--date AAAA-MM-JJ] [--json]`: offers past their window expire.

Run it nightly (cron or a systemd timer); the offers inbox also runs it for its territory when it opens.
"""

import json as jsonlib

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from conserverie.producers.services import offers_expire
from conserverie.territories.commands import nightly_options


class Command(BaseCommand):
    help = _("Passe en « Expirée » les offres proposées ou acceptées dont la fenêtre de disponibilité est passée.")

    def add_arguments(self, parser):
        parser.add_argument("--territory", help=_("Identifiant du territoire (tous par défaut)."))
        parser.add_argument("--date", help=_("Date du jour, AAAA-MM-JJ (aujourd'hui par défaut)."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, territory, date: str | None, json: bool, **options):
        today, place, scope = nightly_options(date, territory)
        # One territory, or the nightly run over every territory.
        with scope:
            count = offers_expire(territory=place, today=today)
        if json:
            self.stdout.write(jsonlib.dumps({"expired": count, "date": today.isoformat()}))
        else:
            self.stdout.write(
                _("%(n)s offre(s) expirée(s) au %(day)s.") % {"n": count, "day": today.strftime("%d/%m/%Y")}
            )
