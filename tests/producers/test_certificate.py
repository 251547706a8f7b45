"""The yearly donation certificate: kilos weighed per product × declared value, read back from the PDF."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from conserverie.producers.models import Product
from conserverie.sourcing.certificate import certificate_pdf, donation_certificate
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Role

from ..conftest import DAY, make_user


@pytest.fixture
def harvest(chain, coordinator):
    """2026: 40 kg of tomatoes (the chain's lot) + 12.5 kg more, and 7.3 kg of strawberries; 2025: 100 kg."""
    territory = chain.territory
    territory.organisation = "La Coopération de test"
    territory.address = "1 place du Marché, 26100 Romans-sur-Isère"
    territory.save()
    Product.objects.filter(pk=chain.tomato.pk).update(donation_value_eur_kg=Decimal("2.50"))
    strawberry = Product.objects.create(
        name="Fraise", category=Product.Category.FRUIT, shelf_life_days=2, donation_value_eur_kg=Decimal("6.00")
    )

    def collect(product, kg, day):
        collection_record(
            actor=coordinator,
            territory=territory,
            producer=chain.farm,
            product=product,
            kg=Decimal(kg),
            collected_on=day,
        )

    collect(chain.tomato, "12.5", DAY)
    collect(strawberry, "7.3", date(2026, 5, 2))
    collect(chain.tomato, "100", date(2025, 8, 1))
    return chain


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_figures_are_kilos_times_declared_values(harvest):
    certificate = donation_certificate(harvest.farm, 2026)
    assert [(line.product, line.kg, line.value) for line in certificate.lines] == [
        ("Fraise", Decimal("7.30"), Decimal("43.80")),  # 7.3 × 6.00
        ("Tomate", Decimal("52.50"), Decimal("131.25")),  # (40 + 12.5) × 2.50
    ]
    assert certificate.kg == Decimal("59.80")
    assert certificate.value == Decimal("175.05")
    assert certificate.reduction == Decimal("105.03")  # 60 % of 175.05 = 105.03
    assert certificate.number == f"ROM-AD2026-{harvest.farm.pk:05d}"


def test_the_pdf_says_who_gives_who_receives_what_and_the_tax_rule(harvest):
    text = pdf_text(certificate_pdf(donation_certificate(harvest.farm, 2026)))
    assert "Attestation de don en nature — année 2026" in text
    assert f"ROM-AD2026-{harvest.farm.pk:05d}" in text
    assert "La Coopération de test" in text
    assert "1 place du Marché, 26100 Romans-sur-Isère" in text
    assert "Ferme des Tests ROM, Peyrins" in text
    assert "Fraise" in text
    assert "7,3" in text
    assert "43,80 €" in text
    assert "52,5" in text
    assert "131,25 €" in text
    assert "59,8" in text
    assert "175,05 €" in text
    assert "60 %" in text
    assert "238 bis" in text
    assert "105,03 €" in text


def test_each_year_has_its_own_figures(harvest):
    certificate = donation_certificate(harvest.farm, 2025)
    assert certificate.value == Decimal("250.00")
    assert certificate.kg == Decimal("100")


# Through the producer's space


@pytest.fixture
def farmer_client(client, harvest, clock):
    clock(DAY)
    client.force_login(make_user("fermiere", harvest.territory, Role.PRODUCER, producer=harvest.farm))
    return client


def test_the_space_links_one_certificate_per_year_with_collections(farmer_client):
    response = farmer_client.get("/producteur/")
    assert response.context["years"] == [2026, 2025]
    assert 'href="/producteur/attestation/2026/"' in response.content.decode()


def test_the_farmer_downloads_the_certificate(farmer_client, harvest):
    response = farmer_client.get("/producteur/attestation/2026/")
    assert response["Content-Type"] == "application/pdf"
    assert "attestation-don-2026" in response["Content-Disposition"]
    assert "175,05 €" in pdf_text(response.content)


@pytest.mark.parametrize("year", [2024, 2027, 1999])
def test_a_year_without_collections_or_in_the_future_is_404(farmer_client, year):
    assert farmer_client.get(f"/producteur/attestation/{year}/").status_code == 404


def test_another_farm_never_gets_this_farm_certificate(client, harvest, other_chain):
    client.force_login(make_user("voisin", other_chain.territory, Role.PRODUCER, producer=other_chain.farm))
    response = client.get("/producteur/attestation/2026/")
    # The neighbour's own certificate: 40 kg of its own tomatoes, never this farm's 52.5 kg.
    assert "Ferme des Tests VER" in pdf_text(response.content)
    assert "Ferme des Tests ROM" not in pdf_text(response.content)
