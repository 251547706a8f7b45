"""A lot is released only with a complete HACCP file: a reading per format filled, a pH where pasteurised."""

from decimal import Decimal

import pytest

from conserverie.production.haccp import TreatmentReading, lot_add_reading, missing_records
from conserverie.production.models import HeatTreatmentRecord, LotStatus
from conserverie.production.services import lot_release
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create, recipe_validate_schedule
from conserverie.territories.models import JarFormat

from ..helpers import cold_reading, good_reading, make_lot, refused
from ..pages import text


def test_release_refuses_a_format_without_reading(chain):
    lot = make_lot(chain, treatments=())
    assert missing_records(lot) == ["relevé de traitement thermique du format Bocal 375 ml"]
    with refused("reason", "Dossier HACCP incomplet"):
        lot_release(actor=chain.actor, lot=lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN


def test_a_reading_added_later_lets_the_lot_be_released(chain):
    lot = make_lot(chain, treatments=())
    lot = lot_add_reading(actor=chain.actor, lot=lot, reading=good_reading(chain))
    assert lot.status == LotStatus.OPEN
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
    lot = make_lot(chain, treatments=())
    with refused("temperature_c"):
        lot_add_reading(actor=chain.actor, lot=lot)
    spare = JarFormat.objects.create(territory=chain.territory, name="Bocal 750", volume_ml=750, deposit_eur=1)
    with refused("jar_format", "Aucun bocal de ce format"):
        lot_add_reading(actor=chain.actor, lot=lot, reading=TreatmentReading(spare, Decimal("110"), 45))
    lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.0"))
    with refused("ph_measured", "déjà enregistré"):
        lot_add_reading(actor=chain.actor, lot=lot, ph_measured=Decimal("4.1"))


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
    return recipe_validate_schedule(actor=chain.actor, recipe=recipe)


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
    assert missing_records(lot) == ["pH mesuré (pasteurisation)"]
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
    assert "Relevés manquants" in page
    assert "Bocal 375 ml" in page
    bad = client.post(f"{url}releves/", {"jar_format": chain.jar.pk, "temperature_c": "110"})
    assert bad.status_code == 422
    assert "format, la température et la durée" in text(bad)
    assert not HeatTreatmentRecord.objects.filter(lot=lot).exists()
    done = client.post(f"{url}releves/", {"jar_format": chain.jar.pk, "temperature_c": "111", "minutes": "50"})
    assert done.status_code == 302
    assert "Relevés manquants" not in text(client.get(url))


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
    assert missing_records(lot) == ["relevé de traitement thermique du format Bocal 375 ml, fournée 2"]
    with refused("batch", "2 fournée(s)"):
        lot_add_reading(actor=chain.actor, lot=lot, reading=reading(5))
    lot_add_reading(actor=chain.actor, lot=lot, reading=reading(2))
    assert missing_records(lot) == []
    assert sorted(lot.treatments.values_list("batch", flat=True)) == [1, 2]
