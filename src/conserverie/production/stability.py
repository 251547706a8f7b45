"""Stability test of a low-acid lot, as NF V08-408 describes the routine method: sample jars incubated 7 days at
37 °C (and 7 days at 55 °C where the recipe says so), then examined. A low-acid lot is released only after a
passing test; a failing test blocks the lot and, when jars already left the cannery, proposes a recall
(docs/safety-en.md)."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.production.haccp import append_status_reason
from conserverie.production.models import LotStatus, ProductionLot, StabilityResult, StabilityTest
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.permissions import require_role

INCUBATION_DAYS = 7
MAX_PH_DRIFT = Decimal("0.5")
# Jars that reached people: a failing lot with such movements calls for a recall, not only a block.
LEFT_KINDS = (MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL)


def stability_start(*, actor, lot: ProductionLot, jars: int, started_on: date | None = None) -> StabilityTest:
    """Sample jars go into the incubator; the test ends 7 days later."""
    require_role(actor, lot.territory)
    started_on = started_on or timezone.localdate()
    errors = {}
    if jars is None or jars < 1:
        errors["jars"] = _("Mettez au moins un bocal en incubation.")
    if started_on < lot.produced_on:
        errors["started_on"] = _("L'incubation commence après la fabrication.")
    elif started_on > timezone.localdate():
        errors["started_on"] = _("L'incubation ne commence pas dans le futur.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot = ProductionLot.objects.select_for_update().get(pk=lot.pk)
        if lot.status == LotStatus.RECALLED:
            raise ValidationError({"jars": _("Ce lot est rappelé : plus de test à lancer.")})
        if lot.stability_tests.filter(result=StabilityResult.PENDING).exists():
            raise ValidationError({"jars": _("Un test de stabilité de ce lot est déjà en incubation.")})
        made = sum(StockMovement.objects.filter(lot=lot, kind=MovementKind.PRODUCED).values_list("quantity", flat=True))
        if jars > made:
            raise ValidationError({"jars": _("Ce lot n'a que %(n)s bocaux.") % {"n": made}})
        test = StabilityTest(
            lot=lot,
            jars=jars,
            at_55=bool(lot.recipe_snapshot.get("stability_at_55")),
            started_on=started_on,
            ends_on=started_on + timedelta(days=INCUBATION_DAYS),
            started_by=actor,
            ph_before=lot.ph_measured,
        )
        return save_as(test, actor)


def stability_record(
    *,
    actor,
    test: StabilityTest,
    swelling: bool,
    leak: bool,
    ph_after: Decimal | None,
    appearance_ok: bool,
    note: str = "",
    examined_on: date | None = None,
) -> StabilityTest:
    """The jars out of the incubator: stable, or the lot is blocked (and a recall proposed if jars left)."""
    require_role(actor, test.lot.territory)
    examined_on = examined_on or timezone.localdate()
    note = (note or "").strip()
    errors = {}
    if ph_after is None:
        errors["ph_after"] = _("Mesurez le pH des bocaux sortis d'incubation.")
    elif not Decimal(0) <= ph_after <= Decimal(14):
        errors["ph_after"] = _("Un pH est compris entre 0 et 14.")
    if examined_on < test.ends_on:
        errors["examined_on"] = _("L'incubation dure jusqu'au %(d)s : pas de résultat avant.") % {
            "d": f"{test.ends_on:%d/%m/%Y}"
        }
    elif examined_on > timezone.localdate():
        errors["examined_on"] = _("Le résultat n'est pas dans le futur.")
    if len(note) > 250:
        errors["note"] = _("La remarque tient en 250 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        test = StabilityTest.objects.select_for_update().get(pk=test.pk)
        lot = ProductionLot.objects.select_for_update().get(pk=test.lot_id)
        if test.result != StabilityResult.PENDING:
            raise ValidationError({"ph_after": _("Le résultat de ce test est déjà enregistré.")})
        drift = None if test.ph_before is None else abs(ph_after - test.ph_before)
        problems = []
        if swelling:
            problems.append(_("bocal bombé"))
        if leak:
            problems.append(_("fuite"))
        if drift is not None and drift > MAX_PH_DRIFT:
            problems.append(_("pH passé de %(a)s à %(b)s (écart > 0,5)") % {"a": test.ph_before, "b": ph_after})
        if not appearance_ok:
            problems.append(_("aspect ou odeur anormal"))
        test.swelling, test.leak, test.ph_after, test.appearance_ok = swelling, leak, ph_after, appearance_ok
        test.note, test.examined_on, test.examined_by = note, examined_on, actor
        test.result = StabilityResult.FAILED if problems else StabilityResult.PASSED
        save_as(test, actor)
        if problems and lot.status != LotStatus.RECALLED:
            lot.status = LotStatus.BLOCKED
            lot.status_reason = append_status_reason(
                lot, _("Test de stabilité défavorable : %(p)s") % {"p": ", ".join(str(p) for p in problems)}
            )
            save_as(lot, actor)
        return test


def jars_left(lot: ProductionLot) -> bool:
    """Whether jars of the lot reached people (given, sold, used): a failing test then calls for a recall."""
    return StockMovement.objects.filter(lot=lot, kind__in=LEFT_KINDS).exists()


def stability_missing(lot: ProductionLot, tests) -> list[str]:
    """What a low-acid lot lacks before release on the stability side (no query: `tests` are the lot's)."""
    if any(t.result == StabilityResult.PASSED for t in tests):
        return []
    pending = [t for t in tests if t.result == StabilityResult.PENDING]
    if pending:
        return [_("test de stabilité en incubation jusqu'au %(d)s") % {"d": f"{pending[-1].ends_on:%d/%m/%Y}"}]
    if any(t.result == StabilityResult.FAILED for t in tests):
        return [_("test de stabilité favorable (le dernier a échoué)")]
    return [_("test de stabilité (7 jours à 37 °C) favorable")]


def waiting_tests(territory):
    """Lots waiting for their stability test, soonest end first (one query)."""
    return (
        StabilityTest.objects.filter(lot__territory=territory, result=StabilityResult.PENDING)
        .select_related("lot")
        .order_by("ends_on", "lot__code")
    )
