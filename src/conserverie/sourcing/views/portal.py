"""The farmer's donation certificates, in the producer's space (the rest of the space is producers.portal)."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from conserverie.producers.views import portal as producer_portal
from conserverie.sourcing.certificate import certificate_pdf, donation_certificate


@producer_portal.farm_view
def producer_certificate(request, year):
    farm = request.membership.producer
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    certificate = donation_certificate(farm, year)
    if not certificate.lines:
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-don-{year}-{certificate.number}.pdf"'
    return response
