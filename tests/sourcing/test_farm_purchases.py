"""What farms receive: a gift, a purchase at an agreed price per kg (paid on collection, a purchase note) or
processing for the farm (à façon: its jars come back, with a fee). The economics page, `accounts --json`, the
producer page and the portal show the same figures; the farm's outcome counts each lot in proportion to its kilos."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from conserverie.economics.accounts import accounts
from conserverie.economics.selectors import cost_sheet, farmers_received, price_chain, unit_economics
from conserverie.figures.farms import produce_outcome
from conserverie.producers.models import SurplusOffer, Terms
from conserverie.producers.services import offer_declare, offer_terms_set, producer_create
from conserverie.production.services import TreatmentReading, lot_record
from conserverie.sourcing.models import FarmJarReturn, RawLot
from conserverie.sourcing.purchases import farm_money, farm_purchases
from conserverie.sourcing.services import collection_record, farm_jars_return
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..pages import assert_flat_queries, row_counts, text

SEASON = (DAY.replace(month=1, day=1), DAY.replace(month=12, day=31))
D = Decimal


@pytest.fixture(autouse=True)
def today(clock):
    clock(DAY + timedelta(days=5))


def collect(chain, kg, **extra):
    return collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=extra.pop("producer", chain.farm),
        product=chain.tomato,
        kg=D(kg),
        collected_on=extra.pop("day", DAY),
        **extra,
    )


def offer(chain):
    return offer_declare(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg_estimated=D("60"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY + timedelta(days=3),
    )


def test_a_purchase_needs_a_price_above_zero_and_writes_nothing_otherwise(chain, coordinator, animator):
    before = row_counts()
    for price in (None, D("0"), D("-1")):
        with pytest.raises(ValidationError) as refused:
            collect(chain, "10", terms=Terms.PURCHASE, price_eur_kg=price)
        assert "prix au kilo supérieur à zéro" in refused.value.message_dict["price_eur_kg"][0]
    with pytest.raises(PermissionDenied):  # agreeing a price is the coordination's
        collection_record(
            actor=animator,
            territory=chain.territory,
            producer=chain.farm,
            product=chain.tomato,
            kg=D("10"),
            collected_on=DAY,
            terms=Terms.PURCHASE,
            price_eur_kg=D("1"),
        )
    assert row_counts() == before


def test_the_offers_terms_are_validated_and_the_collection_inherits_them(chain, coordinator, animator):
    proposal = offer(chain)
    with pytest.raises(ValidationError) as refused:
        offer_terms_set(actor=coordinator, offer=proposal, terms=Terms.PURCHASE, price_eur_kg=D("0"))
    assert "price_eur_kg" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        offer_terms_set(actor=coordinator, offer=proposal, terms=Terms.PROCESSING, fee_eur_per_jar=D("-0.10"))
    assert "fee_eur_per_jar" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        offer_terms_set(actor=animator, offer=proposal, terms=Terms.PURCHASE, price_eur_kg=D("0.70"))
    offer_terms_set(actor=coordinator, offer=proposal, terms=Terms.PURCHASE, price_eur_kg=D("0.70"))
    # The animator weighs it on the round: the agreed terms come with the offer.
    raw = collection_record(
        actor=animator,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=D("33.33"),
        collected_on=DAY,
        offer=proposal,
    )
    assert (raw.terms, raw.price_eur_kg, raw.purchase_eur) == ("purchase", D("0.70"), D("23.33"))  # 23.331


def test_purchases_are_paid_to_the_cent_and_everyone_reads_the_same_sum(chain, coordinator):
    collect(chain, "33.33", terms=Terms.PURCHASE, price_eur_kg=D("0.70"))  # 23.331 → 23.33
    collect(chain, "10.01", terms=Terms.PURCHASE, price_eur_kg=D("0.55"))  # 5.5055 → 5.51
    collect(chain, "12", day=DAY.replace(year=2025), terms=Terms.PURCHASE, price_eur_kg=D("1"))  # another year
    rows = list(farm_purchases(chain.territory, *SEASON))
    assert [(r.producer, r.collected_on, D(r.amount_eur)) for r in rows] == [
        (chain.farm, DAY, D("23.33")),
        (chain.farm, DAY, D("5.51")),
    ]
    money = farm_money(chain.territory, *SEASON)
    assert (money.paid_eur, money.kg_bought, money.kg_given) == (D("28.84"), D("43.34"), D("40"))
    data = accounts(chain.territory, *SEASON)
    assert data["farms_paid"] == D("28.84")
    assert data["expenses"]["farm_purchases"] == D("28.84")
    sheet = cost_sheet(chain.territory, *SEASON)
    farmers = farmers_received(chain.territory, *SEASON, sheet)
    assert farmers["paid"] == D("28.84")
    chain_rows = price_chain(sheet, unit_economics(sheet), farmers)
    assert chain_rows[0][0] == "Prix payé aux fermes"


def test_the_price_chain_divides_the_farms_pay_by_the_jars(chain, coordinator):
    raw = collect(chain, "50", terms=Terms.PURCHASE, price_eur_kg=D("0.80"))  # 40.00 €
    lot_record(
        actor=coordinator,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(raw, D("50"))],
        outputs={chain.jar: 80},
        treatments=[TreatmentReading(chain.jar, D("110"), 45)],
    )
    sheet = cost_sheet(chain.territory, *SEASON)
    label, per_jar, _note = price_chain(sheet, unit_economics(sheet), farmers_received(chain.territory, *SEASON))[0]
    assert per_jar == D("0.50")  # 40.00 € ÷ 80 jars


def test_jars_processed_for_a_farm_come_back_with_the_fee(chain, coordinator, animator):
    proposal = offer(chain)
    offer_terms_set(actor=coordinator, offer=proposal, terms=Terms.PROCESSING, fee_eur_per_jar=D("0.90"))
    raw = collect(chain, "30", offer=proposal)
    assert raw.terms == Terms.PROCESSING
    assert raw.price_eur_kg is None
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        farm_jars_return(actor=animator, raw_lot=raw, jars=0, day=DAY, fee_eur_per_jar=D("-1"))
    assert set(refused.value.message_dict) == {"jars", "fee_eur_per_jar"}
    with pytest.raises(ValidationError) as refused:
        farm_jars_return(actor=animator, raw_lot=chain.raw, jars=5, day=DAY)  # a gift, not à façon
    assert "à façon" in refused.value.message_dict["raw_lot"][0]
    assert row_counts() == before
    farm_jars_return(actor=animator, raw_lot=raw, jars=40, day=DAY + timedelta(days=1))
    farm_jars_return(actor=animator, raw_lot=raw, jars=2, day=DAY + timedelta(days=2), fee_eur_per_jar=D("0"))
    assert list(FarmJarReturn.objects.order_by("day").values_list("fee_eur", flat=True)) == [D("36.00"), D("0.00")]
    money = farm_money(chain.territory, *SEASON, producer=chain.farm)
    assert (money.jars_returned, money.fees_eur, money.kg_processed) == (42, D("36.00"), D("30"))
    data = accounts(chain.territory, *SEASON)
    assert data["revenues"]["processing_fees"] == D("36.00")


def test_the_farm_is_credited_with_its_share_of_each_lot(chain, coordinator):
    """One lot of 100 jars from 100 kg of this farm and 300 kg of another: a quarter of it, 25 jars."""
    neighbour = producer_create(
        actor=coordinator,
        territory=chain.territory,
        name="Ferme du Voisin",
        commune="Génissieux",
        lat=D("45.08"),
        lon=D("5.08"),
        distance_km=D("4.0"),
    )
    mine = collect(chain, "100")
    theirs = collect(chain, "300", producer=neighbour)
    lot_record(
        actor=coordinator,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(mine, D("100")), (theirs, D("300"))],
        outputs={chain.jar: 100},
        treatments=[TreatmentReading(chain.jar, D("110"), 45)],
    )
    assert produce_outcome(chain.farm, DAY.year)["jars"] == 25
    assert produce_outcome(neighbour, DAY.year)["jars"] == 75
    assert produce_outcome(neighbour)["lots"] == 1


def test_the_purchase_note_lists_each_lot_and_the_total(client, chain, coordinator):
    a = collect(chain, "33.33", terms=Terms.PURCHASE, price_eur_kg=D("0.70"))
    b = collect(chain, "10.01", terms=Terms.PURCHASE, price_eur_kg=D("0.55"))
    client.force_login(coordinator)
    response = client.get(f"/t/romans/collectes/fermes/{chain.farm.pk}/bon-achat.pdf?annee={DAY.year}&mois=6")
    assert response.status_code == 200
    page = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    for part in (a.code, b.code, "33,33", "0,70 €", "23,33 €", "5,51 €", "28,84 €", "1er juin 2026", "30 juin 2026"):
        assert part in page, part
    assert chain.raw.code not in page  # a gift is not bought


def test_the_collection_form_keeps_the_data_and_names_the_field(client, chain, coordinator):
    client.force_login(coordinator)
    data = {
        "producer": chain.farm.pk,
        "product": chain.tomato.pk,
        "kg": "12",
        "collected_on": DAY.isoformat(),
        "grade": "surplus",
        "terms": "purchase",
        "price_eur_kg": "",
    }
    response = client.post("/t/romans/collectes/nouvelle/", data)
    assert response.status_code == 422
    assert "Un achat demande un prix au kilo supérieur à zéro." in text(response)
    assert response.context["form"]["kg"].value() == "12"
    response = client.post("/t/romans/collectes/nouvelle/", {**data, "price_eur_kg": "0.65"})
    assert response.status_code == 302
    bought = RawLot.objects.get(terms="purchase")
    assert bought.purchase_eur == D("7.80")


def test_pages_show_what_the_farm_received_at_flat_query_counts(client, chain, coordinator, django_assert_num_queries):
    farmer = make_user("fermiere", chain.territory, Role.PRODUCER, producer=chain.farm)

    def grow(n):
        for _ in range(n):
            collect(chain, "10", terms=Terms.PURCHASE, price_eur_kg=D("0.50"))

    client.force_login(coordinator)
    assert_flat_queries(client, f"/t/romans/producteurs/{chain.farm.pk}/", grow, django_assert_num_queries)
    assert_flat_queries(client, "/t/romans/economie/", grow, django_assert_num_queries)
    paid = farm_money(chain.territory, *SEASON).paid_eur  # twice 3 + 6 lots × 5.00
    assert paid == D("90.00")
    assert "90,00 €" in text(client.get(f"/t/romans/producteurs/{chain.farm.pk}/"))
    assert "90,00 €" in text(client.get("/t/romans/economie/"))
    client.force_login(farmer)
    page = text(client.get("/producteur/"))
    assert "90,00 €" in page
    response = client.get(f"/producteur/bon-achat/{DAY.year}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client.get(f"/producteur/bon-achat/{DAY.year - 1}/").status_code == 404
