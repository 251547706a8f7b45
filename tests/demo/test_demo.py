"""The demo is loaded once for this module (it takes seconds), inside a transaction rolled back at the end."""

import json
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from conserverie.demo.loader import ACCOUNTS, load_demo
from conserverie.distribution.models import DistributionLine
from conserverie.distribution.trace import lots_forward
from conserverie.people.merge import duplicates_proposed
from conserverie.people.models import Participant
from conserverie.producers.models import Producer, Product, SurplusOffer
from conserverie.production.models import LotStatus, ProductionLot, Recall
from conserverie.production.trace import recall_recovered
from conserverie.recipes.models import PantryLot, Recipe
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import StockMovement
from conserverie.territories.models import Membership, Role, Site, Structure, Territory
from conserverie.workshops.models import Registration, Workshop

# People named in the seed document: none of them may appear in the demo.
SEED_SURNAMES = ["Estrada", "Noirault", "Reverbel", "Medjahed", "Chaloyard", "Mougel", "Cayla"]
SEED_FIRST_NAMES = ["Angeles", "Anne", "Bethy", "Djouhra", "Lila", "Marc", "Mariana"]


def romans_report() -> dict:
    out = StringIO()
    call_command("report", "--territory", "romans", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_every_figure_of_the_romans_report_is_non_zero_and_the_books_balance(db):
    data = romans_report()
    numbers = {key: value for key, value in data.items() if isinstance(value, int | float)}
    assert len(numbers) >= 18
    assert all(numbers.values()), {key: value for key, value in numbers.items() if not value}
    assert data["mass_balance_ok"] is True, data["mass_balance_problems"]
    assert 0 < data["deposit_return_rate"] < 1
    assert 0 < data["priority_area_share"] < 1


def test_the_season_has_the_expected_size(db):
    romans = Territory.objects.get(slug="romans")
    assert romans.code == "ROM"
    assert romans.organisation == "La Coopération entre 3 lieux"
    assert Producer.objects.filter(territory=romans).count() >= 25
    assert Product.objects.count() >= 20
    assert Recipe.objects.filter(territory=romans).producible().count() >= 10
    assert Workshop.objects.filter(territory=romans).count() >= 50
    assert Structure.objects.filter(territory=romans).count() == 4
    assert Site.objects.filter(territory=romans, priority_area=True).exists()
    assert set(Site.objects.filter(territory=romans).values_list("kind", flat=True)) == set(Site.Kind.values)
    assert PantryLot.objects.filter(territory=romans).exclude(supplier_lot="").count() >= 6
    statuses = set(SurplusOffer.objects.filter(territory=romans).values_list("status", flat=True))
    assert {SurplusOffer.Status.COLLECTED, SurplusOffer.Status.DECLINED, SurplusOffer.Status.ACCEPTED} <= statuses


def test_the_season_shows_every_case(db):
    lots = ProductionLot.objects.filter(territory__slug="romans")
    assert lots.filter(status=LotStatus.NON_CONFORMING).count() == 1
    # One blocked at its seal check, one by its failed stability test.
    assert lots.filter(status=LotStatus.BLOCKED).count() == 2
    assert lots.filter(status=LotStatus.BLOCKED, stability_tests__result="failed").count() == 1
    assert lots.filter(status=LotStatus.RELEASED).count() > 50
    registrations = Registration.objects.filter(workshop__territory__slug="romans")
    assert registrations.filter(status=Registration.Status.WAITING).exists()
    assert registrations.filter(walk_in=True, attended=True).exists()
    assert Workshop.objects.upcoming().filter(territory__slug="romans").count() >= 3
    # Issue 17: a reminder the SMS provider refused, waiting for its next attempt, and one given up, to call.
    failed = registrations.reminder_failed()
    assert failed.filter(reminder_retry_at__isnull=False).count() == 1
    assert failed.filter(reminder_retry_at__isnull=True, reminder_error="sms-http-503").count() == 1
    movements = RawLotMovement.objects.filter(raw_lot__territory__slug="romans")
    assert {RawLotMovement.Kind.USED, RawLotMovement.Kind.GIVEN, RawLotMovement.Kind.LOST} == set(
        movements.values_list("kind", flat=True)
    )


def test_days_are_consistent(db):
    assert not RawLotMovement.objects.filter(day__lt=F("raw_lot__collected_on")).exists()
    assert not RawLotMovement.objects.filter(production_lot__produced_on__gt=F("raw_lot__use_before")).exists()
    assert not ProductionLot.objects.exclude(produced_on=F("workshop__starts_at__date")).exists()
    assert not DistributionLine.objects.filter(distribution__date__lt=F("lot__produced_on")).exists()
    assert not StockMovement.objects.filter(day__gt=timezone.localdate()).exists()
    assert not RawLot.objects.filter(collected_on__gt=timezone.localdate()).exists()


def test_every_demo_account_logs_in_with_the_demo_password(db, settings):
    from conserverie import settings as project_settings

    # The demo is loaded once for the module with the real hashers; the suite's fast hasher cannot read them.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    for username, slug, role, _description in ACCOUNTS:
        user = get_user_model().objects.get(username=username)
        assert user.check_password("demo"), username
        assert user.is_active, username
        assert Membership.objects.filter(user=user, territory__slug=slug, role=role).exists()
    producer = Membership.objects.get(user__username="producteur")
    assert producer.producer is not None
    assert producer.producer.territory.slug == "romans"


def test_second_territory_is_separate(client, db):
    vercors = Territory.objects.get(slug="vercors")
    assert vercors.code == "VER"
    assert vercors.require_2fa_for_animators  # the second factor's rule, shown alive in the demo
    assert Membership.objects.filter(territory=vercors, role=Role.COORDINATOR).exists()
    assert ProductionLot.objects.filter(territory=vercors).exists()
    assert Workshop.objects.filter(territory=vercors).count() >= 2
    client.force_login(get_user_model().objects.get(username="coordination-vercors"))
    assert client.get("/t/romans/").status_code == 404
    assert client.get("/t/vercors/").status_code == 200
    client.force_login(get_user_model().objects.get(username="coordination"))
    assert client.get("/t/romans/").status_code == 200


def test_second_load_writes_nothing(db):
    models = [Territory, get_user_model(), Producer, Workshop, RawLot, ProductionLot, StockMovement, Participant]
    before = [model.objects.count() for model in models]
    assert load_demo() is False
    assert [model.objects.count() for model in models] == before


def test_demo_command_says_it_loaded_nothing_the_second_time(db):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "rien n'a été chargé" in text
    assert "http://127.0.0.1:8000/" in text
    assert all(username in text for username, *_rest in ACCOUNTS)


def test_the_demo_links_follow_its_port(client, db, settings, monkeypatch):
    from conserverie.production.labels import lot_url
    from conserverie.workshops.models import Registration

    settings.SITE_URL = "http://127.0.0.1:8000"  # restored after the test, whatever the command sets
    monkeypatch.delenv("SITE_URL", raising=False)
    out = StringIO()
    call_command("demo", "--no-serve", "--port", "8001", stdout=out)
    assert "http://127.0.0.1:8001/" in out.getvalue()
    lot = ProductionLot.objects.filter(territory__slug="romans").first()
    assert lot_url(lot) == f"http://127.0.0.1:8001/l/{lot.code}/"
    registration = Registration.objects.filter(workshop__territory__slug="romans").first()
    assert registration.cancel_url() == f"http://127.0.0.1:8001/ateliers/annuler/{registration.token}/"
    calendar = client.get("/ateliers.ics").content.decode().replace("\r\n ", "")
    assert "URL:http://127.0.0.1:8001/ateliers/" in calendar


def test_an_explicit_site_url_wins_over_the_demo_port(db, settings, monkeypatch):
    from conserverie.demo.management.commands.demo import follow_port

    settings.SITE_URL = "https://conserverie.example.org"
    monkeypatch.setenv("SITE_URL", "https://conserverie.example.org")
    assert follow_port(8001) == "https://conserverie.example.org"


def test_no_real_person_of_the_seed_appears(db):
    texts = [
        *get_user_model().objects.values_list("username", "first_name", "last_name", "email"),
        *Participant.objects.values_list("first_name", "email", "neighbourhood"),
        *Producer.objects.values_list("name"),
        *Structure.objects.values_list("name", "address"),
        *Site.objects.values_list("name", "address"),
        *Territory.objects.values_list("name", "organisation"),
    ]
    blob = " ".join(str(value) for row in texts for value in row).lower()
    assert not [name for name in SEED_SURNAMES if name.lower() in blob]
    # "Roy" is also part of Royans and Roybon: compare whole words only.
    words = set(blob.replace("-", " ").replace(".", " ").replace("@", " ").split())
    assert "roy" not in words
    first_names = set(Participant.objects.values_list("first_name", flat=True))
    assert not first_names & set(SEED_FIRST_NAMES)
    # The fictional numbers 06 00 00 00 xx, stored in E.164 (issue 17).
    assert not Participant.objects.exclude(phone="").exclude(phone__startswith="+336000000").exists()


def test_the_duplicates_page_has_the_demo_pair(db):
    """Mireille signed up twice (issue 17): proposed with both reasons, to be merged from the demo."""
    romans = Territory.objects.get(slug="romans")
    mireille = [p for p in duplicates_proposed(territory=romans, q="Mireille") if p.first.first_name == "Mireille"]
    assert [(p.second.first_name, p.reasons) for p in mireille] == [("mireille", ["email", "name_commune"])]


def test_the_season_has_one_past_recall_with_its_sheet(client, db):
    recall = Recall.objects.get(territory__slug="romans")
    assert recall.lot.status == LotStatus.RECALLED
    assert list(recall.lots.all()) == [recall.lot]
    assert recall.recalled_at.date() < timezone.localdate()
    assert not StockMovement.objects.filter(lot=recall.lot, day__gt=recall.recalled_at.date()).exists()
    assert recall_recovered(recall) > 0
    client.force_login(get_user_model().objects.get(username="coordination"))
    response = client.get(f"/t/romans/lots/{recall.lot.code}/rappel/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fiche de rappel du lot" in html
    contacts = lots_forward([recall.lot.pk]).contacts()
    assert contacts
    assert [c.name for c in contacts if escape(c.name) not in html] == []
    # What the authorities need (docs/safety-en.md, « Recall »): scope, hazard, reason, decider, public reason.
    assert (recall.scope, recall.hazard) == ("recall", "microbiological")
    assert recall.reason
    assert recall.public_reason
    assert recall.measures
    assert recall.contact
    assert recall.recalled_by.username == "coordination"
    notice = client.get(f"/t/romans/lots/{recall.lot.code}/rappel/notification-ddpp.pdf")
    assert notice.status_code == 200
    assert notice.content.startswith(b"%PDF")
    assert recall.public_reason in client.get(f"/l/{recall.lot.code}/").content.decode()


def test_every_demo_lot_has_a_complete_label_and_only_the_certified_territory_says_bio(db):
    """Labels (docs/labels-en.md): every particular known for every lot; Romans holds no organic certification,
    so "bio" leaves its ingredient names; Vercors holds one (invented) and keeps it with the certifier's code."""
    from conserverie.production.labelling import lot_label

    lots = list(ProductionLot.objects.select_related("territory"))
    assert lots
    for lot in lots:
        label = lot_label(lot)
        assert label.missing == [], (lot.code, label.missing)
        assert label.nutrition is not None, lot.code  # every demo ingredient has its values
        says_bio = any("bio" in i.name.split() for i in label.ingredients)
        assert says_bio == (lot.territory.slug == "vercors"), lot.code
        assert (label.organic_code == "FR-BIO-99") == says_bio
    celery_soups = [lot for lot in lots if lot.recipe_snapshot["code"] == "SOUP"]
    assert celery_soups
    assert all(lot_label(lot).allergens == ["celery"] for lot in celery_soups)


def test_no_demo_schedule_is_unsafe_and_every_treatment_was_read_at_the_core(db):
    from conserverie.production.models import HeatTreatmentRecord
    from conserverie.recipes.lethality import F0_TARGET, LOW_ACID
    from conserverie.recipes.services import FormatSpec, schedule_errors

    recipes = Recipe.objects.prefetch_related("formats__jar_format")
    assert recipes.filter(category=LOW_ACID).count() >= 3
    for recipe in recipes:
        for f in recipe.formats.all():
            spec = FormatSpec(
                f.jar_format,
                f.jars_per_batch,
                f.net_weight_g,
                f.treatment,
                f.temperature_c,
                f.minutes,
                f.drained_weight_g,
                f.target,
            )
            assert schedule_errors(ph_limit=recipe.ph_limit, spec=spec, category=recipe.category) == [], recipe
            if recipe.category == LOW_ACID:
                assert f.target == F0_TARGET
    records = HeatTreatmentRecord.objects.all()
    assert records.exists()
    assert not records.filter(lethality_min=None).exists()
    released = records.filter(lot__status=LotStatus.RELEASED)
    assert released.filter(lot__recipe__category=LOW_ACID).exists()
    assert not [r for r in released if r.lethality_min < r.target_minimum_min]


def test_every_demo_recipe_has_a_haccp_plan_signed_by_a_trained_person(db):
    from conserverie.recipes.models import CcpKind
    from conserverie.territories.permissions import valid_training

    # Every recipe that can be produced (schedule signed); Vercors' copies from the kit wait for their own review.
    recipes = list(Recipe.objects.producible().select_related("haccp_plan__validated_by", "territory"))
    assert len(recipes) >= 5
    for recipe in recipes:
        plan = recipe.haccp_plan
        assert plan.validated_at is not None, recipe
        assert valid_training(plan.validated_by, recipe.territory, plan.validated_at.date()) is not None, recipe
        kinds = plan.ccp_kinds
        if recipe.category == "acid":
            assert CcpKind.PH in kinds, recipe
        else:
            assert {CcpKind.STERILISATION, CcpKind.STABILITY} <= kinds, recipe
