"""Farms around Romans with accepted offers to collect on a coming day, a truck, and rounds built from them."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.producers.models import Producer, SurplusOffer
from conserverie.producers.services import offer_accept, offer_declare, producer_create
from conserverie.sourcing.rounds.models import RoundStop
from conserverie.sourcing.rounds.services import round_plan
from conserverie.territories.models import Vehicle

# Fictional farms in real villages near the Romans hub (45.0431, 5.0511).
FARMS = [
    ("Ferme des Chênes", "Peyrins", "45.0920", "5.0440"),
    ("Les Vergers d'Alixan", "Alixan", "44.9740", "5.0280"),
    ("Jardin de Mours", "Mours-Saint-Eusèbe", "45.0650", "5.0560"),
    ("Ferme du Pied de Côte", "Génissieux", "45.0840", "5.0830"),
    ("Le Mas de Chatuzange", "Chatuzange-le-Goubet", "45.0030", "5.0930"),
    ("Ferme de Triors", "Triors", "45.0880", "5.1110"),
    ("Les Prés de Granges", "Granges-les-Beaumont", "45.0450", "4.9920"),
    ("Ferme de la Baume", "Saint-Paul-lès-Romans", "45.0680", "5.1300"),
]
FAR = ("Ferme du Bout du Monde", "Saint-Jean-en-Royans", "45.0190", "5.2920")  # ≈ 19 km as the crow flies


def round_day():
    return timezone.localdate() + timedelta(days=2)


def add_vehicle(territory, capacity_kg=800, name="Camion-conserverie"):
    return Vehicle.objects.create(territory=territory, name=name, plate="AB-123-CD", capacity_kg=capacity_kg)


def farm(actor, territory, spec):
    name, commune, lat, lon = spec
    found = Producer.objects.filter(territory=territory, name=name).first()
    return found or producer_create(
        actor=actor,
        territory=territory,
        name=name,
        commune=commune,
        lat=Decimal(lat),
        lon=Decimal(lon),
        distance_km=Decimal("5"),
    )


def accepted_offer(actor, territory, product, spec, kg="50", day=None, accept=True, **extra):
    day = day or round_day()
    offer = offer_declare(
        actor=actor,
        territory=territory,
        producer=farm(actor, territory, spec),
        product=product,
        kg_estimated=Decimal(kg),
        grade=SurplusOffer.Grade.SURPLUS,
        available_from=day - timedelta(days=1),
        available_until=day + timedelta(days=2),
        **extra,
    )
    return offer_accept(actor=actor, offer=offer) if accept else offer


def accepted_offers(actor, territory, product, n, kg="50", day=None):
    return [accepted_offer(actor, territory, product, FARMS[i % len(FARMS)], kg=kg, day=day) for i in range(n)]


def planned_round(actor, territory, product, vehicle=None, n=3, kg="50"):
    """A proposed round through `n` fresh offers (the solver is given a short time)."""
    accepted_offers(actor, territory, product, n, kg=kg)
    return round_plan(
        actor=actor,
        territory=territory,
        vehicle=vehicle or add_vehicle(territory),
        day=round_day(),
        departure=time(8),
        back_by=time(17),
        seconds=0.2,
    )


def add_stops(collection_round, actor, product, n):
    """`n` more stops on a round (page tests: the page costs the same with more stops)."""
    start = collection_round.stops.count()
    for i in range(start, start + n):
        offer = accepted_offer(actor, collection_round.territory, product, FARMS[i % len(FARMS)])
        RoundStop.objects.create(
            collection_round=collection_round, offer=offer, sequence=i + 1, planned_kg=offer.kg_estimated
        )
