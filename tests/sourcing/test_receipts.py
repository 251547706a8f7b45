"""Donation receipts (article 238 bis CGI, Cerfa 16216 model): each particular read back from the PDF, valuation at
the farm's declared cost price (never the cannery's prices), closed years only, a legal entity required, numbers
without a gap under correction, the register, territory isolation."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook
from pypdf import PdfReader

from conserverie.producers.models import CostPrice
from conserverie.producers.services import cost_price_declare, producer_create, producer_legal_identity_set
from conserverie.sourcing.models import DonationReceipt
from conserverie.sourcing.receipts import receipt_correct, receipt_issue, receipt_pdf
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import LegalEntity

from ..pages import assert_flat_queries, row_counts, text

ISSUE_DAY = date(2026, 1, 15)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def entity_for(territory, **extra):
    values = {
        "name": "Association Bocaux Solidaires",
        "legal_form": "Association déclarée (loi du 1er juillet 1901)",
        "siren": "123456789",
        "rna": "W261234567",
        "address": "1 place du Marché, 26100 Romans-sur-Isère",
        "city": "Romans-sur-Isère",
        "purpose": "Transformer les surplus agricoles en conserves avec les habitants",
        "eligibility": "Organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI)",
        "signatory_name": "Camille Exemple",
        "signatory_role": "Présidente",
    }
    values.update(extra)
    return LegalEntity.objects.create(territory=territory, **values)


def donor(farm, actor):
    producer_legal_identity_set(
        actor=actor,
        producer=farm,
        legal_name="EARL des Tests",
        legal_form="EARL",
        siren="987 654 321",
        address="12 chemin des Vergers, 26750 Peyrins",
    )


@pytest.fixture
def gifts(chain, coordinator, clock):
    """2025: 100 kg of tomatoes given on 1 August (surplus), 20 kg unsold on 3 September, 50 kg bought (not a
    gift). The farm's cost price: 0.80 €/kg, unsold 0.30 €/kg."""
    clock(ISSUE_DAY)
    t = chain.territory
    entity_for(t)
    donor(chain.farm, coordinator)
    cost_price_declare(
        actor=coordinator,
        producer=chain.farm,
        product=chain.tomato,
        eur_per_kg=Decimal("0.80"),
        unsold_eur_per_kg=Decimal("0.30"),
        declared_on=ISSUE_DAY,
    )

    def collect(kg, day, **extra):
        return collection_record(
            actor=coordinator,
            territory=t,
            producer=chain.farm,
            product=chain.tomato,
            kg=Decimal(kg),
            collected_on=day,
            **extra,
        )

    collect("100", date(2025, 8, 1))
    collect("20", date(2025, 9, 3), grade="unsold")
    collect("50", date(2025, 10, 2), terms="purchase", price_eur_kg=Decimal("0.60"))
    return chain


@pytest.fixture
def second_farm(gifts, coordinator):
    farm = producer_create(
        actor=coordinator,
        territory=gifts.territory,
        name="Ferme du Coteau",
        commune="Génissieux",
        lat=Decimal("45.08"),
        lon=Decimal("5.08"),
        distance_km=Decimal("4.0"),
    )
    donor(farm, coordinator)
    cost_price_declare(
        actor=coordinator, producer=farm, product=gifts.tomato, eur_per_kg=Decimal("1.10"), declared_on=ISSUE_DAY
    )
    collection_record(
        actor=coordinator,
        territory=gifts.territory,
        producer=farm,
        product=gifts.tomato,
        kg=Decimal("10"),
        collected_on=date(2025, 7, 1),
    )
    return farm


def test_the_receipt_states_every_particular_and_values_at_the_farms_cost(gifts, coordinator):
    receipt = receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    assert receipt.number == "ROM-RD2025-0001"
    # 100 × 0.80 + 20 × 0.30 = 86.00 (the purchase is no gift)
    assert receipt.total_eur == Decimal("86.00")
    page = pdf_text(receipt_pdf(receipt))
    for particular in [
        "Reçu n° ROM-RD2025-0001",
        "238 bis",
        "16216",
        # beneficiary and its eligibility
        "Association Bocaux Solidaires",
        "Association déclarée (loi du 1er juillet 1901)",
        "SIREN 123456789",
        "RNA W261234567",
        "1 place du Marché, 26100 Romans-sur-Isère",
        "Transformer les surplus agricoles en conserves avec les habitants",
        "Organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI)",
        # donor
        "EARL des Tests",
        "Forme juridique : EARL",
        "SIREN : 987654321",
        "12 chemin des Vergers, 26750 Peyrins",
        # dates, nature, quantities and values
        "1er août 2025",
        "3 septembre 2025",
        "don en nature",
        "Tomate",
        "100,00",
        "20,00",
        "0,80 €",
        "80,00 €",
        "0,30 €",
        "6,00 €",
        "***86,00 €***",
        "coût de revient",
        "valeur en stock des invendus",
        "aucune contrepartie",
        "Fait à Romans-sur-Isère, le 15 janvier 2026",
        "Camille Exemple, Présidente",
    ]:
        assert particular in page, particular
    assert "1 800" not in page
    assert "15,00 €" not in page
    assert "50,00" not in page  # the 50 kg bought are paid, not given


def test_a_year_not_closed_is_refused_with_the_reason(gifts, coordinator, clock):
    clock(date(2025, 12, 6))
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    assert "L'année 2025 n'est pas close" in refused.value.messages[0]
    assert "1er janvier 2026" in refused.value.messages[0]
    assert row_counts() == before


def test_no_receipt_without_the_legal_entity_nor_the_donors_identity_nor_a_cost_price(gifts, coordinator):
    LegalEntity.objects.filter(territory=gifts.territory).delete()
    with pytest.raises(ValidationError, match="entité juridique"):
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    entity_for(gifts.territory, siren="", rna="W261234567", signatory_role=" ")
    with pytest.raises(ValidationError, match="incomplète : qualité du signataire"):
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    LegalEntity.objects.filter(territory=gifts.territory).update(signatory_role="Trésorier")
    type(gifts.farm).objects.filter(pk=gifts.farm.pk).update(siren="")
    gifts.farm.refresh_from_db()
    with pytest.raises(ValidationError, match="identité de la ferme .* incomplète : SIREN"):
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    donor(gifts.farm, coordinator)
    CostPrice.objects.all().delete()
    with pytest.raises(ValidationError, match="coût de revient pour : Tomate"):
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    assert not DonationReceipt.objects.exists()


def test_numbers_stay_without_a_gap_and_a_correction_cancels_and_renumbers(gifts, second_farm, coordinator):
    first = receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    second = receipt_issue(actor=coordinator, producer=second_farm, year=2025)
    with pytest.raises(ValidationError, match="ROM-RD2025-0001 couvre déjà"):
        receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    # The farm declares a new cost price: the issued receipt does not change...
    cost_price_declare(
        actor=coordinator,
        producer=gifts.farm,
        product=gifts.tomato,
        eur_per_kg=Decimal("1.00"),
        unsold_eur_per_kg=Decimal("0.30"),
        declared_on=ISSUE_DAY,
    )
    first.refresh_from_db()
    assert first.total_eur == Decimal("86.00")
    with pytest.raises(ValidationError):
        receipt_correct(actor=coordinator, receipt=first, reason="  ")
    # ...a correction cancels it (kept, marked) and issues the next number.
    third = receipt_correct(actor=coordinator, receipt=first, reason="Coût de revient corrigé par la ferme")
    first.refresh_from_db()
    assert (first.status, first.cancel_reason, first.replaced_by) == (
        "cancelled",
        "Coût de revient corrigé par la ferme",
        third,
    )
    assert third.total_eur == Decimal("106.00")  # 100 × 1.00 + 20 × 0.30
    numbers = list(DonationReceipt.objects.filter(year=2025).order_by("sequence").values_list("number", "status"))
    assert numbers == [
        ("ROM-RD2025-0001", "cancelled"),
        ("ROM-RD2025-0002", "issued"),
        ("ROM-RD2025-0003", "issued"),
    ]
    assert second.sequence == 2
    assert "ANNULÉ" in pdf_text(receipt_pdf(first))
    with pytest.raises(ValidationError, match="déjà annulé"):
        receipt_correct(actor=coordinator, receipt=first, reason="encore")


def test_the_register_lists_every_receipt_cancelled_included(client, gifts, coordinator):
    first = receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    receipt_correct(actor=coordinator, receipt=first, reason="Erreur de pesée")
    client.force_login(coordinator)
    response = client.get("/t/romans/collectes/recus/registre.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Numéro"
    assert [(r[0], r[9], r[10], r[13]) for r in rows[1:]] == [
        ("ROM-RD2025-0001", 86.0, "Annulé", "ROM-RD2025-0002"),
        ("ROM-RD2025-0002", 86.0, "Émis", None),
    ]
    csv = client.get("/t/romans/collectes/recus/registre.csv").getvalue().decode()
    assert "ROM-RD2025-0001" in csv
    assert "Erreur de pesée" in csv


def test_a_territory_never_reaches_another_ones_receipts(client, gifts, coordinator, animator, other_coordinator):
    receipt = receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)
    with pytest.raises(PermissionDenied):
        receipt_issue(actor=other_coordinator, producer=gifts.farm, year=2025)
    with pytest.raises(PermissionDenied):
        receipt_correct(actor=animator, receipt=receipt, reason="pas mon rôle")
    client.force_login(other_coordinator)
    assert client.get(f"/t/romans/collectes/recus/{receipt.number}.pdf").status_code == 404
    assert client.get(f"/t/vercors/collectes/recus/{receipt.number}.pdf").status_code == 404
    assert client.get(f"/t/vercors/collectes/fermes/{gifts.farm.pk}/").status_code == 404
    register = client.get("/t/vercors/collectes/recus/registre.csv").getvalue().decode()
    assert receipt.number not in register


def test_the_coordinator_issues_from_the_farm_page_and_refusals_show_there(client, gifts, coordinator, clock):
    client.force_login(coordinator)
    url = f"/t/romans/collectes/fermes/{gifts.farm.pk}/?annee=2025"
    response = client.post(url, {"action": "issue", "year": "2025"})
    assert response.status_code == 302
    assert DonationReceipt.objects.get().number == "ROM-RD2025-0001"
    page = text(client.get(url))
    assert "ROM-RD2025-0001" in page
    assert "30,00 €" in page  # 50 kg bought × 0.60
    response = client.post(url, {"action": "issue", "year": "2025"})
    assert response.status_code == 422
    assert "couvre déjà" in text(response)
    response = client.post(url, {"action": "donor", "legal_name": "EARL", "legal_form": "EARL", "siren": "12"})
    assert response.status_code == 422
    assert "Le SIREN compte 9 chiffres." in text(response)


def test_the_farm_page_costs_the_same_queries_with_more_purchases_and_receipts(
    client, gifts, second_farm, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    receipt_issue(actor=coordinator, producer=gifts.farm, year=2025)

    def grow(n):
        for i in range(n):
            collection_record(
                actor=coordinator,
                territory=gifts.territory,
                producer=gifts.farm,
                product=gifts.tomato,
                kg=Decimal("5"),
                collected_on=date(2025, 11, 1 + i),
                terms="purchase",
                price_eur_kg=Decimal("0.75"),
            )
        receipt = DonationReceipt.objects.get(producer=gifts.farm, status="issued")
        receipt_correct(actor=coordinator, receipt=receipt, reason="nouvelle pesée")

    assert_flat_queries(
        client, f"/t/romans/collectes/fermes/{gifts.farm.pk}/?annee=2025", grow, django_assert_num_queries
    )
