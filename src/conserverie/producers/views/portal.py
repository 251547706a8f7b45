"""The producer's own space (docs/architecture.md §2): its farm's offers, a form to propose a surplus, what became of
its produce.

Only the farm named on the person's producer membership; never another farm, never a resident. Every page looks
the offer up among this farm's offers: another farm's offer id answers 404. Every page runs in the scope of the
producer membership's territory, the farm's own (docs/architecture.md §8).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.pages import add_service_errors, form_status, paginate
from conserverie.core.scoping import territory_scope
from conserverie.producers.forms import OfferForm, PhotoField, TermsForm
from conserverie.producers.models import SurplusOffer
from conserverie.producers.selectors import STEPS, offer_timeline
from conserverie.producers.services import offer_declare
from conserverie.producers.views.offers import photo_response
from conserverie.territories.models import Membership, Role

PER_PAGE = 10


class PortalOfferForm(OfferForm, TermsForm):
    """The staff form without its farm field (the farm is always the person's own), with an optional photo and
    what the farm asks for (a gift, a purchase at its price, processing at a fee per jar), which the coordination
    then accepts or changes before the collection."""

    photo = PhotoField(label=_("Photo (facultatif)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, territory=None, **kwargs)
        del self.fields["producer"]
        self.fields["terms"].label = _("Ce que vous souhaitez recevoir")


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


def farm_view(view):
    """Login required, a producer membership with a farm (else 404); the view runs in the scope of the
    membership's territory, with `request.membership` set."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.membership = producer_membership(request.user)
        with territory_scope(request.membership.territory):
            return view(request, *args, **kwargs)

    return wrapper


@farm_view
def producer_space(request):
    membership = request.membership
    farm = membership.producer
    form = PortalOfferForm(request.POST or None, request.FILES or None)
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
            "year": timezone.localdate().year,
        },
        status=form_status(request),
    )


def _own_offer(request, pk) -> SurplusOffer:
    farm = request.membership.producer
    return get_object_or_404(SurplusOffer.objects.select_related("product", "producer"), pk=pk, producer=farm)


@farm_view
def producer_offer(request, pk):
    offer = _own_offer(request, pk)
    timeline = offer_timeline(offer)
    reached = {event["status"] for event in timeline}
    steps = [{"status": s, "label": s.label, "done": s in reached} for s in STEPS]
    return render(request, "producers/portal_offer.html", {"offer": offer, "timeline": timeline, "steps": steps})


@farm_view
def producer_offer_photo(request, pk):
    return photo_response(_own_offer(request, pk))
