"""The offers inbox: coordinators and animators accept, decline with a message, see what is about to spoil."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.producers.forms import DeclineForm, OfferForm, TermsForm
from conserverie.producers.models import SurplusOffer
from conserverie.producers.services import offer_accept, offer_declare, offer_decline, offer_terms_set, offers_expire
from conserverie.territories.models import Role
from conserverie.territories.permissions import may
from conserverie.territories.staff import territory_view

ALERT_DAYS = 2
ALERT_ROWS = 10


@territory_view()
def offers(request, territory):
    today = timezone.localdate()
    # Offers whose window has passed expire when someone looks (the `expire-offers` command does it nightly too).
    offers_expire(territory=territory, today=today)
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
            "to_decide": SurplusOffer.objects.filter(territory=territory, status=SurplusOffer.Status.PROPOSED).count(),
            "alert_days": ALERT_DAYS,
            "alert_rows": ALERT_ROWS,
            "today": today,
            "may_pay": may(request.user, territory, "farm.pay"),
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


def photo_response(offer):
    if not offer.photo:
        raise Http404
    try:
        handle = offer.photo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = "image/png" if offer.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@territory_view()
def offer_photo(request, territory, pk):
    return photo_response(get_object_or_404(SurplusOffer, pk=pk, territory=territory))


@territory_view(roles=(Role.COORDINATOR,))
def offer_terms(request, territory, pk):
    """/t/<slug>/offres/<pk>/conditions/: the coordination agrees what the farm receives, before the collection —
    the farm's proposal as it is, or other terms (docs/economics-en.md, "What farms receive")."""
    offer = get_object_or_404(SurplusOffer.objects.select_related("producer", "product"), pk=pk, territory=territory)
    initial = {"terms": offer.terms, "price_eur_kg": offer.price_eur_kg, "fee_eur_per_jar": offer.fee_eur_per_jar}
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_terms_set(actor=request.user, offer=offer, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Conditions convenues pour « %(offer)s » : %(terms)s.") % {"offer": offer, "terms": offer.terms_text},
            )
            return redirect("producers:offers", territory.slug)
    return render(
        request,
        "producers/offer_terms.html",
        {"territory": territory, "offer": offer, "form": form},
        status=form_status(request),
    )
