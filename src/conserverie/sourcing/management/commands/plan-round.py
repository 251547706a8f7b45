"""`conserverie plan-round --input FILE.json [--json] [--seconds N]`: the round planner on a file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.sourcing.rounds.planner import (
    InfeasibleRound,
    minutes_to_clock,
    plan_round,
    plan_to_json,
    problem_from_json,
)


def _read_problem(path: str):
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte order mark (some Windows editors) is skipped
    except FileNotFoundError:
        raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path}) from None
    except UnicodeDecodeError:
        raise CommandError(_("Fichier illisible : %(path)s (ce n'est pas du texte UTF-8).") % {"path": path}) from None
    except OSError as error:
        raise CommandError(_("Fichier illisible : %(path)s (%(error)s)") % {"path": path, "error": error}) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            _("JSON invalide, ligne %(line)s colonne %(col)s : %(msg)s")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None
    except RecursionError:  # thousands of nested brackets
        raise CommandError(_("JSON invalide : trop de niveaux imbriqués.")) from None
    try:
        return problem_from_json(data)
    except ValueError as error:
        raise CommandError(_("Entrée invalide : %(reason)s") % {"reason": error}) from None


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


class Command(BaseCommand):
    requires_system_checks = []  # a pure computation on a file: no database, no URLs to check
    help = _("Propose une tournée de collecte (capacité, fenêtres horaires, offres qui valent le détour).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--input", required=True, help=_("Fichier JSON décrivant le dépôt, le véhicule et les arrêts.")
        )
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))
        parser.add_argument("--seconds", type=float, default=5.0, help=_("Durée maximale de la recherche (défaut 5)."))

    def handle(self, *args, input: str, json: bool, seconds: float, **options):
        if not seconds > 0:
            raise CommandError(_("--seconds doit être un nombre de secondes positif."))
        problem = _read_problem(input)
        try:
            plan = plan_round(problem, seconds=seconds)
        except InfeasibleRound as error:
            raise CommandError(_("Tournée impossible : %(reason)s") % {"reason": error}) from None
        data = plan_to_json(plan)
        if json:
            self.stdout.write(_dumps(data))
            return
        capacity = problem.vehicle.capacity_kg
        lines = [
            _("Tournée : %(n)s arrêt(s), %(skipped)s laissé(s) de côté.")
            % {"n": len(plan.route), "skipped": len(plan.skipped)},
            _("Distance %(km)s km, durée %(min)s min, chargement %(kg)s kg sur %(cap)s kg.")
            % {
                "km": _decimal(plan.distance_km),
                "min": round(plan.duration_min),
                "kg": _decimal(plan.load_kg),
                "cap": _decimal(capacity),
            },
        ]
        windows = {stop.id: stop.window for stop in problem.stops}
        for rank, stop_id in enumerate(plan.route, start=1):
            line = _("%(rank)s. %(id)s, arrivée %(time)s") % {
                "rank": rank,
                "id": stop_id,
                "time": data["arrivals"][stop_id],
            }
            window = windows[stop_id]
            if window and plan.arrivals[stop_id] < window[0]:
                line += " " + _("(attente jusqu'à %(time)s)") % {"time": minutes_to_clock(window[0])}
            lines.append(line)
        if plan.skipped:
            lines.append(_("Laissés de côté : %(ids)s") % {"ids": ", ".join(plan.skipped)})
        self.stdout.write("\n".join(lines))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
