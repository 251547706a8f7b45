"""The farmer's donation receipts and purchase notes, in the producer's space (the rest is producers.portal)."""

from datetime import date

from django.http import Http404
from django.utils import timezone

from conserverie.core.exports import attachment
from conserverie.producers.views import portal as producer_portal
from conserverie.sourcing.models import DonationReceipt
from conserverie.sourcing.purchases import farm_purchases, purchase_note_number, purchase_note_pdf
from conserverie.sourcing.receipts import receipt_pdf
from conserverie.territories.models import LegalEntity

PDF = "application/pdf"


@producer_portal.farm_view
def producer_certificate(request, year):
    """The farm's valid donation receipt for `year` (issued by the coordination once the year is closed)."""
    farm = request.membership.producer
    receipt = DonationReceipt.objects.filter(producer=farm, year=year, status=DonationReceipt.Status.ISSUED).first()
    if receipt is None:
        raise Http404
    return attachment(receipt_pdf(receipt), PDF, f"recu-don-{receipt.number}.pdf")


@producer_portal.farm_view
def producer_purchase_note(request, year):
    """The farm's purchase note for `year`: every lot bought, the price and the amount paid."""
    farm = request.membership.producer
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    start, end = date(year, 1, 1), date(year, 12, 31)
    if not farm_purchases(farm.territory, start, end, farm).exists():
        raise Http404
    entity = LegalEntity.objects.filter(territory=farm.territory).first()
    organisation = entity.name if entity else (farm.territory.organisation or farm.territory.name)
    pdf = purchase_note_pdf(farm, start, end, organisation)
    return attachment(pdf, PDF, f"bon-achat-{purchase_note_number(farm, start, end)}.pdf")
