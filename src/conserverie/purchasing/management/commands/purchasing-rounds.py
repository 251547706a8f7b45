"""`conserverie purchasing-rounds [--territory SLUG] [--date AAAA-MM-JJ]`: the nightly rule of the purchasing group.

The rounds whose pick-up day has passed are finished (the orders not collected go back to stock) and the members
who collect tomorrow are reminded (if they accepted messages).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from conserverie.purchasing.notify import remind_pickups
from conserverie.purchasing.services import rounds_finish_due
from conserverie.territories.commands import nightly_options


class Command(BaseCommand):
    help = _("Termine les commandes groupées dont le retrait est passé et rappelle les retraits du lendemain.")

    def add_arguments(self, parser):
        parser.add_argument("--territory", help=_("Identifiant du territoire (tous par défaut)."))
        parser.add_argument("--date", help=_("Date du jour, AAAA-MM-JJ (aujourd'hui par défaut)."))

    def handle(self, *args, territory, date: str | None, **options):
        today, place, scope = nightly_options(date, territory)
        with scope:
            done = rounds_finish_due(territory=place, today=today)
            reminded = remind_pickups(today=today)
        self.stdout.write(
            _("%(done)s commande(s) groupée(s) terminée(s), %(reminded)s rappel(s) envoyé(s).")
            % {"done": len(done), "reminded": reminded}
        )
