"""`conserverie reminders`: the day before, a short message to each person signed up (cron, deploy/).

Run at 9:00, then at 11:00, 14:00 and 18:00: a reminder that no channel accepted is tried again when its next
attempt is due (people.signup.remind), never one already sent.
"""

import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory
from conserverie.gleaning.services import outing_registration_remind, outing_reminders_due
from conserverie.workshops.services import registration_remind, reminders_due


class Command(BaseCommand):
    help = _(
        "Envoie un rappel (e-mail et/ou SMS) aux personnes inscrites aux ateliers du lendemain, une seule fois "
        "par inscription."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("Jour des ateliers à rappeler, AAAA-MM-JJ (par défaut : demain)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Montre ce qui serait envoyé, sans rien envoyer."))
        parser.add_argument("--json", action="store_true", help=_("Résultat en JSON."))

    def handle(self, *args, **options):
        with translation.override("fr"), every_territory():  # the sign-ups of every territory
            today = timezone.localdate()
            day = self._day(options["date"]) or today + timedelta(days=1)
            due = reminders_due(day=day)
            rows = []
            for registration in due:
                sent = [] if options["dry_run"] else registration_remind(registration=registration, today=today)
                rows.append(
                    {
                        "registration": registration.pk,
                        "workshop": registration.workshop_id,
                        "channels": sent,
                    }
                )
            # Gleaning outings of the same day (sourcing): the same rules, their own words.
            outings_due = outing_reminders_due(day=day)
            for registration in outings_due:
                sent = [] if options["dry_run"] else outing_registration_remind(registration=registration, today=today)
                rows.append({"registration": registration.pk, "outing": registration.outing_id, "channels": sent})
            due = [*due, *outings_due]
            if options["json"]:
                self.stdout.write(json.dumps({"day": day.isoformat(), "dry_run": options["dry_run"], "rows": rows}))
                return
            if options["dry_run"]:
                self.stdout.write(
                    _("Essai : %(n)s rappel(s) seraient envoyés pour le %(day)s. Rien n'a été envoyé.")
                    % {"n": len(due), "day": day.strftime("%d/%m/%Y")}
                )
            else:
                sent = sum(1 for row in rows if row["channels"])
                self.stdout.write(
                    _("%(n)s rappel(s) envoyés pour les ateliers du %(day)s.")
                    % {"n": sent, "day": day.strftime("%d/%m/%Y")}
                )
                if failed := len(rows) - sent:
                    self.stdout.write(
                        _(
                            "%(n)s rappel(s) non acceptés par le fournisseur : ils seront réessayés, puis listés pour "
                            "les coordinateurs (Participants › Messages non envoyés)."
                        )
                        % {"n": failed}
                    )

    def _day(self, text: str | None) -> date | None:
        if not text:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("Date invalide pour --date : « %(text)s » (format attendu AAAA-MM-JJ).")
                % {"text": " ".join(text.split())}
            ) from None
        if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
            raise CommandError(_("Date hors limites pour --date : « %(text)s ».") % {"text": text})
        return day
