"""A low-acid product is released only when the core curve of every format proves F0 ≥ 3.0 min; a short
lethality blocks the release in plain French, even after a corrective action (docs/safety-en.md)."""

from decimal import Decimal

import pytest

from conserverie.production.haccp import TreatmentReading, lot_add_reading, missing_records
from conserverie.production.models import CorrectiveActionKind, HeatTreatmentRecord, LotStatus
from conserverie.production.services import lot_correct, lot_record, lot_release
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create

from ..conftest import DAY
from ..helpers import refused, seal_checked, signed_off
from ..pages import text

D = Decimal
# The hand-computed curve of tests/recipes/test_lethality.py: F0 = 2.208 min.
SHORT = tuple((D(m), D(t)) for m, t in [(0, "100"), (1, "111.1"), (2, "121.1"), (3, "121.1"), (4, "111.1"), (5, "100")])
# Come-up, 5 min at 121.1 °C, cooling: F0 = 2 × 0.0538812 + 2 × 0.55 + 5 = 6.208 min.
GOOD = tuple(
    (D(m), D(t))
    for m, t in [
        (0, "100"),
        (1, "111.1"),
        (2, "121.1"),
        (3, "121.1"),
        (4, "121.1"),
        (5, "121.1"),
        (6, "121.1"),
        (7, "121.1"),
        (8, "111.1"),
        (9, "100"),
    ]
)


@pytest.fixture
def soup(chain):
    """A low-acid soup (celeriac, leek), sterilised at 121 °C for 30 min."""
    recipe = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="SOUP",
        name="Soupe céleri-poireau",
        category="low_acid",
        ingredients=[(chain.tomato, D("10"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, D("121"), 30)],
        shelf_life_days=730,
    )
    return signed_off(actor=chain.actor, recipe=recipe)


def _lot(chain, soup, core=()):
    return lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=soup,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, D("10"))],
        outputs={chain.jar: 12},
        treatments=[TreatmentReading(chain.jar, D("121.5"), 32, "autoclave", core_readings=core)],
    )


def _stable(chain, lot):
    """A seal check of every jar and a passing stability test (7 days at 37 °C), which a low-acid lot needs before
    release (the critical control points of its plan)."""
    from conserverie.production.stability import stability_record, stability_start

    seal_checked(chain, lot)

    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    stability_record(
        actor=chain.actor,
        test=test,
        swelling=False,
        leak=False,
        ph_after=D("5.9"),
        appearance_ok=True,
        examined_on=test.ends_on,
    )


def test_the_101_degree_one_minute_sterilisation_of_a_low_acid_soup_is_refused(chain):
    with refused("formats", "F = 0,010 min") as info:
        recipe_create(
            actor=chain.actor,
            territory=chain.territory,
            code="SOUP",
            name="Soupe céleri-poireau",
            category="low_acid",
            ingredients=[(chain.tomato, D("10"))],
            formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, D("101"), 1)],
        )
    assert "ce barème n'est pas sûr" in info.value.message_dict["formats"][0]


def test_a_low_acid_target_below_the_f0_floor_is_refused(chain):
    from conserverie.recipes.lethality import Target

    with refused("formats", "ne peut pas être abaissé"):
        recipe_create(
            actor=chain.actor,
            territory=chain.territory,
            code="SOUP",
            name="Soupe",
            category="low_acid",
            ingredients=[(chain.tomato, D("10"))],
            formats=[
                FormatSpec(
                    chain.jar,
                    20,
                    350,
                    HeatTreatment.STERILISATION,
                    D("121"),
                    30,
                    target=Target(D("121.1"), D("10"), D("1")),
                )
            ],
        )


def test_category_and_ph_must_agree(chain):
    spec = FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, D("121"), 30)
    base = dict(actor=chain.actor, territory=chain.territory, code="X", name="X", ingredients=[(chain.tomato, D("1"))])
    with refused("ph_limit", "pH maximal de 4,5 au plus"):
        recipe_create(**base, formats=[spec], category="acid", ph_limit=D("4.8"))
    with refused("ph_limit", "changez la catégorie"):
        recipe_create(**base, formats=[spec], category="low_acid", ph_limit=D("4.0"))
    with refused("water_activity", "entre 0 et 1"):
        recipe_create(**base, formats=[spec], category="low_acid", water_activity=D("1.5"))


def test_the_schedule_carries_the_f0_target(soup):
    fmt = soup.formats.get()
    assert (fmt.target_tref_c, fmt.target_z_c, fmt.target_minimum_min) == (D("121.1"), D("10"), D("3"))
    assert soup.category == "low_acid"


def test_a_low_acid_lot_needs_its_core_curve(chain, soup):
    lot = _lot(chain, soup)
    assert missing_records(lot) == [
        "courbe de température à cœur du format Bocal 375 ml (F0)",
        "contrôle des fermetures de chaque bocal (le lendemain de la production)",
        "test de stabilité (7 jours à 37 °C) favorable",
    ]
    with refused("reason", "courbe de température à cœur"):
        lot_release(actor=chain.actor, lot=lot)


def test_the_lethality_is_stored_beside_its_target_and_a_good_lot_is_released(chain, soup):
    lot = _lot(chain, soup, core=GOOD)
    record = HeatTreatmentRecord.objects.get(lot=lot)
    assert record.lethality_min == D("6.208")
    assert (record.target_tref_c, record.target_z_c, record.target_minimum_min) == (D("121.1"), D("10"), D("3"))
    assert record.core_readings[0] == ["0", "100"]
    assert record.within_limits
    assert lot.status == LotStatus.OPEN
    _stable(chain, lot)
    assert lot_release(actor=chain.actor, lot=lot).status == LotStatus.RELEASED


def test_a_short_lethality_blocks_the_release_even_after_a_corrective_action(chain, soup):
    lot = _lot(chain, soup, core=SHORT)
    assert lot.status == LotStatus.NON_CONFORMING
    assert "F = 2,208 min pour un minimum de 3,0 min" in lot.status_reason
    lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.OTHER, note="Vérifié")
    with refused("reason", "n'a pas atteint sa valeur stérilisatrice") as info:
        lot_release(actor=chain.actor, lot=lot, reason="Je libère quand même")
    assert "F = 2,208 min" in info.value.message_dict["reason"][0]
    # The jars go back to the autoclave; the new core curve reaches F0: the lot may be released.
    lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.RETREAT, note="Repassés 30 min")
    lot = lot_add_reading(
        actor=chain.actor, lot=lot, reading=TreatmentReading(chain.jar, D("121.5"), 32, "autoclave", core_readings=GOOD)
    )
    _stable(chain, lot)
    assert lot_release(actor=chain.actor, lot=lot).status == LotStatus.RELEASED


def test_a_bad_core_curve_is_refused_at_its_field(chain, soup):
    with refused(f"core_{chain.jar.pk}", "au moins deux relevés"):
        _lot(chain, soup, core=((D(0), D(121)),))
    lot = _lot(chain, soup, core=GOOD)
    with refused("core_readings", "Les minutes doivent croître"):
        lot_add_reading(
            actor=chain.actor,
            lot=lot,
            reading=TreatmentReading(chain.jar, D("121"), 30, core_readings=((D(1), D(121)), (D(0), D(121)))),
        )


def test_the_cook_types_the_curve_and_sees_the_lethality_beside_the_target(client, chain, soup, animator):
    lot = _lot(chain, soup)
    client.force_login(animator)
    url = f"/t/{chain.territory.slug}/lots/{lot.code}/"
    curve = "\n".join(f"{m} {str(t).replace('.', ',')}" for m, t in SHORT)
    response = client.post(
        url + "releves/",
        {"jar_format": chain.jar.pk, "temperature_c": "121.5", "minutes": "32", "core_readings": curve},
    )
    assert response.status_code == 302
    page = text(client.get(url))
    assert "F = 2,208 min" in page
    assert "≥ 3,0 min" in page
    assert "valeur insuffisante" in page
    bad = client.post(
        url + "releves/",
        {"jar_format": chain.jar.pk, "temperature_c": "121.5", "minutes": "32", "core_readings": "0 100\n1 chaud"},
    )
    assert bad.status_code == 422
    assert "Ligne 2 illisible" in text(bad)


def test_the_lot_form_lists_todays_workshops_first_and_each_raw_lot_with_its_deadline(client, chain):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from conserverie.territories.models import Site, Structure
    from conserverie.workshops.models import Workshop

    today = timezone.localdate()
    site = Site.objects.filter(territory=chain.territory).first()
    structure = Structure.objects.filter(territory=chain.territory).first()
    for title, day in (
        ("Atelier d'hier", today - timedelta(days=1)),
        ("Atelier du jour", today),
        ("Atelier de demain", today + timedelta(days=1)),
    ):
        Workshop.objects.create(
            territory=chain.territory,
            title=title,
            site=site,
            structure=structure,
            starts_at=timezone.make_aware(datetime.combine(day, time(14))),
            ends_at=timezone.make_aware(datetime.combine(day, time(17))),
            capacity=10,
            created_by=chain.actor,
        )
    client.force_login(chain.actor)
    page = text(client.get(f"/t/{chain.territory.slug}/lots/nouveau/"))
    assert page.index("Atelier du jour") < page.index("Atelier de demain") < page.index("Atelier d'hier")
    # The raw lots offered are those usable on the production day, each with its deadline.
    page = text(client.get(f"/t/{chain.territory.slug}/lots/nouveau/?produced_on={DAY.isoformat()}"))
    assert f"à transformer avant le {chain.raw.use_before:%d/%m/%Y}" in page
