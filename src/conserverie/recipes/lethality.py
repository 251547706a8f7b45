"""Lethality of a heat treatment, from the time–temperature readings at the core of the jar (docs/safety-en.md).

F = ∫ 10^((T − Tref)/z) dt, in minutes at the reference temperature, by the trapezoidal rule between readings.
A low-acid product (pH > 4.5) needs F0 (Tref 121.1 °C, z 10 °C) ≥ 3.0 min at its slowest-heating point; that
floor cannot be lowered. An acid product (pH ≤ 4.5) takes a pasteurisation target set by the trained person,
with the documented default of `default_target`.

Pure functions, no database: the recipes' schedules, the lot's readings and `conserverie process-check` share them.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

ACID, LOW_ACID = "acid", "low_acid"

# A product is acid at pH ≤ 4.5 (measured per batch); above, Clostridium botulinum may grow: it is low-acid.
ACID_PH_LIMIT = Decimal("4.5")
# Water activity above which a low-acid product supports C. botulinum (where it is known).
AW_LIMIT = Decimal("0.94")

# Sterilisation of a low-acid product: F0 at the slowest-heating point (the "botulinum cook", 12 D).
F0_TREF = Decimal("121.1")
F0_Z = Decimal("10")
F0_MINIMUM = Decimal("3.0")

# Readings at the core: one every minute or closer, inside what a probe in a jar can read.
MAX_STEP_MIN = Decimal("1")
MIN_CELSIUS, MAX_CELSIUS = Decimal("-20"), Decimal("150")
MAX_READINGS = 2000  # more than a day at one reading a minute: a typing slip or a forged form

THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class Target:
    tref_c: Decimal
    z_c: Decimal
    minimum_min: Decimal


F0_TARGET = Target(F0_TREF, F0_Z, F0_MINIMUM)


def default_target(category: str, ph: Decimal | None) -> Target:
    """The target a schedule gets when the trained person sets none.

    Low-acid: F0 ≥ 3.0 min. Acid: the heat processes taught for acid canned foods (ICAR e-course « Thermal process
    for canned foods », §4.4, relationship between acidity and severity of the process): 15 min at 100 °C for
    pH 3.7 to 4.5, 5 min at 80 °C for pH 3.7 or less, read here as a lethality at the core with z = 10 °C.
    """
    if category != ACID:
        return F0_TARGET
    if ph is not None and ph <= Decimal("3.7"):
        return Target(Decimal("80"), Decimal("10"), Decimal("5"))
    return Target(Decimal("100"), Decimal("10"), Decimal("15"))


def target_errors(category: str, target: Target) -> list[str]:
    """Why a target is not acceptable for this category (empty when it is)."""
    errors = []
    if target.z_c is None or target.z_c <= 0:
        errors.append(_("La valeur z doit être positive."))
    if target.minimum_min is None or target.minimum_min <= 0:
        errors.append(_("La valeur stérilisatrice minimale doit être positive."))
    if target.tref_c is None or not MIN_CELSIUS <= target.tref_c <= MAX_CELSIUS:
        errors.append(_("La température de référence doit être comprise entre −20 et 150 °C."))
    if category == LOW_ACID and not errors:
        if target.tref_c != F0_TREF or target.z_c != F0_Z:
            errors.append(_("Un produit peu acide se juge sur F0 : température de référence 121,1 °C et z = 10 °C."))
        if target.minimum_min < F0_MINIMUM:
            errors.append(_("Un produit peu acide demande F0 ≥ 3,0 min à cœur ; ce minimum ne peut pas être abaissé."))
    return errors


def reading_errors(readings: list[tuple[Decimal, Decimal]]) -> list[str]:
    """Why a curve of (minute, °C) readings cannot give a lethality (empty when it can)."""
    errors = []
    if len(readings) < 2:
        return [_("Il faut au moins deux relevés de température à cœur.")]
    if len(readings) > MAX_READINGS:
        return [_("Trop de relevés (%(n)s au plus).") % {"n": MAX_READINGS}]
    for (m0, _t0), (m1, _t1) in zip(readings, readings[1:], strict=False):
        if m1 <= m0:
            errors.append(
                _("Les minutes doivent croître d'un relevé au suivant (%(a)s puis %(b)s).") % {"a": m0, "b": m1}
            )
            break
    else:
        gaps = [m1 - m0 for (m0, _a), (m1, _b) in zip(readings, readings[1:], strict=False)]
        if max(gaps) > MAX_STEP_MIN:
            errors.append(
                _("Un relevé par minute au moins : il y a %(gap)s min entre deux relevés.") % {"gap": max(gaps)}
            )
    outside = [t for _m, t in readings if not MIN_CELSIUS <= t <= MAX_CELSIUS]
    if outside:
        errors.append(
            _("Température hors de −20 à 150 °C : %(t)s °C (sonde mal placée ou faute de frappe).") % {"t": outside[0]}
        )
    return errors


def lethality(readings: list[tuple[Decimal, Decimal]], *, tref_c: Decimal, z_c: Decimal) -> Decimal:
    """F in minutes at `tref_c`, trapezoidal rule between readings, rounded to the thousandth.

    The caller has checked the readings (`reading_errors`). Floats for the powers of ten, Decimal for the result.
    """
    tref, z = float(tref_c), float(z_c)
    rates = [(float(m), 10 ** ((float(t) - tref) / z)) for m, t in readings]
    total = sum((m1 - m0) * (r0 + r1) / 2 for (m0, r0), (m1, r1) in zip(rates, rates[1:], strict=False))
    return Decimal(repr(total)).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def constant_lethality(*, celsius: Decimal, minutes, target: Target) -> Decimal:
    """The lethality of a hold at `celsius` for `minutes`, heating and cooling left out: the best a schedule gives."""
    return lethality([(Decimal(0), celsius), (Decimal(minutes), celsius)], tref_c=target.tref_c, z_c=target.z_c)


def category_for_ph(ph: Decimal | None) -> str:
    return ACID if ph is not None and ph <= ACID_PH_LIMIT else LOW_ACID


def fmt(value, places=3) -> str:
    """A number in the French way (3,000), for the reasons shown to a person."""
    return number_format(value, decimal_pos=places)


def parse_readings(text: str) -> list[tuple[Decimal, Decimal]]:
    """Lines « minute température » (decimal comma or point; space, tab or semicolon between): the core curve.

    Raises ValueError with a French message naming the first line it cannot read.
    """
    readings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace(";", " ").replace("\t", " ").split()
        try:
            if len(parts) != 2:
                raise ArithmeticError
            minute, celsius = (Decimal(p.replace(",", ".")) for p in parts)
            if not (minute.is_finite() and celsius.is_finite()):
                raise ArithmeticError
        except (ArithmeticError, ValueError):
            raise ValueError(
                _("Ligne %(n)s illisible : « %(line)s ». Écrivez la minute puis la température, par ex. « 12 118,5 ».")
                % {"n": number, "line": line[:40]}
            ) from None
        readings.append((minute, celsius))
    return readings
