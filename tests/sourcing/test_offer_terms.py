"""An offer's terms are set before the collection (issue 16): the farmer proposes them on the portal, the
coordination agrees or changes them on the offer's « Conditions » page, the collection takes them; a change at the
collection is the coordination's and leaves a history row (the audit page) saying what was offered and recorded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conserverie.producers.models import SurplusOffer, Terms
from conserverie.producers.services import offer_declare, offer_terms_set
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.services import collection_record
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..pages import add_offers, assert_flat_queries, row_counts, text

D = Decimal


@pytest.fixture
def farmer(chain):
    return make_user("fermiere", chain.territory, Role.PRODUCER, producer=chain.farm)


@pytest.fixture(autouse=True)
def today(clock):
    clock(DAY)


def propose(chain, farmer, **terms):
    return offer_declare(
        actor=farmer,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg_estimated=D("60"),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=DAY,
        available_until=DAY + timedelta(days=3),
        **terms,
    )


def collect(chain, actor, offer, **terms):
    return collection_record(
        actor=actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=D("50"),
        collected_on=DAY,
        offer=offer,
        **terms,
    )


def last_reason(raw: RawLot) -> str:
    return raw.history.order_by("-history_id").values_list("history_change_reason", flat=True).first() or ""


def test_the_farm_proposes_the_coordination_agrees_the_collection_takes_them(chain, farmer, animator, coordinator):
    with pytest.raises(ValidationError) as refused:
        propose(chain, farmer, terms=Terms.PURCHASE, price_eur_kg=D("0"))
    assert "prix au kilo supérieur à zéro" in refused.value.message_dict["price_eur_kg"][0]
    offer = propose(chain, farmer, terms=Terms.PURCHASE, price_eur_kg=D("0.80"))
    assert (offer.terms, offer.price_eur_kg, offer.terms_agreed) == (Terms.PURCHASE, D("0.80"), False)
    assert offer.terms_text == "Achat à 0,80 €/kg"
    # Not agreed yet: the animator weighing it is stopped, with the reason at the field, and nothing is written.
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        collect(chain, animator, offer)
    assert "doit d'abord accepter" in refused.value.message_dict["terms"][0]
    with pytest.raises(PermissionDenied):
        offer_terms_set(actor=animator, offer=offer, terms=Terms.DONATION)
    with pytest.raises(PermissionDenied):
        offer_terms_set(actor=farmer, offer=offer, terms=Terms.PURCHASE, price_eur_kg=D("2.00"))
    assert row_counts() == before
    # The coordination changes it to processing at 0.50 a jar; the animator's collection takes it as agreed.
    offer = offer_terms_set(actor=coordinator, offer=offer, terms=Terms.PROCESSING, fee_eur_per_jar=D("0.50"))
    assert (offer.terms, offer.price_eur_kg, offer.fee_eur_per_jar, offer.terms_agreed) == (
        Terms.PROCESSING,
        None,
        D("0.50"),
        True,
    )
    raw = collect(chain, animator, offer)
    assert (raw.terms, raw.price_eur_kg, last_reason(raw)) == (Terms.PROCESSING, None, "")
    # Collected: the terms no longer change on the offer.
    with pytest.raises(ValidationError) as refused:
        offer_terms_set(actor=coordinator, offer=offer, terms=Terms.DONATION)
    assert "plus ouverte" in refused.value.message_dict["terms"][0]


def test_a_change_at_the_collection_is_the_coordinations_and_is_in_the_history(chain, farmer, animator, coordinator):
    offer = propose(chain, farmer)
    offer = offer_terms_set(actor=coordinator, offer=offer, terms=Terms.PURCHASE, price_eur_kg=D("0.80"))
    before = row_counts()
    for terms in ({"terms": Terms.DONATION}, {"price_eur_kg": D("0.50")}):  # a gift, a lower price: not theirs
        with pytest.raises(PermissionDenied):
            collect(chain, animator, offer, **terms)
    assert row_counts() == before
    raw = collect(chain, coordinator, offer, terms=Terms.PURCHASE, price_eur_kg=D("1.10"))
    assert (raw.terms, raw.price_eur_kg) == (Terms.PURCHASE, D("1.10"))
    assert last_reason(raw) == "Conditions changées à la collecte : Achat à 0,80 €/kg → Achat à 1,10 €/kg"
    # The farm's proposal collected by the coordination: agreed by that act, and said so.
    proposal = propose(chain, farmer, terms=Terms.PROCESSING, fee_eur_per_jar=D("0.30"))
    raw = collect(chain, coordinator, proposal)
    proposal.refresh_from_db()
    assert proposal.terms_agreed
    assert raw.terms == Terms.PROCESSING
    assert "acceptées à la collecte" in last_reason(raw)


def test_the_pages(chain, farmer, coordinator, animator, other_coordinator, client, django_assert_num_queries):
    # The farmer proposes on the portal; a wrong proposal keeps the form filled with the message at the field.
    client.force_login(farmer)
    form = {
        "product": chain.tomato.pk,
        "kg_estimated": "40",
        "grade": "surplus",
        "mode": "collect",
        "available_from": DAY.isoformat(),
        "available_until": (DAY + timedelta(days=2)).isoformat(),
        "terms": Terms.PROCESSING,
        "fee_eur_per_jar": "",
    }
    refused = client.post(reverse("producer_space"), form)
    assert refused.status_code == 422
    assert "Indiquez le prix de la transformation par bocal" in text(refused)
    assert client.post(reverse("producer_space"), {**form, "fee_eur_per_jar": "0.60"}).status_code == 302
    offer = SurplusOffer.objects.get()
    assert (offer.terms, offer.fee_eur_per_jar, offer.terms_agreed) == (Terms.PROCESSING, D("0.60"), False)
    page = text(client.get(reverse("producer_offer", args=[offer.pk])))
    assert "Transformation à façon à 0,60 €/bocal" in page
    assert "en attente de l'accord" in page

    # The coordination sees the proposal in the inbox and agrees other terms on the « Conditions » page.
    url = reverse("producers:offer_terms", args=[chain.territory.slug, offer.pk])
    client.force_login(coordinator)
    inbox = text(client.get(reverse("producers:offers", args=[chain.territory.slug])))
    assert "proposé par la ferme" in inbox
    assert url in inbox
    assert "La ferme propose : Transformation à façon à 0,60 €/bocal." in text(client.get(url))
    refused = client.post(url, {"terms": Terms.PURCHASE, "price_eur_kg": "0"})
    assert refused.status_code == 422
    assert "Un achat demande un prix au kilo supérieur à zéro." in text(refused)
    assert client.post(url, {"terms": Terms.PURCHASE, "price_eur_kg": "0.90"}).status_code == 302
    offer.refresh_from_db()
    assert (offer.terms, offer.price_eur_kg, offer.fee_eur_per_jar, offer.terms_agreed) == (
        Terms.PURCHASE,
        D("0.90"),
        None,
        True,
    )
    client.force_login(farmer)
    assert "Achat à 0,90 €/kg" in text(client.get(reverse("producer_offer", args=[offer.pk])))
    # Nobody else sets terms: an animator, another territory's coordinator.
    for user in (animator, other_coordinator):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"terms": Terms.DONATION}).status_code in (403, 404)
    offer.refresh_from_db()
    assert offer.terms == Terms.PURCHASE

    client.force_login(coordinator)
    queries = assert_flat_queries(client, url, lambda n: add_offers(chain, n), django_assert_num_queries, n=2)
    assert queries <= 12, queries
