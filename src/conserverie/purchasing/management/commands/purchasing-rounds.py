"""`conserverie purchasing-rounds [--territory SLUG] [--date AAAA-MM-JJ]`: the nightly rule of the purchasing group.

The rounds whose pick-up day has passed are finished (the orders not collected go back to stock) and the members
who collect tomorrow are reminded (if they accepted messages).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.purchasing.notify import remind_pickups
from conserverie.purchasing.services import rounds_finish_due
from conserverie.territories.models import Territory


class Command(BaseCommand):
    help = _("Termine les commandes groupées dont le retrait est passé et rappelle les retraits du lendemain.")

    def add_arguments(self, parser):
        parser.add_argument("--territory", help=_("Identifiant du territoire (tous par défaut)."))
        parser.add_argument("--date", help=_("Date du jour, AAAA-MM-JJ (aujourd'hui par défaut)."))

    def handle(self, *args, territory, date: str | None, **options):
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
        with territory_scope(place) if place is not None else every_territory():
            done = rounds_finish_due(territory=place, today=today)
            reminded = remind_pickups(today=today)
        self.stdout.write(
            _("%(done)s commande(s) groupée(s) terminée(s), %(reminded)s rappel(s) envoyé(s).")
            % {"done": len(done), "reminded": reminded}
        )


def _parse(value: str) -> date:
    return date.fromisoformat(value)
