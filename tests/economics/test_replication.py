"""The replication kit: a new territory from a template keeps the know-how and nothing of the template's people."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conserverie.distribution.models import PriceListEntry
from conserverie.distribution.services import price_set
from conserverie.economics.calendar import calendar_create, calendar_propose
from conserverie.impact.models import Dimension, Indicator, Question, Survey
from conserverie.recipes.models import PantryItem, Recipe
from conserverie.replication.services import NewTerritory, SiteSpec, StructureSpec, territory_create_from_template
from conserverie.territories.calendar import public_holidays
from conserverie.territories.models import JarFormat, Location, Membership, Role, Site, Structure, Territory
from conserverie.workshops.models import Workshop

from ..conftest import build_chain, make_territory, make_user, rows_shared_by_a_module, tomato_product
from ..helpers import next_monday, table_counts
from ..pages import add_distributions, add_workshops


def spec(**changes) -> NewTerritory:
    values = dict(
        name="Crest – Vallée de la Drôme",
        slug="crest",
        code="CRE",
        hub_lat=Decimal("44.728600"),
        hub_lon=Decimal("5.022300"),
        radius_km=25,
        organisation="Centre social de Crest (fictif)",
        structures=(StructureSpec(name="Centre social de Crest", city="Crest", priority_area=True),),
        sites=(
            SiteSpec(name="Place du marché", kind=Site.Kind.MARKET, city="Crest", structure="Centre social de Crest"),
            SiteSpec(name="Place de la mairie", kind=Site.Kind.VILLAGE, city="Aouste-sur-Sye"),
        ),
        vehicle_name="Camion de la vallée",
        vehicle_capacity_kg=500,
    )
    values.update(changes)
    return NewTerritory(**values)


def build_template():
    """Romans with a season's life (people, workshops, sales), a price list, a flower and a questionnaire; its
    coordinator and animator, and a coordinator of another territory."""
    place = make_territory("romans", "ROM", "Romans")
    coordinator = make_user("coord", place.territory, Role.COORDINATOR)
    chain = build_chain(place, coordinator, tomato_product())
    add_workshops(chain, 2, registrations=3)
    add_distributions(chain, 3)
    price_set(actor=coordinator, territory=chain.territory, jar_format=chain.jar, price_eur=Decimal("3.50"))
    price_set(
        actor=coordinator,
        territory=chain.territory,
        jar_format=chain.jar,
        price_eur=Decimal("4.00"),
        recipe_code=chain.recipe.code,
        social_price_eur=Decimal("2.00"),
    )
    dimension = Dimension.objects.create(territory=chain.territory, name="Alimentation saine", colour="#2e7d32")
    indicator = Indicator.objects.create(
        dimension=dimension, name="Kilos sauvés", unit="kg", source="computed", computation="kg_saved", target=100
    )
    survey = Survey.objects.create(
        territory=chain.territory, title="Votre avis", audience="residents", created_by=coordinator
    )
    Question.objects.create(survey=survey, text="Le goût ?", kind="likert", indicator=indicator)
    survey.status = Survey.Status.OPEN
    survey.save()
    animator = make_user("anim", place.territory, Role.ANIMATOR)
    other = make_territory("vercors", "VER", "Vercors")
    other_coordinator = make_user("coord-vercors", other.territory, Role.COORDINATOR)
    return SimpleNamespace(chain=chain, coordinator=coordinator, animator=animator, other_coordinator=other_coordinator)


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """Built once for the module (~1.2 s a test on PostgreSQL, docs/performance.md, s21); each test's copy is rolled
    back after it (its savepoint)."""
    yield from rows_shared_by_a_module(django_db_blocker, build_template)


@pytest.fixture
def template(db, shared):
    """The template's territory read again for each test: a test that changes it in memory leaves the next one
    the row as it is in the database."""
    return SimpleNamespace(**{**vars(shared.chain), "territory": Territory.objects.get(pk=shared.chain.territory.pk)})


@pytest.fixture
def coordinator(db, shared):
    return shared.coordinator


@pytest.fixture
def animator(db, shared):
    return shared.animator


@pytest.fixture
def other_coordinator(db, shared):
    return shared.other_coordinator


def test_the_copy_keeps_the_know_how(template, coordinator):
    template.territory.require_2fa_for_animators = True
    template.territory.save()
    new = territory_create_from_template(actor=coordinator, template=template.territory, spec=spec())
    assert (new.slug, new.code, new.radius_km) == ("crest", "CRE", 25)
    assert new.require_2fa_for_animators  # the rule on the animators' second factor carries over
    assert Membership.objects.get(territory=new).user == coordinator
    assert Membership.objects.get(territory=new).role == Role.COORDINATOR
    assert list(Structure.objects.filter(territory=new).values_list("name", flat=True)) == ["Centre social de Crest"]
    market = Site.objects.get(territory=new, name="Place du marché")
    assert market.structure.territory == new
    assert Site.objects.get(territory=new, name="Place de la mairie").structure is None
    assert set(Location.objects.filter(territory=new).values_list("kind", flat=True)) == {"truck", "structure"}
    # The recipe range, copied unvalidated: a person of the new territory validates the schedules again.
    recipe = Recipe.objects.get(territory=new)
    assert (recipe.code, recipe.name, recipe.version) == (template.recipe.code, template.recipe.name, 1)
    assert recipe.validated_at is None
    assert recipe.validated_by is None
    fmt = recipe.formats.get()
    assert fmt.jar_format.territory == new
    assert (fmt.temperature_c, fmt.minutes) == (Decimal("110"), 45)
    assert {i.product for i in recipe.ingredients.all() if i.product} == {template.tomato}
    assert all(i.pantry_item.territory == new for i in recipe.ingredients.all() if i.pantry_item)
    prices = {(e.recipe_code, e.price_eur, e.social_price_eur) for e in PriceListEntry.objects.filter(territory=new)}
    assert prices == {("", Decimal("3.50"), None), (template.recipe.code, Decimal("4.00"), Decimal("2.00"))}
    assert all(e.jar_format.territory == new for e in PriceListEntry.objects.filter(territory=new))
    indicator = Indicator.objects.get(dimension__territory=new)
    assert (indicator.name, indicator.computation, indicator.target) == ("Kilos sauvés", "kg_saved", 100)
    assert not indicator.values.exists()
    survey = Survey.objects.get(territory=new)
    assert survey.status == Survey.Status.DRAFT
    assert not survey.responses.exists()
    assert survey.token != Survey.objects.get(territory=template.territory).token
    assert survey.questions.get().indicator == indicator


def test_the_copy_keeps_no_link_to_the_template_people_or_records(template, coordinator):
    new = territory_create_from_template(actor=coordinator, template=template.territory, spec=spec())
    for relation in ("participants", "producers", "raw_lots", "distributions", "testimonies", "workshops"):
        manager = getattr(new, relation, None)
        if manager is not None:
            assert not manager.exists(), relation
    assert not Workshop.objects.filter(territory=new).exists()
    assert Membership.objects.filter(territory=new).count() == 1
    # Every copied row points into the new territory, never back to the template.
    assert not PantryItem.objects.filter(territory=new, lots__isnull=False).exists()
    assert (
        not JarFormat.objects.filter(territory=new)
        .filter(pk__in=JarFormat.objects.filter(territory=template.territory))
        .exists()
    )


def test_choosing_what_to_copy(template, coordinator):
    new = territory_create_from_template(actor=coordinator, template=template.territory, spec=spec(copy=("prices",)))
    assert not Recipe.objects.filter(territory=new).exists()
    assert not Dimension.objects.filter(territory=new).exists()
    assert not Survey.objects.filter(territory=new).exists()
    # Without the recipes, only the prices that hold for every recipe of a format make sense.
    assert list(PriceListEntry.objects.filter(territory=new).values_list("recipe_code", flat=True)) == [""]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "romans"}, "slug"),
        ({"slug": "Avec Espaces"}, "slug"),
        ({"code": "ROM"}, "code"),
        ({"code": "C1"}, "code"),
        ({"name": "  "}, "name"),
        ({"hub_lat": Decimal("91")}, "hub_lat"),
        ({"radius_km": 0}, "radius_km"),
        ({"structures": ()}, "structures"),
        ({"sites": (SiteSpec(name="Place", kind="market", city="Crest", structure="Inconnue"),)}, "sites"),
        ({"vehicle_capacity_kg": 0}, "vehicle_capacity_kg"),
        ({"copy": ("people",)}, "copy"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(template, coordinator, changes, field):
    before = table_counts()
    with pytest.raises(ValidationError) as refused:
        territory_create_from_template(actor=coordinator, template=template.territory, spec=spec(**changes))
    assert field in refused.value.message_dict
    assert table_counts() == before


def test_only_a_coordinator_of_the_template_may_copy_it(template, animator, other_coordinator):
    for person in (animator, other_coordinator):
        with pytest.raises(PermissionDenied):
            territory_create_from_template(actor=person, template=template.territory, spec=spec())
    assert not Territory.objects.filter(slug="crest").exists()


def test_a_first_season_from_the_rhythm(template, coordinator):
    new = territory_create_from_template(actor=coordinator, template=template.territory, spec=spec())
    monday = next_monday()
    proposals = calendar_propose(territory=new, first_date=monday, workshops_per_week=2, weeks=30)
    assert [p.weekday for p in proposals] == [1, 3]
    assert {p.site.territory for p in proposals} == {new}
    assert sum(p.occurrences for p in proposals) == 60
    calendar_create(actor=coordinator, territory=new, proposals=proposals)
    workshops = Workshop.objects.filter(territory=new)
    # A series skips the French public holidays (docs/guide-en.md): a Tuesday or Thursday holiday in the 30 weeks
    # (Ascension, 1 May…) is one workshop fewer.
    days = [monday + timedelta(weeks=w, days=d) for w in range(30) for d in (1, 3)]
    holidays = public_holidays(days[0], days[-1])
    assert workshops.count() == 60 - sum(day in holidays for day in days)
    assert workshops.order_by("starts_at").first().starts_at.date() == monday + timedelta(days=1)  # a Tuesday
    with pytest.raises(ValidationError) as refused:
        calendar_propose(territory=new, first_date=monday, workshops_per_week=9, weeks=30)
    assert "workshops_per_week" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        calendar_propose(
            territory=new, first_date=timezone.localdate() - timedelta(days=1), workshops_per_week=2, weeks=30
        )
    assert "dans le passé" in refused.value.message_dict["first_date"][0]
