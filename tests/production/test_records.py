"""A lot is released only with the readings of its HACCP plan's critical control points, within their limits: pH,
heat treatment (per format and batch, core curve when sterilised), seal check of every jar (docs/safety-en.md)."""

from decimal import Decimal

import pytest

from conserverie.production.haccp import TreatmentReading, lot_add_reading, lot_ccp_kinds, missing_records
from conserverie.production.models import HeatTreatmentRecord, LotStatus
from conserverie.production.services import lot_release
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create
from conserverie.territories.models import JarFormat

from ..helpers import cold_reading, good_reading, make_lot, refused, seal_checked, signed_off
from ..pages import text


def heat(lot) -> list[str]:
    return [m for m in missing_records(lot) if "traitement thermique" in m]


def test_release_refuses_a_format_without_reading(chain):
    lot = make_lot(chain, treatments=())
    seal_checked(chain, lot)
    assert missing_records(lot) == [
        "courbe de température à cœur du format Bocal 375 ml (valeur stérilisatrice)",
        "relevé de traitement thermique du format Bocal 375 ml",
    ]
    with refused("reason", "Dossier HACCP incomplet"):
        lot_release(actor=chain.actor, lot=lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def test_a_reading_added_later_lets_the_lot_be_released(chain):
    lot = make_lot(chain, treatments=())
    lot = lot_add_reading(actor=chain.actor, lot=lot, reading=good_reading(chain))
    assert lot.status == LotStatus.OPEN
    seal_checked(chain, lot)
    assert missing_records(lot) == []
    assert lot_release(actor=chain.actor, lot=lot).status == LotStatus.RELEASED
    record = HeatTreatmentRecord.objects.get(lot=lot)
    assert record.within_limits
    assert record.history.first().history_user == chain.actor


def test_a_cold_reading_added_later_makes_the_lot_non_conforming(chain):
    lot = make_lot(chain, treatments=())
    lot = lot_add_reading(actor=chain.actor, lot=lot, reading=cold_reading(chain))
    assert lot.status == LotStatus.NON_CONFORMING
    assert "hors barème" in lot.status_reason


def test_reading_refusals_write_nothing(chain, other):
    lot = make_lot(chain, treatments=(), ph=None)
    with refused("temperature_c"):
        lot_add_reading(actor=chain.actor, lot=lot)
    spare = JarFormat.objects.create(territory=chain.territory, name="Bocal 750", volume_ml=750, deposit_eur=1)
    with refused("jar_format", "Aucun bocal de ce format"):
        lot_add_reading(actor=chain.actor, lot=lot, reading=TreatmentReading(spare, Decimal("110"), 45))
    lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.0"))
    with refused("ph_measured", "déjà enregistré"):
        lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.1"))


# Release asks exactly the readings of the critical control points of the lot's HACCP plan (docs/safety-en.md).


def test_the_lot_keeps_the_critical_control_points_of_its_validated_plan(chain):
    lot = make_lot(chain)
    assert lot.recipe_snapshot["haccp_ccps"] == ["ph", "seal", "sterilisation"]
    assert lot.recipe_snapshot["haccp_validated_at"] is not None
    assert lot_ccp_kinds(lot) == {"ph", "seal", "sterilisation"}


def test_release_needs_the_ph_then_refuses_one_above_the_limit_until_measured_again(chain):
    lot = make_lot(chain, ph=None)
    seal_checked(chain, lot)
    assert missing_records(lot) == ["pH mesuré (point critique : pH ≤ 4,4)"]
    with refused("reason", "pH mesuré (point critique : pH ≤ 4,4)"):
        lot_release(actor=chain.actor, lot=lot, reason="vu")
    lot = lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.8"))
    assert lot.status == LotStatus.NON_CONFORMING
    # A corrective action does not answer a pH above its critical limit: only a new measure does.
    with refused("reason", "pH 4,8 au-dessus de la limite critique 4,4"):
        lot_release(actor=chain.actor, lot=lot, reason="Citron ajouté")
    lot = lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.2"))  # acidified, measured again
    assert missing_records(lot) == []
    lot = lot_release(actor=chain.actor, lot=lot, reason="Citron ajouté, pH mesuré de nouveau")
    assert lot.status == LotStatus.RELEASED
    assert lot.ph_measured == Decimal("4.2")
    assert Decimal("4.8") in set(lot.history.values_list("ph_measured", flat=True))  # the first measure is kept


def test_a_heat_treatment_below_its_schedule_needs_a_new_treatment_not_only_an_action(chain):
    lot = make_lot(chain, treatments=[cold_reading(chain)])
    seal_checked(chain, lot)
    assert lot.status == LotStatus.NON_CONFORMING
    assert heat(lot) == [
        "traitement thermique du format Bocal 375 ml hors barème (110,0 °C pendant 45 min au moins) : refaites-le et "
        "enregistrez le relevé du nouveau traitement"
    ]
    with refused("reason", "hors barème"):
        lot_release(actor=chain.actor, lot=lot, reason="Repassé à l'autoclave")
    lot_add_reading(actor=chain.actor, lot=lot, reading=good_reading(chain))
    assert missing_records(lot) == []
    assert lot_release(actor=chain.actor, lot=lot, reason="Repassé à l'autoclave").status == LotStatus.RELEASED


def test_a_sterilised_format_needs_its_core_curve(chain):
    lot = make_lot(chain, treatments=[TreatmentReading(chain.jar, Decimal("110"), 45)])
    seal_checked(chain, lot)
    with refused("reason", "courbe de température à cœur du format Bocal 375 ml (valeur stérilisatrice)"):
        lot_release(actor=chain.actor, lot=lot)


def test_release_needs_the_seal_of_every_jar_checked(chain):
    from datetime import timedelta

    from conserverie.production.services import lot_seal_check

    from ..conftest import aware

    lot = make_lot(chain, jars=10)
    assert missing_records(lot) == ["contrôle des fermetures de chaque bocal (le lendemain de la production)"]
    with refused("reason", "contrôle des fermetures"):
        lot_release(actor=chain.actor, lot=lot)
    next_day = aware(lot.produced_on + timedelta(days=1), 9)
    lot_seal_check(actor=chain.actor, lot=lot, jars_checked=6, jars_failed=0, at=next_day)
    with refused("reason", "6 contrôlé(s) sur 10"):
        lot_release(actor=chain.actor, lot=lot)
    lot_seal_check(actor=chain.actor, lot=lot, jars_checked=4, jars_failed=0, at=next_day)
    assert lot_release(actor=chain.actor, lot=lot).status == LotStatus.RELEASED


def test_the_lot_page_lists_each_missing_or_failing_point(client, chain):
    lot = make_lot(chain, treatments=[cold_reading(chain)], ph=None)
    client.force_login(chain.actor)
    page = text(client.get(f"/t/romans/lots/{lot.code}/"))
    assert "il manque ces relevés des points critiques de son plan HACCP" in page
    reasons = (
        "pH mesuré (point critique : pH ≤ 4,4)",
        "hors barème (110,0 °C pendant 45 min au moins)",
        "contrôle des fermetures de chaque bocal",
    )
    assert all(reason in page for reason in reasons)
    refused_page = client.post(f"/t/romans/lots/{lot.code}/liberer/", {"reason": "vu"})
    assert refused_page.status_code == 422
    assert "Dossier HACCP incomplet" in text(refused_page)
    lot.refresh_from_db()
    assert lot.status == LotStatus.NON_CONFORMING
    assert not lot.corrective_actions.exists()  # nothing half-written


@pytest.fixture
def pickles(chain):
    """A pasteurised recipe: its safety rests on acidity, so the lot needs its measured pH."""
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="PICK",
        name="Pickles",
        ingredients=[(chain.tomato, Decimal("10"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.PASTEURISATION, Decimal("95"), 50)],
        ph_limit=Decimal("4.2"),
        shelf_life_days=365,
    )
    return signed_off(actor=chain.actor, recipe=recipe)


def test_a_pasteurised_lot_needs_its_ph(chain, pickles):
    from conserverie.production.services import lot_record

    from ..conftest import DAY

    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=pickles,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("10"))],
        outputs={chain.jar: 12},
        treatments=[TreatmentReading(chain.jar, Decimal("96"), 55)],
    )
    seal_checked(chain, lot)
    # A pasteurised format needs no core curve (the plan's pasteurisation point reads the bath).
    assert missing_records(lot) == ["pH mesuré (point critique : pH ≤ 4,2)"]
    with refused("reason", "pH mesuré"):
        lot_release(actor=chain.actor, lot=lot)
    lot = lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.6"))
    assert lot.status == LotStatus.NON_CONFORMING
    assert "pH 4.6" in lot.status_reason


def test_lot_page_lists_missing_records_and_takes_a_reading(client, chain, animator):
    lot = make_lot(chain, treatments=())
    client.force_login(animator)
    url = f"/t/romans/lots/{lot.code}/"
    page = text(client.get(url))
    assert "relevé de traitement thermique du format Bocal 375 ml" in page
    bad = client.post(f"{url}releves/", {"jar_format": chain.jar.pk, "temperature_c": "110"})
    assert bad.status_code == 422
    assert "format, la température et la durée" in text(bad)
    assert not HeatTreatmentRecord.objects.filter(lot=lot).exists()
    done = client.post(f"{url}releves/", {"jar_format": chain.jar.pk, "temperature_c": "111", "minutes": "50"})
    assert done.status_code == 302
    assert "relevé de traitement thermique du format" not in text(client.get(url))


def test_lot_page_of_another_territory_is_404_for_readings(client, chain, other_coordinator):
    lot = make_lot(chain, treatments=())
    client.force_login(other_coordinator)
    response = client.post(f"/t/romans/lots/{lot.code}/releves/", {"ph_measured": "4"})
    assert response.status_code == 404
    assert lot.treatments.count() == 0


def test_readings_per_batch_must_cover_every_batch(chain):
    from conserverie.production.services import lot_record

    from ..conftest import DAY

    def reading(batch):
        return TreatmentReading(chain.jar, Decimal("110"), 45, "autoclave", batch)

    with refused("batches", "fournée que ce lot n'a pas"):
        lot_record(
            actor=chain.actor,
            territory=chain.territory,
            recipe=chain.recipe,
            produced_on=DAY,
            location=chain.truck,
            raw_inputs=[(chain.raw, Decimal("20"))],
            outputs={chain.jar: 30},
            batches=2,
            treatments=[reading(3)],
        )
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("20"))],
        outputs={chain.jar: 30},
        batches=2,
        treatments=[reading(1)],
    )
    assert heat(lot) == ["relevé de traitement thermique du format Bocal 375 ml, fournée 2"]
    with refused("batch", "2 fournée(s)"):
        lot_add_reading(actor=chain.actor, lot=lot, reading=reading(5))
    lot_add_reading(actor=chain.actor, lot=lot, reading=reading(2))
    assert heat(lot) == []
    assert sorted(lot.treatments.values_list("batch", flat=True)) == [1, 2]
