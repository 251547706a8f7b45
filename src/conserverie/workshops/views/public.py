"""The public side of the workshops: the calendar, a page per workshop, sign-up and the personal cancel link.

No account: anyone may read and sign up. These pages never show another participant's data.
"""

from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from conserverie.core.ratelimit import ratelimit
from conserverie.core.scoping import every_territory, in_every_territory
from conserverie.people.signup_views import SignupPages
from conserverie.workshops.forms import PublicSignupForm
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import public_signup, registration_cancel

PAGES = SignupPages(
    model=Registration,
    related=("workshop__site", "workshop__structure", "participant"),
    namespace="public",
    templates="workshops/public/",
    form=PublicSignupForm,
    signup=public_signup,
    cancel=registration_cancel,
    subject=lambda registration: _("Votre inscription : %(title)s") % {"title": registration.workshop.title},
    robot_message=gettext_lazy("Votre inscription n'a pas pu être enregistrée. Réessayez, ou venez directement."),
)


def public_workshops():
    return Workshop.objects.upcoming().with_counts().select_related("site", "structure", "territory")


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


@require_http_methods(["GET", "POST"])
@ratelimit("signup")
def detail(request, pk):
    with every_territory():
        workshop = get_object_or_404(
            Workshop.objects.with_counts().select_related("site", "structure", "territory"), pk=pk
        )
    return PAGES.detail(request, workshop)


confirmation = require_GET(PAGES.confirmation)
cancel = require_http_methods(["GET", "POST"])(PAGES.cancel_page)
cancel_by_code = require_http_methods(["GET", "POST"])(ratelimit("signup")(PAGES.cancel_by_code))
