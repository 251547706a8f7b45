from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.territories.staff import territory_view
from conserverie.workshops.forms import CheckinForm, WorkshopForm
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.planning import recipes_with_produce
from conserverie.workshops.services import registration_checkin, workshop_open

# The form's start/end times carry the service's start/end errors.
ALIASES = {"starts_at": "start_time", "ends_at": "end_time"}


@territory_view()
def workshop_list(request, territory):
    q = search_term(request)
    when = request.GET.get("when", "upcoming")
    rows = Workshop.objects.filter(territory=territory).with_counts().select_related("site", "structure")
    now = timezone.now()
    if when == "upcoming":
        rows = rows.filter(ends_at__gte=now).order_by("starts_at")
    elif when == "past":
        rows = rows.filter(ends_at__lt=now).order_by("-starts_at")
    else:
        when = "all"
        rows = rows.order_by("-starts_at")
    if q:
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(site__name__icontains=q)
            | Q(site__city__icontains=q)
            | Q(structure__name__icontains=q)
        )
    return render(
        request,
        "workshops/list.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "when": when,
            "when_choices": [("upcoming", _("À venir")), ("past", _("Passés")), ("all", _("Tous"))],
        },
    )


@territory_view()
def workshop_new(request, territory):
    form = WorkshopForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = workshop_open(actor=request.user, territory=territory, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("Atelier ouvert : %(w)s.") % {"w": workshop})
            return redirect("workshops:detail", territory.slug, workshop.pk)
    return render(request, "workshops/form.html", {"territory": territory, "form": form}, status=form_status(request))


@territory_view()
def workshop_detail(request, territory, pk):
    workshop = get_object_or_404(
        Workshop.objects.with_counts()
        .select_related("site", "structure")
        .prefetch_related(Prefetch("planned_recipes", queryset=recipes_with_produce())),
        pk=pk,
        territory=territory,
    )
    registrations = workshop.registrations.select_related("participant").order_by("created_at", "id")
    return render(
        request,
        "workshops/detail.html",
        {
            "territory": territory,
            "workshop": workshop,
            "registrations": registrations,
            "animators": workshop.animators.order_by("username"),
            "recipes": workshop.planned_recipes.all(),
            "lots": workshop.lots.select_related("recipe"),
        },
    )


def checkin_step(request, territory, pk, registration_pk) -> Registration:
    """Mark one registration present or absent and say so; shared by the workshop page and the truck page."""
    registration = get_object_or_404(
        Registration.objects.select_related("workshop__territory", "participant"),
        pk=registration_pk,
        workshop__pk=pk,
        workshop__territory=territory,
    )
    return checkin_and_say(request, registration, registration_checkin)


def checkin_and_say(request, registration, checkin):
    """Call `checkin` (a workshop's or an outing's) with the form's answer, and say the result in a message."""
    form = CheckinForm(request.POST)
    attended = form.cleaned_data["attended"] if form.is_valid() else True
    try:
        checkin(actor=request.user, registration=registration, attended=attended)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        name = registration.participant.first_name
        if attended:
            messages.success(request, _("%(p)s est présent·e.") % {"p": name})
        else:
            messages.info(request, _("%(p)s est noté·e absent·e.") % {"p": name})
    return registration


@require_POST
@territory_view()
def checkin(request, territory, pk, registration_pk):
    checkin_step(request, territory, pk, registration_pk)
    return redirect("workshops:detail", territory.slug, pk)
