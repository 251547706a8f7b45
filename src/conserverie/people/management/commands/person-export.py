"""`conserverie person-export ID [--json]`: everything held on one person (right of access)."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.scoping import territory_scope
from conserverie.people.management.commands._people import participant_or_fail
from conserverie.people.privacy import person_export

# The sections' names for people; a section not named here (a later app's, or records exported as stored) is
# printed under its key: nothing of the export is left out of the text.
SECTIONS = {
    "merged_records": gettext_lazy("Fiches fusionnées dans celle-ci"),
    "consents": gettext_lazy("Consentements"),
    "registrations": gettext_lazy("Inscriptions"),
    "gleaning_outings": gettext_lazy("Sorties de glanage"),
    "distributions": gettext_lazy("Bocaux emportés"),
    "deposit_movements": gettext_lazy("Mouvements de consigne"),
    "volunteer_hours": gettext_lazy("Heures de bénévolat"),
    "access_log": gettext_lazy("Lectures par l'équipe"),
}


class Command(BaseCommand):
    help = _("Exporte tout ce que la conserverie garde sur une personne (droit d'accès).")

    def add_arguments(self, parser):
        parser.add_argument("id", help=_("Numéro du participant."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, id, json: bool, **options):
        participant = participant_or_fail(id)
        with territory_scope(participant.territory):
            data = person_export(participant)
        if json:
            self.stdout.write(_dumps(data))
            return
        identity = data["identity"]
        lines = [_("Participant n° %(id)s (%(t)s)") % {"id": identity["id"], "t": identity["territory"]}]
        lines += [f"  {key} : {value}" for key, value in identity.items() if key not in ("id", "territory")]
        for key, rows in data.items():
            if key in ("about", "identity", "erasure"):
                continue
            lines.append(f"{SECTIONS.get(key, key)} : {len(rows)}")
            lines += [f"  - {row}" for row in rows]
        if data["erasure"]:
            lines.append(_("Effacement : %(e)s") % {"e": data["erasure"]})
        self.stdout.write("\n".join(lines))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
