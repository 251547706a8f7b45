"""`conserverie recall LOT --reason "…"`: recall a production lot and write whom to warn."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.distribution.recall_notice import notice_pdf, recall_notice
from conserverie.distribution.trace import lots_forward, write_contacts_csv
from conserverie.production.asof import production_moment, records_as_of
from conserverie.production.models import Hazard, ProductionLot, RecallScope
from conserverie.production.services import lot_recall
from conserverie.territories.models import Membership, Role


def _actor(username: str | None, lot: ProductionLot):
    """`--as` names the person who decides; without it, the territory's first coordinator."""
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Utilisateur inconnu : « %(name)s ».") % {"name": username})
        return user
    membership = (
        Membership.objects.filter(territory=lot.territory, role=Role.COORDINATOR).select_related("user").order_by("id")
    ).first()
    if membership is None:
        raise CommandError(_("Aucune coordination sur ce territoire : précisez --as UTILISATEUR."))
    return membership.user


class Command(BaseCommand):
    help = _("Rappelle un lot de production et écrit la liste des personnes à prévenir.")

    def add_arguments(self, parser):
        parser.add_argument("lot", help=_("Code du lot, par ex. ROM-260610-CTOM1."))
        parser.add_argument("--reason", required=True, help=_("Motif du rappel."))
        parser.add_argument(
            "--scope",
            choices=RecallScope.values,
            default=RecallScope.RECALL,
            help=_("withdrawal : retrait ; recall : rappel auprès des consommateurs (par défaut)."),
        )
        parser.add_argument("--hazard", choices=Hazard.values, default=Hazard.OTHER, help=_("Nature du danger."))
        parser.add_argument("--public-reason", default="", help=_("Motif affiché au public."))
        parser.add_argument("--contact", default="", help=_("Personne à contacter (nom, téléphone, e-mail)."))
        parser.add_argument("--notice", help=_("Fichier PDF où écrire la notification à la DDPP."))
        parser.add_argument(
            "--include-shared",
            action="store_true",
            help=_("Rappeler aussi les lots fabriqués avec un même lot brut."),
        )
        parser.add_argument(
            "--csv", dest="csv_file", help=_("Fichier CSV où écrire la liste des personnes à prévenir.")
        )
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))
        parser.add_argument("--as", dest="username", help=_("Identifiant de la personne qui décide le rappel."))

    def handle(self, *args, lot, reason, include_shared, csv_file, json: bool, username, **options):
        self.details = {k: options[k] for k in ("scope", "hazard", "public_reason", "contact")}
        self.notice = Path(options["notice"]) if options.get("notice") else None
        with every_territory():  # a lot code names its territory; the recall then works in that one
            found = ProductionLot.objects.select_related("territory").filter(code=lot).first()
        if found is None:
            raise CommandError(_("Lot inconnu : « %(code)s ».") % {"code": lot})
        with territory_scope(found.territory):
            self._recall(found, reason, include_shared, csv_file, json, username)

    def _recall(self, found, reason, include_shared, csv_file, json: bool, username):
        path = Path(csv_file) if csv_file else None
        for each in (path, self.notice):
            if each is not None and not each.parent.is_dir():
                raise CommandError(_("Dossier introuvable : « %(dir)s ».") % {"dir": each.parent})
        actor = _actor(username, found)
        try:
            recall = lot_recall(
                actor=actor, lot=found, reason=reason, include_sharing_raw_lots=include_shared, **self.details
            )
        except PermissionDenied:
            raise CommandError(
                _(
                    "%(name)s n'est pas coordinatrice ou coordinateur de ce territoire, "
                    "ni formé(e) HACCP : un rappel se décide par l'une ou l'autre."
                )
                % {"name": actor.get_username()}
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        lots = list(recall.lots.order_by("code"))
        forward = lots_forward([each.pk for each in lots])
        contacts = forward.contacts()
        if path is not None:
            with path.open("w", newline="", encoding="utf-8") as out:
                write_contacts_csv(out, contacts)
        if self.notice is not None:
            with translation.override("fr"):
                self.notice.write_bytes(notice_pdf(recall_notice(recall)))
        then = records_as_of(found, production_moment(found))
        if json:
            data = _as_json(recall, lots, forward, contacts, path)
            data["at_production"] = _state_json(then)
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(
            _("Lot %(code)s rappelé (%(n)s lot(s) en tout : %(lots)s).")
            % {"code": found.code, "n": len(lots), "lots": ", ".join(each.code for each in lots)}
        )
        self.stdout.write(
            _("%(people)s destinataire(s) à prévenir (%(out)s bocal(aux) sortis), %(stock)s bocal(aux) à retirer.")
            % {"people": len(contacts), "out": forward.jars_out, "stock": forward.jars_in_stock}
        )
        for row in forward.stock:
            self.stdout.write(
                f"  - {row['location__name']} : {row['jars']} × {row['jar_format__name']} ({row['lot__code']})"
            )
        self.stdout.write(
            _(
                "À la production (%(when)s) : statut « %(status)s », pH %(ph)s, "
                "%(n)s relevé(s) thermique(s) dont %(bad)s hors barème."
            )
            % {
                "when": f"{then.when:%d/%m/%Y}",
                "status": then.status,
                "ph": then.ph_measured if then.ph_measured is not None else "—",
                "n": len(then.treatments),
                "bad": sum(1 for t in then.treatments if not t.within_limits),
            }
        )
        if path is not None:
            self.stdout.write(_("Liste des contacts écrite dans %(file)s.") % {"file": path})
        if self.notice is not None:
            self.stdout.write(_("Notification à la DDPP écrite dans %(file)s.") % {"file": self.notice})


def _as_json(recall, lots, forward, contacts, path) -> dict:
    return {
        "recall": recall.pk,
        "lot": recall.lot.code,
        "reason": recall.reason,
        "scope": recall.scope,
        "hazard": recall.hazard,
        "recalled_at": recall.recalled_at.isoformat(),
        "lots": [each.code for each in lots],
        "jars_out": forward.jars_out,
        "jars_in_stock": forward.jars_in_stock,
        "stock": [
            {"location": r["location__name"], "lot": r["lot__code"], "format": r["jar_format__name"], "jars": r["jars"]}
            for r in forward.stock
        ],
        "contacts": len(contacts),
        "csv": str(path) if path else None,
    }


def _state_json(state) -> dict:
    return {
        "when": state.when.isoformat(),
        "status": str(state.status),
        "ph_measured": None if state.ph_measured is None else str(state.ph_measured),
        "treatments": [
            {
                "format": t.jar_format.name,
                "temperature_c": str(t.temperature_c),
                "minutes": t.minutes,
                "within_limits": t.within_limits,
            }
            for t in state.treatments
        ],
        "seal_checks": len(state.seal_checks),
        "corrective_actions": len(state.corrective_actions),
    }


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
