"""The demo shows issue 16's money end to end: a farm's proposal waiting for the coordination, the à-façon jars
out of the jar ledger, the farm purchases booked lot by lot with the farm as auxiliary account, one SIREN."""

from datetime import date
from decimal import Decimal

from conserverie.economics.fec import Kind, fec_entries, fec_filename
from conserverie.figures.selectors import mass_balance_problems
from conserverie.producers.models import SurplusOffer, Terms
from conserverie.sourcing.models import FarmJarReturn
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import Territory

SEASON = (date(2026, 1, 1), date(2026, 12, 31))


def test_the_demo_has_a_proposal_jars_returned_in_the_ledger_and_farm_purchases_in_the_fec(db):
    romans = Territory.objects.get(slug="romans")
    pending = SurplusOffer.objects.filter(territory=romans, terms_agreed=False)
    (offer,) = pending
    assert (offer.terms, offer.price_eur_kg) == (Terms.PURCHASE, Decimal("0.70"))
    returns = FarmJarReturn.objects.filter(territory=romans)
    assert returns.exists()
    moved = StockMovement.objects.filter(territory=romans, kind=MovementKind.RETURNED_TO_FARM)
    assert sorted(-m.quantity for m in moved) == sorted(r.jars for r in returns)
    assert mass_balance_problems(romans) == []
    entries = fec_entries(romans, *SEASON)
    purchases = [e for e in entries if e.kind == Kind.FARM_PURCHASE]
    payments = [e for e in entries if e.kind == Kind.FARM_PAYMENT]
    assert purchases
    assert len(payments) == len(purchases)
    assert all(p.aux_num.startswith("F") for e in purchases for p in e.postings if p.account.number == "401")
    assert fec_filename(romans, SEASON[1]) == "900000001FEC20261231.txt"
