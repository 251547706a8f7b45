"""The producer's own space (§2): its farm's offers, a form to propose a surplus, what became of its produce.

Only the farm named on the person's producer membership; never another farm, never a resident.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.pages import add_service_errors, form_status, paginate
from conserverie.production.models import ProductionLot
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import Membership, Role

from .forms import OfferForm
from .models import SurplusOffer
from .services import offer_declare

PER_PAGE = 10


class PortalOfferForm(OfferForm):
    """The staff form without its farm field: the farm is always the person's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, territory=None, **kwargs)
        del self.fields["producer"]


def producer_membership(user) -> Membership:
    membership = (
        Membership.objects.filter(user=user, role=Role.PRODUCER, producer__isnull=False)
        .select_related("producer", "territory")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def this_year() -> int:
    return timezone.localdate().year


def produce_outcome(farm, year: int) -> dict:
    """Aggregates only: kg collected this year, production lots and jars made with them (three queries)."""
    kg = RawLot.objects.filter(producer=farm, collected_on__year=year).aggregate(kg=Sum("kg"))["kg"] or 0
    lots = ProductionLot.objects.filter(
        raw_inputs__kind=RawLotMovement.Kind.USED,
        raw_inputs__raw_lot__producer=farm,
        raw_inputs__raw_lot__collected_on__year=year,
    ).values("pk")
    lot_count = ProductionLot.objects.filter(pk__in=lots).aggregate(n=Count("pk"))["n"]
    jars = StockMovement.objects.filter(kind=MovementKind.PRODUCED, lot__in=lots).aggregate(n=Sum("quantity"))["n"] or 0
    return {"year": year, "kg": kg, "lots": lot_count, "jars": jars}


@login_required
def producer_space(request):
    membership = producer_membership(request.user)
    farm = membership.producer
    form = PortalOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_declare(
                actor=request.user, territory=membership.territory, producer=farm, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Offre enregistrée : %(offer)s.") % {"offer": offer})
            return redirect("producer_space")
    offers = SurplusOffer.objects.filter(producer=farm).select_related("product").order_by("-created_at", "-id")
    return render(
        request,
        "producers/portal.html",
        {
            "farm": farm,
            "form": form,
            "page": paginate(request, offers, per_page=PER_PAGE),
            "outcome": produce_outcome(farm, this_year()),
        },
        status=form_status(request),
    )
