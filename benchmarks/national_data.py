"""A national network of mobile canneries on one server, for the page benchmark (issue 20, item 1).

`build(territories, seasons, seed)` fills the current database (a throwaway one: see bench_pages.py) directly in the
tables with bulk_create, no per-row service: N territories shaped like the template (3 structures, 6 sites of which
2 village squares, a truck and a shop, one jar format, 5 validated recipes), each with per season about 30 farms'
collections, 60 workshops, 3,000 jars produced, their gifts, sales and internal use, empty jars returned, collection
rounds, volunteer hours, a survey's answers, costs, and a flower with computed, survey and manual indicators.

Reproducible: the same (territories, seasons, seed) gives the same rows (random.Random(seed); dates fixed, seasons
end in 2026). Proportions per territory and season: 150 raw lots (30 farms × 5, 20-80 kg), 150 production lots of 20
jars, 60 workshops (5 cancelled) with 6-10 registrations of 1-4 people, 80 % present, 300 participants (a third new
each season, 30 % in a priority area), 1,000 gifts of 2 jars, 200 sales of 2, 50 internal uses of 4, 600 empty jars
returned, 25 rounds, 40 volunteer entries, 60 survey responses, 12 cost items. Each territory's books balance (the
mass balance holds: every movement stays within what was collected and produced).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import attrgetter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from conserverie.core.scoping import every_territory
from conserverie.distribution.models import Distribution, DistributionLine, HouseholdReach
from conserverie.economics.models import CostItem
from conserverie.economics.unit_costs import Category
from conserverie.impact.models import Answer, Dimension, Indicator, IndicatorValue, Question, Response, Survey
from conserverie.people.models import Household, Participant
from conserverie.producers.models import Producer, Product
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.production.services import recipe_snapshot
from conserverie.recipes.lethality import default_target
from conserverie.recipes.models import HeatTreatment, Recipe, RecipeFormat, RecipeIngredient
from conserverie.sourcing.models import RawLot, RawLotMovement, RawMonth
from conserverie.sourcing.months import raw_months_rebuild
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.stock.models import JarMonth, MovementKind, StockMovement
from conserverie.stock.months import jar_months_rebuild
from conserverie.territories.models import JarFormat, Location, Membership, Role, Site, Structure, Territory
from conserverie.workshops.models import Registration, VolunteerHours, Workshop

LAST_SEASON = 2026
FARMS = 30
RAW_PER_FARM = 5
JARS_PER_LOT = 20
LOTS = 150  # 3,000 jars
WORKSHOPS = 60
PARTICIPANTS_NEW = 100  # per season; 300 after three seasons
GIFTS, SALES, INTERNAL = 1000, 200, 50
BATCH = 2000
PH = Decimal("4.4")

PASSWORD = "bench-pages-only"  # noqa: S105 - a throwaway database's test accounts


class _Inserter:
    """On SQLite, rows written with one `executemany` per table and call, primary keys given here (the next free
    ones, read again at each call since a few rows are saved through the ORM between calls): the ORM's bulk_create
    compiles every value of every row into SQL, `executemany` only binds them. The instances keep their keys, so
    they serve as foreign keys of the rows built next. Elsewhere (PostgreSQL: its sequences hand out the keys of
    the rows the ORM saves), the ORM's bulk_create."""

    def __call__(self, model, objs):
        from django.db import DEFAULT_DB_ALIAS, connections

        connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the `connection` proxy costs a lookup a value
        objs = list(objs)
        if connection.vendor != "sqlite":
            return model.objects.bulk_create(objs, batch_size=BATCH)
        if not objs:
            return objs
        meta = model._meta
        table = meta.db_table
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(table)}")  # noqa: S608
            next_pk = (cursor.fetchone()[0] or 0) + 1
        for obj in objs:
            obj.pk = next_pk
            next_pk += 1
        fields = list(meta.concrete_fields)
        values = [_value_of(field, connection) for field in fields]
        rows = [tuple(value(obj) for value in values) for obj in objs]
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", rows[start : start + BATCH]
                )  # noqa: S608
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
        return objs


bulk = _Inserter()

# Columns whose Python value SQLite binds as Django would store it (the backend adapts Decimal and date itself).
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DecimalField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _value_of(field, connection):
    """obj -> the value to bind for `field`: the attribute as it is, or what the field prepares (datetimes made
    naive UTC, JSON, auto_now_add)."""
    if field.get_internal_type() in _AS_IS and type(field).pre_save is Field.pre_save:
        get = attrgetter(field.attname)
        if field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField"):
            return lambda obj: value if (value := get(obj)) is None or type(value) is str else str(value)  # lazy text
        return get
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _day(rng, year):
    return date(year, 4, 1) + timedelta(days=rng.randrange(0, 200))  # April to mid-October


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def users_for(territory, index):
    """A coordinator, an animator and a viewer of the territory: `<role>-<slug>` / PASSWORD."""
    model = get_user_model()
    people = {}
    for role in (Role.COORDINATOR, Role.ANIMATOR, Role.VIEWER):
        user = model(username=f"{role.value}-{territory.slug}")
        user.set_password(PASSWORD)
        people[role] = user
    bulk(model, list(people.values()))
    people = {role: model.objects.get(username=f"{role.value}-{territory.slug}") for role in people}
    bulk(Membership, [Membership(user=user, territory=territory, role=role) for role, user in people.items()])
    return people


def build(territories: int, seasons: int, seed: int = 2026) -> dict:
    """Fill the database; returns {"territories": [slugs], "rows": n}."""
    rng = random.Random(seed)
    fast_hasher()
    tomato = Product.objects.get_or_create(
        name="Tomate", defaults={"category": Product.Category.VEGETABLE, "shelf_life_days": 5}
    )[0]
    federation = get_user_model()(username="federation")
    federation.set_password(PASSWORD)
    federation.save()
    slugs, rows = [], 0
    _fast_sqlite()
    with every_territory(), transaction.atomic():  # one transaction: one commit, not one per territory
        for index in range(territories):
            slug, added = _territory(rng, index, seasons, tomato, federation)
            slugs.append(slug)
            rows += added
        # The ledgers' monthly sums (stock.JarMonth, sourcing.RawMonth), kept by the services in the application:
        # here one grouped INSERT … SELECT per table after the bulk inserts (docs/performance.md, "Monthly sums").
        jar_months_rebuild()
        raw_months_rebuild()
        rows += JarMonth.objects.count() + RawMonth.objects.count()
    return {"territories": slugs, "rows": rows}


def _fast_sqlite():
    """A throwaway SQLite file: no journal, no sync to disk, a large page cache (nothing here needs to survive a
    crash: the file is built again)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-200000", "temp_store=MEMORY"):
            cursor.execute(f"PRAGMA {pragma}")


def fast_hasher():
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _territory(rng, index, seasons, tomato, federation):  # noqa: PLR0915 - one territory, read top to bottom
    code = f"N{index:03d}"
    lat, lon = Decimal("44.5") + Decimal(index % 10) / 10, Decimal("4.5") + Decimal(index // 10) / 10
    territory = Territory.objects.create(
        slug=f"territoire-{index:03d}",
        code=code,
        name=f"Territoire {index:03d}",
        organisation=f"Centre social {index:03d} (fictif)",
        hub_lat=lat,
        hub_lon=lon,
        radius_km=30,
    )
    people = users_for(territory, index)
    Membership.objects.create(user=federation, territory=territory, role=Role.VIEWER)
    actor = people[Role.COORDINATOR]
    structures = bulk(
        Structure, [Structure(territory=territory, name=f"Maison {k} {code}", city=f"Ville {k}") for k in range(3)]
    )
    sites = bulk(
        Site,
        [
            Site(
                territory=territory,
                name=f"Lieu {k} {code}",
                kind=Site.Kind.VILLAGE if k < 2 else Site.Kind.NEIGHBOURHOOD,
                city=f"Commune {k}",
                priority_area=k >= 4,
                structure=structures[k % 3],
            )
            for k in range(6)
        ],
    )
    truck = Location.objects.create(territory=territory, name=f"Camion {code}", kind=Location.Kind.TRUCK)
    shop = Location.objects.create(territory=territory, name=f"Boutique {code}", kind=Location.Kind.SHOP)
    jar = JarFormat.objects.create(territory=territory, name="Bocal 375 ml", volume_ml=375, deposit_eur=Decimal("1"))
    farms = bulk(
        Producer,
        [
            Producer(
                territory=territory,
                name=f"Ferme {k} {code}",
                commune=f"Commune {k % 12}",
                lat=lat + Decimal(rng.randrange(-200, 200)) / 1000,
                lon=lon + Decimal(rng.randrange(-200, 200)) / 1000,
                distance_km=Decimal(rng.randrange(2, 30)),
            )
            for k in range(FARMS)
        ],
    )
    now = timezone.now()
    recipes = bulk(
        Recipe,
        [
            Recipe(territory=territory, code=f"R{k}", name=name, validated_by=actor, validated_at=now, ph_limit=PH)
            for k, name in enumerate(["Coulis", "Ratatouille", "Confiture", "Soupe", "Chutney"])
        ],
    )
    bulk(RecipeIngredient, [RecipeIngredient(recipe=r, product=tomato, kg_per_batch=Decimal("10")) for r in recipes])
    bulk(
        RecipeFormat,
        [
            RecipeFormat(
                recipe=recipe,
                jar_format=jar,
                jars_per_batch=JARS_PER_LOT,
                net_weight_g=350,
                treatment=HeatTreatment.STERILISATION,
                temperature_c=Decimal("110"),
                minutes=45,
                target_tref_c=(target := default_target(recipe.category, PH)).tref_c,
                target_z_c=target.z_c,
                target_minimum_min=target.minimum_min,
            )
            for recipe in recipes
        ],
    )
    snapshots = [recipe_snapshot(recipe) for recipe in recipes]
    added = 30
    participants = []
    # The households reached per day (distribution.reach), built with the rows that make them: {(household, day):
    # [gift, earliest start of a workshop attended]}, written once for the territory (issue 20).
    reached: dict = {}
    for season in range(seasons):
        year = LAST_SEASON - seasons + 1 + season
        tag = f"{code}-{year % 100:02d}"
        raws = bulk(
            RawLot,
            [
                RawLot(
                    territory=territory,
                    code=f"{tag}-B{k:04d}",
                    producer=farms[k % FARMS],
                    product=tomato,
                    kg=Decimal(rng.randrange(20, 81)),
                    collected_on=(day := _day(rng, year)),
                    use_before=day + timedelta(days=5),
                    recorded_by=actor,
                )
                for k in range(FARMS * RAW_PER_FARM)
            ],
        )
        lots = bulk(
            ProductionLot,
            [
                ProductionLot(
                    territory=territory,
                    code=f"{tag}-{k:04d}",
                    recipe=recipes[k % len(recipes)],
                    recipe_snapshot=snapshots[k % len(recipes)],
                    produced_on=raws[k].collected_on + timedelta(days=1),
                    best_before=raws[k].collected_on + timedelta(days=366),
                    status=LotStatus.RELEASED,
                    created_by=actor,
                )
                for k in range(LOTS)
            ],
        )
        # Each raw lot: 10 kg into its production lot, a few kg lost now and then (never more than collected).
        moves = [
            RawLotMovement(
                raw_lot=raw,
                kind=RawLotMovement.Kind.USED,
                kg=Decimal("-10"),
                production_lot=lots[k],
                day=lots[k].produced_on,
                created_by=actor,
            )
            for k, raw in enumerate(raws)
        ]
        moves += [
            RawLotMovement(
                raw_lot=raw, kind=RawLotMovement.Kind.LOST, kg=Decimal("-2"), day=raw.use_before, created_by=actor
            )
            for raw in raws[::7]
        ]
        bulk(RawLotMovement, moves)
        bulk(
            StockMovement,
            [
                StockMovement(
                    territory=territory,
                    kind=MovementKind.PRODUCED,
                    location=truck,
                    lot=lot,
                    jar_format=jar,
                    quantity=JARS_PER_LOT,
                    day=lot.produced_on,
                    created_by=actor,
                )
                for lot in lots
            ],
        )
        homes = bulk(
            Household,
            [
                Household(territory=territory, size=1 + k % 4, commune=f"Quartier {k % 9}", priority_area=k % 10 < 3)
                for k in range(PARTICIPANTS_NEW)
            ],
        )
        participants += bulk(
            Participant,
            [
                Participant(
                    territory=territory,
                    household=home,
                    first_name=f"P{year}-{k}",
                    neighbourhood=home.commune,
                    consent_at=now,
                )
                for k, home in enumerate(homes)
            ],
        )
        workshops = bulk(
            Workshop,
            [
                Workshop(
                    territory=territory,
                    title=f"Atelier {k} {year}",
                    site=sites[k % 6],
                    structure=structures[k % 3],
                    starts_at=_aware(day := date(year, 4, 1) + timedelta(days=3 * k), 14),
                    ends_at=_aware(day, 17),
                    status=Workshop.Status.CANCELLED if k % 12 == 11 else Workshop.Status.PLANNED,
                    created_by=actor,
                )
                for k in range(WORKSHOPS)
            ],
        )
        registrations = []
        for w in workshops:
            for p in rng.sample(participants, rng.randrange(6, 11)):
                registrations.append(
                    Registration(workshop=w, participant=p, party_size=rng.randrange(1, 5), attended=rng.random() < 0.8)
                )
        bulk(Registration, registrations)
        for r in registrations:
            if r.attended and r.workshop.status != Workshop.Status.CANCELLED:
                row = reached.setdefault(
                    (r.participant.household_id, timezone.localdate(r.workshop.starts_at)), [False, None]
                )
                row[1] = min(row[1] or r.workshop.starts_at, r.workshop.starts_at)
        # Jars leave: gifts (2 jars), sales (2), internal use (4), spread over the lots without overdrawing one.
        lines, kinds = [], []
        stock = {lot.pk: JARS_PER_LOT for lot in lots}
        order = [(Distribution.Kind.PARTICIPANT, 2)] * GIFTS + [(Distribution.Kind.GROUP_SALE, 2)] * SALES
        order += [(Distribution.Kind.INTERNAL, 4)] * INTERNAL
        given = []
        for k, (kind, jars) in enumerate(order):
            lot = lots[k % LOTS]
            if stock[lot.pk] < jars:
                continue
            stock[lot.pk] -= jars
            given.append((kind, jars, lot))
        distributions = bulk(
            Distribution,
            [
                Distribution(
                    territory=territory,
                    kind=kind,
                    date=lot.produced_on + timedelta(days=2),
                    location=truck,
                    participant=participants[k % len(participants)] if kind == Distribution.Kind.PARTICIPANT else None,
                    structure=structures[k % 3] if kind == Distribution.Kind.INTERNAL else None,
                    created_by=actor,
                )
                for k, (kind, jars, lot) in enumerate(given)
            ],
        )
        for d in distributions:
            if d.participant is not None:
                reached.setdefault((d.participant.household_id, d.date), [False, None])[0] = True
        lines = bulk(
            DistributionLine,
            [
                DistributionLine(
                    distribution=d,
                    lot=lot,
                    jar_format=jar,
                    quantity=jars,
                    unit_price_eur=Decimal("3.00") if kind == Distribution.Kind.GROUP_SALE else Decimal("0"),
                    deposit_eur=Decimal("1.00") if kind != Distribution.Kind.INTERNAL else Decimal("0"),
                )
                for d, (kind, jars, lot) in zip(distributions, given, strict=True)
            ],
        )
        ledger_kind = {
            Distribution.Kind.PARTICIPANT: MovementKind.GIVEN,
            Distribution.Kind.GROUP_SALE: MovementKind.SOLD,
            Distribution.Kind.INTERNAL: MovementKind.INTERNAL,
        }
        kinds = [
            StockMovement(
                territory=territory,
                kind=ledger_kind[kind],
                location=truck,
                lot=lot,
                jar_format=jar,
                quantity=-jars,
                distribution_line=line,
                participant=line.distribution.participant,  # as distribution_record writes it (deposit balance)
                day=line.distribution.date,
                created_by=actor,
            )
            for line, (kind, jars, lot) in zip(lines, given, strict=True)
        ]
        kinds += [
            StockMovement(
                territory=territory,
                kind=MovementKind.EMPTY_RETURNED,
                location=shop,
                jar_format=jar,
                quantity=1,
                day=_day(rng, year),
                created_by=actor,
            )
            for _ in range(600)
        ]
        bulk(StockMovement, kinds)
        bulk(
            CollectionRound,
            [
                CollectionRound(territory=territory, date=_day(rng, year), km=Decimal(rng.randrange(30, 120)))
                for _ in range(25)
            ],
        )
        bulk(
            VolunteerHours,
            [
                VolunteerHours(
                    territory=territory,
                    participant=participants[k],
                    workshop=workshops[k % WORKSHOPS],
                    date=workshops[k % WORKSHOPS].starts_at.date(),
                    hours=Decimal("3"),
                    activity="Atelier",
                    created_by=actor,
                )
                for k in range(40)
            ],
        )
        bulk(
            CostItem,
            [
                CostItem(
                    territory=territory,
                    category=Category.values[k % len(Category.values)],
                    label=f"Charge {k} {year}",
                    amount_eur=Decimal(rng.randrange(200, 5000)),
                    date=date(year, 1 + k, 1),
                    created_by=actor,
                )
                for k in range(12)
            ],
        )
        added += (
            len(raws) * 3 + len(lots) * 2 + 2 * PARTICIPANTS_NEW + WORKSHOPS + len(registrations) + len(given) * 3 + 600
        )
        added += 25 + 40 + 12
    bulk(
        HouseholdReach,
        [
            HouseholdReach(territory=territory, household_id=hid, day=day, gift=gift, workshop_start=start)
            for (hid, day), (gift, start) in sorted(reached.items())
        ],
    )
    added += len(reached)
    added += _flower_and_survey(rng, territory, actor, participants, seasons)
    return territory.slug, added


def _flower_and_survey(rng, territory, actor, participants, seasons) -> int:
    dimensions = bulk(
        Dimension,
        [
            Dimension(territory=territory, name=name, order=k)
            for k, name in enumerate(["Liens sociaux", "Alimentation", "Environnement", "Économie locale"])
        ],
    )
    computed = ["households", "people", "first_time", "kg_saved", "farms", "round_km", "volunteer_hours"]
    indicators = bulk(
        Indicator,
        [
            Indicator(
                dimension=dimensions[k % 4],
                name=key,
                source=Indicator.Source.COMPUTED,
                computation=key,
                target=Decimal("100"),
                order=k,
            )
            for k, key in enumerate(computed)
        ]
        + [
            Indicator(dimension=dimensions[0], name="Repas partagés", source=Indicator.Source.MANUAL, target=10),
            Indicator(dimension=dimensions[1], name="Cuisine plus", source=Indicator.Source.SURVEY, target=4),
        ],
    )
    manual, surveyed = indicators[-2], indicators[-1]
    bulk(
        IndicatorValue,
        [
            IndicatorValue(
                indicator=manual, period=str(LAST_SEASON - s), value=Decimal(rng.randrange(5, 20)), entered_by=actor
            )
            for s in range(seasons)
        ],
    )
    survey = Survey.objects.create(
        territory=territory, title="Après l'atelier", audience="residents", status="open", created_by=actor
    )
    question = Question.objects.create(
        survey=survey, text="Cuisinez-vous plus de légumes ?", kind=Question.Kind.LIKERT, indicator=surveyed
    )
    responses = bulk(
        Response,
        [
            Response(survey=survey, answered_on=_day(rng, LAST_SEASON - k % seasons), channel="paper")
            for k in range(60 * seasons)
        ],
    )
    bulk(Answer, [Answer(response=r, question=question, value=Decimal(rng.randrange(1, 6))) for r in responses])
    return 4 + len(indicators) + seasons + 2 + 2 * len(responses)
