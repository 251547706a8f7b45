"""Trained people, not roles, sign off (docs/safety-en.md): validating a schedule and releasing a lot need a HACCP
training valid today; the register says who released each lot; the trainings page warns 60 days ahead."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conserverie.production.models import LotStatus
from conserverie.production.register import Period, register_lots, register_rows
from conserverie.production.services import lot_release
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create, recipe_validate_schedule
from conserverie.territories.models import Role, Training, TrainingKind
from conserverie.territories.permissions import may_sign
from conserverie.territories.trainings import training_record

from ..conftest import DAY, make_user
from ..helpers import make_lot, refused, seal_checked
from ..pages import text

TODAY = timezone.localdate()


def _recipe(chain, code="CONF"):
    return recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code=code,
        name="Confiture",
        category="acid",
        ph_limit=Decimal("3.5"),
        ingredients=[(chain.tomato, Decimal("5"))],
        formats=[FormatSpec(chain.jar, 20, 310, HeatTreatment.PASTEURISATION, Decimal("90"), 10)],
    )


@pytest.fixture
def trained_animator(chain):
    user = make_user("animatrice-formee", chain.territory, Role.ANIMATOR)
    training_record(
        actor=chain.actor,
        territory=chain.territory,
        user=user,
        kind=TrainingKind.HACCP,
        obtained_on=TODAY - timedelta(days=30),
        organisation="Organisme agréé (fictif)",
        expires_on=TODAY + timedelta(days=1000),
    )
    return user


@pytest.fixture
def untrained_coordinator(chain):
    return make_user("coord-sans-formation", chain.territory, Role.COORDINATOR, trained=False)


def test_the_trained_animator_validates_and_releases(chain, trained_animator):
    recipe = recipe_validate_schedule(actor=trained_animator, recipe=_recipe(chain))
    assert recipe.validated_by == trained_animator
    lot = make_lot(chain)
    seal_checked(chain, lot)
    assert lot_release(actor=trained_animator, lot=lot).status == LotStatus.RELEASED
    assert lot.history.first().history_user == trained_animator


def test_an_untrained_coordinator_cannot_sign(chain, untrained_coordinator):
    recipe = _recipe(chain)
    with pytest.raises(PermissionDenied, match="formation HACCP"):
        recipe_validate_schedule(actor=untrained_coordinator, recipe=recipe)
    lot = make_lot(chain)
    with pytest.raises(PermissionDenied, match="formation HACCP"):
        lot_release(actor=untrained_coordinator, lot=lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPEN
    recipe.refresh_from_db()
    assert recipe.validated_at is None


def test_an_untrained_animator_cannot_sign(chain, animator):
    with pytest.raises(PermissionDenied):
        lot_release(actor=animator, lot=make_lot(chain))


def test_an_expired_or_hygiene_only_training_does_not_sign(chain):
    person = make_user("ancienne", chain.territory, Role.ANIMATOR)
    Training.objects.create(
        territory=chain.territory,
        user=person,
        kind=TrainingKind.HACCP,
        obtained_on=date(2020, 1, 1),
        expires_on=TODAY - timedelta(days=1),
        organisation="X",
        recorded_by=chain.actor,
    )
    Training.objects.create(
        territory=chain.territory,
        user=person,
        kind=TrainingKind.HYGIENE,
        obtained_on=TODAY - timedelta(days=10),
        organisation="X",
        recorded_by=chain.actor,
    )
    assert not may_sign(person, chain.territory, "lot.release")
    with pytest.raises(PermissionDenied):
        lot_release(actor=person, lot=make_lot(chain))


def test_a_training_of_another_territory_does_not_sign(chain, other):
    person = make_user("voisine", other.territory, Role.ANIMATOR, trained=True)
    from conserverie.territories.models import Membership

    Membership.objects.create(user=person, territory=chain.territory, role=Role.ANIMATOR)
    with pytest.raises(PermissionDenied):
        lot_release(actor=person, lot=make_lot(chain))


def test_training_refusals(chain, animator, other):
    stranger = make_user("ailleurs", other.territory, Role.ANIMATOR)
    base = dict(actor=chain.actor, territory=chain.territory, kind=TrainingKind.HACCP, organisation="Org")
    with refused("user", "pas membre"):
        training_record(**base, user=stranger, obtained_on=DAY)
    with refused("obtained_on", "dans le passé"):
        training_record(**base, user=animator, obtained_on=TODAY + timedelta(days=1))
    with refused("expires_on", "suit la date"):
        training_record(**base, user=animator, obtained_on=DAY, expires_on=DAY)
    with refused("organisation", "organisme"):
        training_record(**{**base, "organisation": "  "}, user=animator, obtained_on=DAY)
    with refused("kind"):
        training_record(**{**base, "kind": "magic"}, user=animator, obtained_on=DAY)
    exe = SimpleUploadedFile("attestation.exe", b"MZ", content_type="application/octet-stream")
    with refused("certificate", "PDF"):
        training_record(**base, user=animator, obtained_on=DAY, certificate=exe)
    with pytest.raises(PermissionDenied):
        training_record(**{**base, "actor": animator}, user=animator, obtained_on=DAY)


def test_the_register_says_who_released(chain, trained_animator):
    lot = make_lot(chain)
    seal_checked(chain, lot)
    lot_release(actor=trained_animator, lot=lot)
    row = register_rows(register_lots(chain.territory, Period(DAY, DAY)))[0]
    assert row["released_by"].startswith("animatrice-formee, ")


def test_the_trainings_page_warns_before_expiry_and_records_a_training(client, chain, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(chain.actor)
    soon = make_user("bientot", chain.territory, Role.ANIMATOR)
    Training.objects.create(
        territory=chain.territory,
        user=soon,
        kind=TrainingKind.HACCP,
        obtained_on=DAY - timedelta(days=1000),
        expires_on=TODAY + timedelta(days=59),
        organisation="Org",
        recorded_by=chain.actor,
    )
    url = f"/t/{chain.territory.slug}/formations/"
    page = text(client.get(url))
    assert "À renouveler dans les 60 jours" in page
    assert "bientot" in page
    pdf = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url,
        {
            "user": soon.pk,
            "kind": "haccp",
            "obtained_on": (TODAY - timedelta(days=2)).isoformat(),
            "organisation": "Organisme agréé",
            "expires_on": (TODAY + timedelta(days=1095)).isoformat(),
            "certificate": pdf,
        },
    )
    assert response.status_code == 302
    training = Training.objects.get(user=soon, organisation="Organisme agréé")
    assert training.certificate.name.endswith(".pdf")
    assert may_sign(soon, chain.territory, "lot.release")
    bad = client.post(url, {"user": soon.pk, "kind": "haccp", "obtained_on": "", "organisation": ""})
    assert bad.status_code == 422


def test_the_trainings_page_is_read_only_for_an_animator_and_costs_the_same_queries(
    client, chain, animator, django_assert_num_queries
):
    client.force_login(animator)
    url = f"/t/{chain.territory.slug}/formations/"
    client.get(url)
    with django_assert_num_queries(count := _count(client, url)):
        client.get(url)
    for n in range(5):
        make_user(f"formee{n}", chain.territory, Role.ANIMATOR, trained=True)
    with django_assert_num_queries(count):
        page = text(client.get(url))
    assert "formee4" in page
    assert "Enregistrer une formation" not in page
    assert client.post(url, {}).status_code == 403


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_recipe_and_lot_pages_offer_signing_to_the_trained_only(client, chain, trained_animator, untrained_coordinator):
    recipe = _recipe(chain)
    lot = make_lot(chain)
    seal_checked(chain, lot)
    client.force_login(untrained_coordinator)
    assert "Valider le barème" not in text(client.get(f"/t/{chain.territory.slug}/recettes/{recipe.pk}/"))
    assert 'action="/t/romans/lots/' + lot.code + '/liberer/"' not in text(client.get(f"/t/romans/lots/{lot.code}/"))
    assert client.post(f"/t/romans/recettes/{recipe.pk}/valider/").status_code == 403
    client.force_login(trained_animator)
    assert client.post(f"/t/romans/recettes/{recipe.pk}/valider/").status_code == 302
    response = client.post(f"/t/romans/lots/{lot.code}/liberer/", {"reason": ""})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.status == LotStatus.RELEASED
