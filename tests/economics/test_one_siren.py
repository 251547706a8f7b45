"""One SIREN per territory (issue 16): the FEC's former `AccountingIdentity` moves into the legal entity.

The data migration `economics.0004_m16c_one_siren` is run on rows written with the models as they were."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conserverie.territories.models import LegalEntity

BEFORE = [("economics", "0003_m16b_chart_of_accounts"), ("territories", "0008_legal_entity_bounds")]


@pytest.mark.django_db(transaction=True)
def test_the_fec_siren_moves_into_the_legal_entity():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Territory = old.get_model("territories", "Territory")
    user = old.get_model("auth", "User").objects.create(username="ancienne-coordination")
    ids = {}
    for slug in ("sans-entite", "entite-sans-siren", "deux-siren"):
        ids[slug] = Territory.objects.create(
            slug=slug,
            code=slug[:3].upper(),
            name=slug,
            organisation=f"Asso {slug}",
            hub_lat=Decimal("45"),
            hub_lon=Decimal("5"),
            radius_km=30,
        ).pk
        old.get_model("economics", "AccountingIdentity").objects.create(
            territory_id=ids[slug], siren="732829320", updated_by_id=user.pk
        )
    Entity = old.get_model("territories", "LegalEntity")
    Entity.objects.create(territory_id=ids["entite-sans-siren"], name="Entité A", rna="W261234567")
    Entity.objects.create(territory_id=ids["deux-siren"], name="Entité B", siren="552100554")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = dict(LegalEntity.objects.order_by("territory__slug").values_list("territory__slug", "siren"))
    # Created from the FEC's SIREN; filled in; the receipts' SIREN kept where both existed.
    assert rows == {"sans-entite": "732829320", "entite-sans-siren": "732829320", "deux-siren": "552100554"}
    assert LegalEntity.objects.get(territory__slug="sans-entite").name == "Asso sans-entite"
