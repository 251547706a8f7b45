"""Gleaning outings, staff side (/t/<slug>/glanages/) and public side (/randos/)."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.core.ratelimit import ratelimit
from conserverie.core.scoping import every_territory, in_every_territory
from conserverie.gleaning.forms import (
    HarvestHoursForm,
    HarvestLineFormSet,
    OutingForm,
    OutingSignupForm,
    harvest_initial,
)
from conserverie.gleaning.models import GleaningOuting, GleaningRegistration
from conserverie.gleaning.services import (
    FIELDS,
    outing_cancel,
    outing_checkin,
    outing_create,
    outing_harvest_record,
    outing_public_signup,
    outing_registration_cancel,
    outing_totals,
    outing_update,
)
from conserverie.people.signup_views import SignupPages
from conserverie.territories.staff import territory_view
from conserverie.workshops.planning import cancel_and_say
from conserverie.workshops.views.staff import checkin_and_say
from conserverie.workshops.volunteers import smic_hourly

PAGES = SignupPages(
    model=GleaningRegistration,
    related=("outing__producer", "participant"),
    namespace="gleaning_public",
    templates="gleaning/public/",
    form=OutingSignupForm,
    signup=outing_public_signup,
    cancel=outing_registration_cancel,
    subject=lambda registration: (
        _("Votre inscription : glanage à %(farm)s") % {"farm": registration.outing.producer.name}
    ),
    robot_message=gettext_lazy("Votre inscription n'a pas pu être enregistrée. Réessayez, ou appelez-nous."),
)


# --- Staff ---------------------------------------------------------------------------------------------------------


@territory_view()
def outing_list(request, territory):
    q = search_term(request)
    when = request.GET.get("when", "upcoming")
    rows = GleaningOuting.objects.filter(territory=territory).with_counts().select_related("producer")
    today = timezone.localdate()
    if when == "upcoming":
        rows = rows.filter(date__gte=today).order_by("date", "start_time", "id")
    elif when == "past":
        rows = rows.filter(date__lt=today).order_by("-date", "-start_time", "-id")
    else:
        when = "all"
        rows = rows.order_by("-date", "-start_time", "-id")
    if q:
        rows = rows.filter(
            Q(producer__name__icontains=q)
            | Q(producer__commune__icontains=q)
            | Q(meeting_point__icontains=q)
            | Q(products_expected__icontains=q)
        )
    return render(
        request,
        "gleaning/list.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "when": when,
            "when_choices": [("upcoming", _("À venir")), ("past", _("Passées")), ("all", _("Toutes"))],
        },
    )


def _outing(territory, pk):
    return get_object_or_404(
        GleaningOuting.objects.with_counts().select_related("producer", "offer__product"), pk=pk, territory=territory
    )


@territory_view()
def outing_new(request, territory):
    form = OutingForm(request.POST or None, territory=territory, initial={"capacity": 12})
    if request.method == "POST" and form.is_valid():
        try:
            outing = outing_create(actor=request.user, territory=territory, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sortie de glanage prévue : %(o)s.") % {"o": outing})
            return redirect("gleaning:detail", territory.slug, outing.pk)
    return render(
        request,
        "gleaning/form.html",
        {"territory": territory, "form": form},
        status=form_status(request),
    )


@territory_view()
def outing_edit(request, territory, pk):
    outing = _outing(territory, pk)
    initial = {key: getattr(outing, key) for key in FIELDS}
    form = OutingForm(request.POST or None, territory=territory, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outing_update(actor=request.user, outing=outing, **form.service_kwargs())
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Sortie modifiée."))
            return redirect("gleaning:detail", territory.slug, outing.pk)
    return render(
        request,
        "gleaning/form.html",
        {"territory": territory, "form": form, "outing": outing},
        status=form_status(request),
    )


@territory_view()
def outing_detail(request, territory, pk):
    outing = _outing(territory, pk)
    registrations = outing.registrations.select_related("participant").order_by("created_at", "id")
    return render(
        request,
        "gleaning/detail.html",
        {
            "territory": territory,
            "outing": outing,
            "registrations": registrations,
            # Presence is marked while the outing is planned; a cancelled outing shows none.
            "checkin_closed": not outing.is_planned,
            "presence_hidden": outing.is_cancelled,
            "raw_lots": outing.raw_lots.select_related("product").order_by("id"),
            "totals": outing_totals(outing),
            "smic": smic_hourly(),
        },
    )


@require_POST
@territory_view()
def outing_cancel_view(request, territory, pk):
    outing = get_object_or_404(GleaningOuting, pk=pk, territory=territory)
    cancel_and_say(
        request,
        partial(outing_cancel, actor=request.user, outing=outing),
        done=_("La sortie est annulée. Les personnes inscrites sont prévenues."),
        invalid=_("Dites en quelques mots pourquoi la sortie est annulée."),
    )
    return redirect("gleaning:detail", territory.slug, pk)


@require_POST
@territory_view()
def outing_checkin_view(request, territory, pk, registration_pk):
    registration = get_object_or_404(
        GleaningRegistration.objects.select_related("outing__territory", "participant"),
        pk=registration_pk,
        outing__pk=pk,
        outing__territory=territory,
    )
    checkin_and_say(request, registration, outing_checkin)
    return redirect(reverse("gleaning:detail", args=[territory.slug, pk]) + f"#r{registration.pk}")


@territory_view()
def outing_harvest(request, territory, pk):
    outing = _outing(territory, pk)
    data = request.POST or None
    lines = HarvestLineFormSet(data, prefix="line", initial=harvest_initial(outing))
    hours_form = HarvestHoursForm(data, initial={"hours": outing.duration_hours})
    refusals = []
    if request.method == "POST" and lines.is_valid() and hours_form.is_valid():
        harvest = [line for line in (form.line() for form in lines) if line is not None]
        try:
            result = outing_harvest_record(
                actor=request.user, outing=outing, lines=harvest, hours=hours_form.cleaned_data["hours"]
            )
        except ValidationError as exc:
            refusals = [message for _field, message in add_service_errors(hours_form, exc)]
        else:
            kg = sum(lot.kg for lot in result.raw_lots)
            messages.success(
                request,
                _("Récolte enregistrée : %(kg)s kg en %(n)s lot(s) brut(s), %(p)s personne(s) comptée(s) bénévoles.")
                % {"kg": kg, "n": len(result.raw_lots), "p": len(result.hours)},
            )
            return redirect("gleaning:detail", territory.slug, outing.pk)
    present = outing.registrations.live().filter(attended=True).count()
    return render(
        request,
        "gleaning/harvest.html",
        {
            "territory": territory,
            "outing": outing,
            "lines": lines,
            "hours_form": hours_form,
            "refusals": refusals,
            "present": present,
        },
        status=form_status(request),
    )


# --- Public --------------------------------------------------------------------------------------------------------


def public_outings():
    """Upcoming outings of every territory, as the public workshops page lists every territory's workshops."""
    return GleaningOuting.objects.upcoming().with_counts().select_related("producer", "territory")


@require_GET
@in_every_territory  # every territory's outings
def public_list(request):
    return render(request, "gleaning/public/list.html", {"outings": public_outings()})


@require_http_methods(["GET", "POST"])
@ratelimit("signup")
def public_detail(request, pk):
    with every_territory():
        outing = get_object_or_404(GleaningOuting.objects.with_counts().select_related("producer", "territory"), pk=pk)
    return PAGES.detail(request, outing)


public_confirmation = require_GET(PAGES.confirmation)
public_cancel = require_http_methods(["GET", "POST"])(PAGES.cancel_page)
public_cancel_by_code = require_http_methods(["GET", "POST"])(ratelimit("signup")(PAGES.cancel_by_code))
