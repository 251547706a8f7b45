from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.core.staff import territory_view

from .forms import DeclineForm, OfferForm
from .models import SurplusOffer
from .services import offer_accept, offer_declare, offer_decline


@territory_view()
def offers(request, territory):
    q = search_term(request)
    status = request.GET.get("status", "")
    rows = SurplusOffer.objects.filter(territory=territory).select_related("producer", "product")
    if status in SurplusOffer.Status.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(producer__name__icontains=q) | Q(product__name__icontains=q))
    return render(
        request,
        "producers/offers.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "status": status,
            "statuses": SurplusOffer.Status.choices,
            "open_statuses": (SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED),
        },
    )


@territory_view()
def offer_new(request, territory):
    form = OfferForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_declare(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Offre enregistrée : %(offer)s.") % {"offer": offer})
            return redirect("producers:offers", territory.slug)
    return render(
        request, "producers/offer_form.html", {"territory": territory, "form": form}, status=form_status(request)
    )


def _offer_action(request, territory, pk, action):
    offer = get_object_or_404(
        SurplusOffer.objects.select_related("territory", "producer", "product"), pk=pk, territory=territory
    )
    try:
        offer = action(offer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Offre « %(offer)s » : %(status)s.") % {"offer": offer, "status": offer.get_status_display()}
        )
    return redirect("producers:offers", territory.slug)


@require_POST
@territory_view()
def offer_accept_view(request, territory, pk):
    return _offer_action(request, territory, pk, lambda offer: offer_accept(actor=request.user, offer=offer))


@require_POST
@territory_view()
def offer_decline_view(request, territory, pk):
    form = DeclineForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _offer_action(
        request, territory, pk, lambda offer: offer_decline(actor=request.user, offer=offer, message=message)
    )
