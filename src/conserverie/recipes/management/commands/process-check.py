"""`conserverie process-check --input FILE.json --json`: the lethality of a heat treatment, for quality checks.

Input: {"category": "acid"|"low_acid", "ph": number, "target": {"tref_c", "z_c", "minimum_min"} (optional for a
low-acid product: the F0 floor applies), "readings": [{"minute": number, "celsius": number}, …]}.
Output: {"lethality_min", "tref_c", "z_c", "minimum_min", "verdict": "ok"|"insufficient"|"refused", "reasons"}.
Exit 0 when the computation was made (verdict ok or insufficient); 1 when the input is refused, with the reason on
one line (docs/safety-en.md, « Checking a heat treatment from a file »).
"""

import json
import math
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.recipes.lethality import (
    ACID,
    ACID_PH_LIMIT,
    F0_TARGET,
    LOW_ACID,
    Target,
    lethality,
    reading_errors,
    target_errors,
)

MAX_BYTES = 2_000_000


def _number(value) -> Decimal | None:
    """A JSON number (not a boolean, not NaN nor infinite) as a Decimal; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def check(data) -> dict:
    """The verdict on one input (a parsed JSON value); never raises on bad input: it answers « refused »."""
    reasons: list[str] = []
    out = {"lethality_min": None, "tref_c": None, "z_c": None, "minimum_min": None, "verdict": "refused"}
    if not isinstance(data, dict):
        return {**out, "reasons": [_("L'entrée doit être un objet JSON.")]}
    category = data.get("category")
    if category not in (ACID, LOW_ACID):
        reasons.append(_("« category » vaut « acid » ou « low_acid »."))
    ph = None
    if data.get("ph") is not None:
        ph = _number(data["ph"])
        if ph is None or not Decimal(0) <= ph <= Decimal(14):
            reasons.append(_("« ph » est un nombre entre 0 et 14."))
            ph = None
    if category == ACID and data.get("ph") is None:
        reasons.append(_("Un produit acide se juge sur son pH mesuré : indiquez « ph »."))
    if category == ACID and ph is not None and ph > ACID_PH_LIMIT:
        reasons.append(_("pH %(ph)s : un produit acide a un pH de 4,5 au plus.") % {"ph": ph})
    if category == LOW_ACID and ph is not None and ph <= ACID_PH_LIMIT:
        reasons.append(_("pH %(ph)s : un produit peu acide a un pH au-dessus de 4,5.") % {"ph": ph})
    target = None
    raw_target = data.get("target")
    if raw_target is None:
        if category == LOW_ACID:
            target = F0_TARGET
        elif category == ACID:
            reasons.append(_("Un produit acide a besoin d'un objectif « target » (tref_c, z_c, minimum_min)."))
    elif not isinstance(raw_target, dict):
        reasons.append(_("« target » est un objet : tref_c, z_c, minimum_min."))
    else:
        values = [_number(raw_target.get(k)) for k in ("tref_c", "z_c", "minimum_min")]
        if any(v is None for v in values):
            reasons.append(_("« target » donne trois nombres : tref_c, z_c, minimum_min."))
        else:
            target = Target(*values)
            if category in (ACID, LOW_ACID):
                reasons += target_errors(category, target)
    if target is not None:
        out.update(tref_c=float(target.tref_c), z_c=float(target.z_c), minimum_min=float(target.minimum_min))
    readings = []
    raw_readings = data.get("readings")
    if not isinstance(raw_readings, list):
        reasons.append(_("« readings » est une liste de relevés {minute, celsius}."))
    else:
        for row in raw_readings:
            pair = (_number(row.get("minute")), _number(row.get("celsius"))) if isinstance(row, dict) else (None, None)
            if None in pair:
                reasons.append(_("Chaque relevé donne deux nombres : « minute » et « celsius »."))
                break
            readings.append(pair)
        else:
            reasons += reading_errors(readings)
    if reasons:
        return {**out, "reasons": [str(r) for r in reasons]}
    value = lethality(readings, tref_c=target.tref_c, z_c=target.z_c)
    ok = value >= target.minimum_min
    reason = (
        _("F = %(v)s min atteint le minimum de %(m)s min.") if ok else _("F = %(v)s min, sous le minimum de %(m)s min.")
    ) % {"v": f"{value:.3f}", "m": target.minimum_min}
    return {
        **out,
        "lethality_min": float(value),
        "verdict": "ok" if ok else "insufficient",
        "reasons": [str(reason)],
    }


class Command(BaseCommand):
    help = _("Calcule la valeur stérilisatrice d'un traitement thermique à partir d'un fichier JSON de relevés.")

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help=_("Fichier JSON : catégorie, pH, objectif, relevés."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, input: str, json: bool, **options):
        path = Path(input)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : « %(path)s ».") % {"path": input})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("Fichier trop gros (%(n)s octets au plus).") % {"n": MAX_BYTES})
        try:
            data = _load(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            result = {
                "lethality_min": None,
                "tref_c": None,
                "z_c": None,
                "minimum_min": None,
                "verdict": "refused",
                "reasons": [_("JSON illisible : %(e)s") % {"e": exc}],
            }
        else:
            result = check(data)
        if json:
            self.stdout.write(_dumps(result))
        else:
            for key in ("lethality_min", "tref_c", "z_c", "minimum_min", "verdict"):
                self.stdout.write(f"{key}: {result[key]}")
            for reason in result["reasons"]:
                self.stdout.write(f"- {reason}")
        if result["verdict"] == "refused":
            raise CommandError(" ".join(result["reasons"]).replace("\n", " "))


def _load(text: str):
    return json.loads(text)


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
