"""Benchmark: forward trace of a raw lot, recall list, and 1,000 labels on a large SQLite database.

Run with `make bench`. The data is generated in a throwaway SQLite file (a temporary CONSERVERIE_VAR_DIR), directly
in the tables with bulk_create: it is a benchmark, not a demo. Prints the measured figures; asserts nothing.

Sizes (override with environment variables): BENCH_JARS (1,000,000 jars), BENCH_DISTRIBUTIONS (300,000).
Targets: forward trace and recall list ≤ 200 ms, 1,000 labels ≤ 3 s.
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TMP = tempfile.TemporaryDirectory(prefix="conserverie-bench-")
os.environ["CONSERVERIE_VAR_DIR"] = TMP.name
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conserverie.settings")
# Production settings (DEBUG off), with a throwaway secret and the address printed on the labels.
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + secrets.token_urlsafe(40))
os.environ.setdefault("SITE_URL", "https://conserverie.example.org")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from conserverie.core.scoping import scopes_disabled, territory_scope  # noqa: E402
from conserverie.distribution.models import Distribution, DistributionLine  # noqa: E402
from conserverie.distribution.trace import lots_forward, raw_lot_forward  # noqa: E402
from conserverie.producers.models import Producer, Product  # noqa: E402
from conserverie.production.labels import lot_labels_pdf  # noqa: E402
from conserverie.production.models import LabellingProfile, LotStatus, ProductionLot  # noqa: E402
from conserverie.production.services import recipe_snapshot  # noqa: E402
from conserverie.production.trace import lots_sharing_raw_lots  # noqa: E402
from conserverie.recipes.models import HeatTreatment, Recipe, RecipeFormat, RecipeIngredient  # noqa: E402
from conserverie.sourcing.models import RawLot, RawLotMovement  # noqa: E402
from conserverie.stock.models import MovementKind, StockMovement  # noqa: E402
from conserverie.territories.models import JarFormat, Location, Territory  # noqa: E402
from conserverie.workshops.models import Participant  # noqa: E402

JARS = int(os.environ.get("BENCH_JARS", 1_000_000))
DISTRIBUTIONS = int(os.environ.get("BENCH_DISTRIBUTIONS", 300_000))
JARS_PER_LOT = 20
LOTS = JARS // JARS_PER_LOT
RAW_PER_LOT = 2
LOTS_PER_RAW = 5  # each raw lot feeds 5 production lots
BATCH = 5000
START = date(2020, 1, 1)


def chunks(rows):
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def bulk(model, rows):
    for chunk in chunks(rows):
        model.objects.bulk_create(chunk, batch_size=BATCH)


def generate():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # a throwaway file: no need to survive a power cut while generating
        cursor.execute("PRAGMA synchronous=OFF")
    user = get_user_model().objects.create_user(username="bench", password=None)
    territory = Territory.objects.create(
        slug="bench",
        code="BEN",
        name="Bench",
        address="1 place du Banc, 26100 Romans-sur-Isère",
        hub_lat=Decimal("45.04"),
        hub_lon=Decimal("5.05"),
        radius_km=30,
    )
    # A label needs a nutrition declaration or the exemption that applies (docs/labels-en.md).
    LabellingProfile.objects.create(territory=territory, nutrition_exemption="annex_v_19")
    truck = Location.objects.create(territory=territory, name="Camion", kind=Location.Kind.TRUCK)
    jar = JarFormat.objects.create(territory=territory, name="Bocal 375 ml", volume_ml=375, deposit_eur=Decimal("1"))
    product = Product.objects.create(name="Tomate", category=Product.Category.VEGETABLE, shelf_life_days=5)
    farm = Producer.objects.create(
        territory=territory, name="Ferme", commune="Peyrins", lat=Decimal("45.09"), lon=Decimal("5.04"), distance_km=6
    )
    recipe = Recipe.objects.create(
        territory=territory, code="CTOM", name="Coulis", validated_by=user, validated_at=timezone.now()
    )
    RecipeIngredient.objects.create(recipe=recipe, product=product, kg_per_batch=Decimal("10"))
    RecipeFormat.objects.create(
        recipe=recipe,
        jar_format=jar,
        jars_per_batch=20,
        net_weight_g=350,
        treatment=HeatTreatment.STERILISATION,
        temperature_c=Decimal("110"),
        minutes=45,
    )
    snapshot = recipe_snapshot(recipe)
    raws = LOTS * RAW_PER_LOT // LOTS_PER_RAW
    with transaction.atomic():
        bulk(
            RawLot,
            [
                RawLot(
                    territory=territory,
                    code=f"BEN-B{i:08d}",
                    producer=farm,
                    product=product,
                    kg=Decimal("100"),
                    collected_on=START + timedelta(days=i % 2000),
                    use_before=START + timedelta(days=i % 2000 + 5),
                    recorded_by=user,
                )
                for i in range(raws)
            ],
        )
        raw_ids = list(RawLot.objects.order_by("pk").values_list("pk", flat=True))
        bulk(
            ProductionLot,
            [
                ProductionLot(
                    territory=territory,
                    code=f"BEN-{i:08d}",
                    recipe=recipe,
                    recipe_snapshot=snapshot,
                    produced_on=START + timedelta(days=i % 2000),
                    best_before=START + timedelta(days=i % 2000 + 365),
                    status=LotStatus.RELEASED,
                    created_by=user,
                )
                for i in range(LOTS)
            ],
        )
        lot_ids = list(ProductionLot.objects.order_by("pk").values_list("pk", flat=True))
        # Lot i uses raw lots (i // 5) and (i // 5 + 1): neighbouring lots share raw lots, as in a season.
        uses = []
        for i, lot_id in enumerate(lot_ids):
            for k in range(RAW_PER_LOT):
                raw = raw_ids[min(i * RAW_PER_LOT // LOTS_PER_RAW + k, len(raw_ids) - 1)]
                uses.append(
                    RawLotMovement(
                        raw_lot_id=raw,
                        kind=RawLotMovement.Kind.USED,
                        kg=Decimal("-5"),
                        production_lot_id=lot_id,
                        day=START,
                        created_by=user,
                    )
                )
        bulk(RawLotMovement, uses)
        del uses
        bulk(
            StockMovement,
            [
                StockMovement(
                    territory=territory,
                    kind=MovementKind.PRODUCED,
                    location=truck,
                    lot_id=lot_id,
                    jar_format=jar,
                    quantity=JARS_PER_LOT,
                    day=START,
                    created_by=user,
                )
                for lot_id in lot_ids
            ],
        )
        now = timezone.now()
        bulk(
            Participant,
            [
                Participant(territory=territory, first_name=f"P{i}", phone="0600000000", consent_at=now)
                for i in range(5000)
            ],
        )
        participant_ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
        bulk(
            Distribution,
            [
                Distribution(
                    territory=territory,
                    kind=Distribution.Kind.PARTICIPANT,
                    date=START + timedelta(days=i % 2000),
                    location=truck,
                    participant_id=participant_ids[i % len(participant_ids)],
                    created_by=user,
                )
                for i in range(DISTRIBUTIONS)
            ],
        )
        distribution_ids = list(Distribution.objects.order_by("pk").values_list("pk", flat=True))
        bulk(
            DistributionLine,
            [
                DistributionLine(
                    distribution_id=d, lot_id=lot_ids[(i * 7919) % len(lot_ids)], jar_format=jar, quantity=2
                )
                for i, d in enumerate(distribution_ids)
            ],
        )
        bulk(
            StockMovement,
            [
                StockMovement(
                    territory=territory,
                    kind=MovementKind.GIVEN,
                    location=truck,
                    lot_id=line.lot_id,
                    jar_format=jar,
                    quantity=-2,
                    distribution_line_id=line.pk,
                    day=START,
                    created_by=user,
                )
                for line in DistributionLine.objects.only("pk", "lot_id").iterator(chunk_size=BATCH)
            ],
        )
        # One lot of 1,000 jars for the labels.
        label_lot = ProductionLot.objects.create(
            territory=territory,
            code="BEN-LABELS",
            recipe=recipe,
            recipe_snapshot=snapshot,
            produced_on=START,
            best_before=START + timedelta(days=365),
            status=LotStatus.RELEASED,
            created_by=user,
        )
        StockMovement.objects.create(
            territory=territory,
            kind=MovementKind.PRODUCED,
            location=truck,
            lot=label_lot,
            jar_format=jar,
            quantity=1000,
            day=START,
            created_by=user,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return raw_ids, time.perf_counter() - t0


def measure(label, target_ms, fn, repeat=7):
    fn()  # warm the caches
    connection.queries_log.clear()
    times = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    median = statistics.median(times)
    verdict = "OK" if median <= target_ms else "AU-DESSUS DE LA CIBLE"
    print(
        f"{label:<48} médiane {median:8.1f} ms  min {min(times):8.1f} ms  "
        f"{queries} requêtes  cible ≤ {target_ms} ms  {verdict}"
    )
    return median


def main():
    print(f"Génération : {JARS:,} bocaux ({LOTS:,} lots), {DISTRIBUTIONS:,} cessions… (SQLite, {TMP.name})")
    with scopes_disabled():  # the data is written straight into the tables, as the demo is
        raw_ids, seconds = generate()
        territory = Territory.objects.get()
    print(f"Données générées en {seconds:.0f} s.")
    # Measured as a staff page runs them: in the territory's scope (docs/architecture.md §8).
    with territory_scope(territory):
        measure_all(raw_ids)


def measure_all(raw_ids):
    raw = RawLot.objects.get(pk=raw_ids[len(raw_ids) // 2])
    lot = ProductionLot.objects.filter(raw_inputs__raw_lot=raw).order_by("pk").first()

    def forward():
        trace = raw_lot_forward(raw)
        return trace.contacts()

    def recall_list():
        ids = [lot.pk, *lots_sharing_raw_lots(lot).values_list("pk", flat=True)]
        return lots_forward(ids).contacts()

    trace = raw_lot_forward(raw)
    print(
        f"Trace aval du lot brut {raw.code} : {len(trace.production_lots)} lots, "
        f"{len(trace.lines)} lignes de cession, {len(trace.contacts())} destinataires."
    )
    measure("Trace aval d'un lot brut (avec destinataires)", 200, forward)
    measure("Liste de rappel (lot + lots partageant un lot brut)", 200, recall_list)
    label_lot = ProductionLot.objects.select_related("territory").get(code="BEN-LABELS")
    pdf = lot_labels_pdf(label_lot)
    print(f"Étiquettes : {pdf.labels} étiquettes, {pdf.pages} pages, {len(pdf.content) // 1024} Kio.")
    measure("1 000 étiquettes (PDF)", 3000, lambda: lot_labels_pdf(label_lot), repeat=3)


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        TMP.cleanup()
