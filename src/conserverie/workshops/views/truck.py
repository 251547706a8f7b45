"""In the truck, on the tablet: the day's list, one tap to check a person in, a walk-in noted in seconds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status
from conserverie.territories.staff import territory_view
from conserverie.workshops.forms import WalkInForm
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import walk_in_record
from conserverie.workshops.views.staff import checkin_step


def _workshop(territory, pk):
    return get_object_or_404(
        Workshop.objects.with_counts().select_related("site", "structure"), pk=pk, territory=territory
    )


def truck_rows(workshop):
    """Live registrations, confirmed first; `first_time` when the person has attended no earlier workshop."""
    earlier = Registration.objects.filter(
        participant=OuterRef("participant"), attended=True, workshop__starts_at__lt=workshop.starts_at
    ).exclude(status=Registration.Status.CANCELLED)
    rows = (
        workshop.registrations.live()
        .select_related("participant")
        .annotate(seen_before=Exists(earlier))
        .order_by("participant__first_name", "id")
    )
    return [r for r in rows if r.status == Registration.Status.CONFIRMED], [
        r for r in rows if r.status == Registration.Status.WAITING
    ]


def _page(request, territory, workshop, form, status=200):
    confirmed, waiting = truck_rows(workshop)
    config = {
        "sync": reverse("truck:sync", args=[territory.slug, workshop.pk]),
        "worker": reverse("core:service_worker"),
        "probe": reverse("core:healthz"),
        "key": f"conserverie-truck:{territory.slug}:{workshop.pk}",
    }
    return render(
        request,
        "workshops/truck.html",
        {
            "territory": territory,
            "workshop": workshop,
            "confirmed": confirmed,
            "waiting": waiting,
            "form": form,
            "truck_config": config,
        },
        status=status,
    )


@territory_view()
def truck_manifest(request, territory, pk):
    """The web app manifest of one workshop's truck page: installed on the tablet, it opens that page."""
    workshop = _workshop(territory, pk)
    start = reverse("workshops:truck", args=[territory.slug, workshop.pk])
    manifest = {
        "name": _("Camion — %(w)s") % {"w": workshop.title},
        "short_name": _("Camion"),
        "lang": "fr",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#198754",
        "icons": [
            {"src": static("img/truck-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/truck-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@territory_view()
def truck(request, territory, pk):
    return _page(request, territory, _workshop(territory, pk), WalkInForm())


@require_POST
@territory_view()
def truck_checkin(request, territory, pk, registration_pk):
    registration = checkin_step(request, territory, pk, registration_pk)
    return redirect(reverse("workshops:truck", args=[territory.slug, pk]) + f"#r{registration.pk}")


@require_POST
@territory_view()
def truck_walk_in(request, territory, pk):
    workshop = _workshop(territory, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = walk_in_record(actor=request.user, workshop=workshop, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("%(p)s est ajouté·e et présent·e.") % {"p": registration.participant.first_name}
            )
            return redirect("workshops:truck", territory.slug, pk)
    return _page(request, territory, workshop, form, status=form_status(request))
