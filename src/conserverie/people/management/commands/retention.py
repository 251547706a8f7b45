"""`conserverie retention [--months N] [--dry-run]`: anonymise participants with no participation for N months, and
delete the rows of the logs older than their retention (`people.privacy.LogRetention`: the API's calls, …)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory
from conserverie.people.privacy import logs_purge, logs_stale, participant_retention_erase, participants_stale

MAX_MONTHS = 1200  # a century: beyond it the cut-off date would leave the calendar


class Command(BaseCommand):
    help = _(
        "Anonymise les participants sans aucune participation depuis N mois et supprime les journaux plus anciens "
        "que leur durée de conservation (tâche quotidienne)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=_("Durée de conservation en mois (par défaut : PARTICIPANT_RETENTION_MONTHS)."),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Compter sans rien effacer."))

    def handle(self, *args, months, dry_run: bool, **options):
        with every_territory():  # the participants of every territory
            self._run(months, dry_run)

    def _run(self, months, dry_run: bool):
        months = settings.PARTICIPANT_RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError(_("La durée de conservation est d'au moins un mois."))
        if months > MAX_MONTHS:
            raise CommandError(_("La durée de conservation est d'au plus %(max)s mois.") % {"max": MAX_MONTHS})
        if dry_run:
            ids = list(participants_stale(months=months).values_list("pk", flat=True))
            self.stdout.write(
                _("Essai : %(n)s participant(s) seraient anonymisé(s) (sans participation depuis %(m)s mois).")
                % {"n": len(ids), "m": months}
            )
            try:
                stale = [(log.key, kept, rows.count()) for log, kept, rows in logs_stale()]
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            for key, kept, n in stale:
                self.stdout.write(
                    _("Essai : %(n)s ligne(s) du journal %(log)s seraient supprimée(s) (plus de %(m)s mois).")
                    % {"n": n, "log": key, "m": kept}
                )
            return
        try:
            logs_stale()  # every log's retention checked before anything is erased
            ids = participant_retention_erase(months=months)
            purged = logs_purge()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            _("%(n)s participant(s) anonymisé(s) (sans participation depuis %(m)s mois).")
            % {"n": len(ids), "m": months}
        )
        for key, kept, n in purged:
            self.stdout.write(
                _("%(n)s ligne(s) du journal %(log)s supprimée(s) (plus de %(m)s mois).")
                % {"n": n, "log": key, "m": kept}
            )
