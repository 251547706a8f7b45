"""The public side of the workshops: the calendar, a page per workshop, sign-up and the personal cancel link.

No account: anyone may read and sign up. These pages never show another participant's data.
"""

import logging
from datetime import timedelta
from functools import partial
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from conserverie.core.pages import add_service_errors, form_status
from conserverie.core.ratelimit import ratelimit
from conserverie.core.scoping import every_territory, in_every_territory, territory_scope
from conserverie.people.privacy import participant_signup_complete
from conserverie.workshops.forms import PublicSignupForm
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import public_signup, registration_cancel

log = logging.getLogger(__name__)


def public_workshops():
    return Workshop.objects.upcoming().with_counts().select_related("site", "structure", "territory")


def places_left(workshop) -> int:
    return max(workshop.capacity - (workshop.places_taken or 0), 0)


def open_for_signup(workshop) -> bool:
    return workshop.status == Workshop.Status.PLANNED and workshop.starts_at > timezone.now()


def week_start(workshop):
    day = timezone.localtime(workshop.starts_at).date()
    return day - timedelta(days=day.weekday())


def map_points(workshops) -> list[dict]:
    """One marker per site that has coordinates, pointing to its next workshop (the list is in time order)."""
    points = {}
    for w in workshops:
        site = w.site
        if site.lat is None or site.lon is None or site.pk in points:
            continue
        points[site.pk] = {
            "lat": float(site.lat),
            "lon": float(site.lon),
            "name": site.name,
            "place": ", ".join(part for part in (site.address, site.city) if part),
            "next": _("Prochain atelier : %(day)s") % {"day": _local(w.starts_at, "l j F, H\\hi")},
            "url": reverse("public:detail", args=[w.pk]),
        }
    return list(points.values())


def _local(moment, fmt):
    return date_format(timezone.localtime(moment), fmt)


@require_GET
@in_every_territory  # the calendar of every territory's workshops
def calendar(request):
    workshops = list(public_workshops())
    for w in workshops:
        w.left = places_left(w)
    weeks = [(monday, list(rows)) for monday, rows in groupby(workshops, key=week_start)]
    sites = {w.site_id: w.site for w in workshops}
    return render(
        request,
        "workshops/public/calendar.html",
        {
            "weeks": weeks,
            "sites": sorted(sites.values(), key=lambda s: (s.city, s.name)),
            "map_data": {
                "tiles": settings.MAP_TILE_URL,
                "link": _("Voir l'atelier et s'inscrire"),
                "points": map_points(workshops),
            },
        },
    )


def signup_from_form(form, *, signup, robot_message: str):
    """The public sign-up of a form (workshop or gleaning outing): the registration, or None with the reasons on
    the form. A robot (honeypot filled) writes nothing; the person, the registration and the consents are one
    transaction."""
    if form.is_robot():
        form.add_error(None, robot_message)
        return None
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            registration = signup(**form.service_kwargs())
            participant_signup_complete(
                participant=registration.participant,
                scopes=form.consent_scopes(),
                how_heard=form.cleaned_data.get("how_heard", ""),
            )
    except ValidationError as exc:
        for _field, message in add_service_errors(form, exc):
            form.add_error(None, message)
        return None
    return registration


@require_http_methods(["GET", "POST"])
@ratelimit("signup")
def detail(request, pk):
    with every_territory():
        workshop = get_object_or_404(
            Workshop.objects.with_counts().select_related("site", "structure", "territory"), pk=pk
        )
    with territory_scope(workshop.territory):
        is_open = open_for_signup(workshop)
        form = PublicSignupForm(request.POST or None)
        if request.method == "POST" and is_open:
            registration = signup_from_form(
                form,
                signup=partial(public_signup, workshop=workshop),
                robot_message=_("Votre inscription n'a pas pu être enregistrée. Réessayez, ou venez directement."),
            )
            if registration is not None:
                send_confirmation(request, registration)
                return redirect("public:confirmation", registration.token)
        return render(
            request,
            "workshops/public/detail.html",
            {"workshop": workshop, "left": places_left(workshop), "is_open": is_open, "form": form},
            status=form_status(request),
        )


def cancel_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("public:cancel", args=[token])


def send_confirmation(request, registration) -> None:
    """The confirmation and the personal cancel link by e-mail, when one was given; a mail failure keeps the sign-up."""
    participant = registration.participant
    if not participant.email:
        return
    context = {
        "registration": registration,
        "workshop": registration.workshop,
        "cancel_url": cancel_url(registration.token),
    }
    subject = _("Votre inscription : %(title)s") % {"title": registration.workshop.title}
    body = render_to_string("workshops/public/confirmation_email.txt", context, request=request)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [participant.email])
    except Exception:  # noqa: BLE001 - the person has the link on screen anyway
        log.exception("confirmation e-mail not sent for registration %s", registration.pk)


def _by_token(token):
    """The sign-up of a personal link, whatever its territory; the page then runs in that territory's scope."""
    with every_territory():
        return get_object_or_404(
            Registration.objects.select_related(
                "workshop__site", "workshop__structure", "workshop__territory", "participant"
            ),
            token=token,
        )


@require_GET
def confirmation(request, token):
    registration = _by_token(token)
    with territory_scope(registration.workshop.territory):
        return render(
            request,
            "workshops/public/confirmation.html",
            {"registration": registration, "workshop": registration.workshop, "cancel_url": cancel_url(token)},
        )


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    registration = _by_token(token)
    workshop = registration.workshop
    with territory_scope(workshop.territory):
        can_cancel = registration.status != Registration.Status.CANCELLED and workshop.starts_at > timezone.now()
        if request.method == "POST" and can_cancel:
            registration_cancel(registration=registration)
            messages.success(request, _("C'est noté : votre inscription est annulée. Merci de nous avoir prévenus."))
            return redirect("public:cancel", token)
        return render(
            request,
            "workshops/public/cancel.html",
            {"registration": registration, "workshop": workshop, "can_cancel": can_cancel},
        )
