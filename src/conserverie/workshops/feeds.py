"""iCalendar feeds (RFC 5545) of the upcoming public workshops: all of them, or those of one site."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event, Timezone

from conserverie.core.scoping import every_territory, in_every_territory, territory_scope
from conserverie.territories.models import Site
from conserverie.workshops.models import Workshop

PRODID = "-//Conserverie mobile et solidaire//Ateliers//FR"


def feed_workshops():
    """Upcoming workshops, the cancelled ones too (STATUS:CANCELLED, so a subscribed calendar drops them), each with
    its number of saved versions and its last change (SEQUENCE and LAST-MODIFIED), read in the same query."""
    history = Workshop.history.model.objects.filter(id=OuterRef("pk")).order_by()
    return (
        Workshop.objects.filter(
            starts_at__gte=timezone.now(), status__in=[Workshop.Status.PLANNED, Workshop.Status.CANCELLED]
        )
        .select_related("site", "structure", "territory")
        .annotate(
            versions=Subquery(history.values("id").annotate(n=Count("*")).values("n")[:1]),
            last_modified=Subquery(history.order_by("-history_date").values("history_date")[:1]),
        )
        .order_by("starts_at", "pk")
    )


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def site_location(site: Site) -> str:
    return ", ".join(part for part in (site.name, site.address, site.city) if part)


def workshop_uid(workshop: Workshop) -> str:
    """The event's identity: the workshop and its territory's code (both fixed for good), not the site's address,
    which may move (a new domain must not make every subscribed calendar show each workshop twice)."""
    return f"workshop-{workshop.pk}-{workshop.territory.code.lower()}@conserverie"


def workshop_event(workshop: Workshop, host: str, stamp) -> Event:
    """`workshop` from `feed_workshops()` (its `versions` and `last_modified`), or any workshop (then read here)."""
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("dtstamp", stamp)
    versions = getattr(workshop, "versions", None)
    last_modified = getattr(workshop, "last_modified", None)
    if versions is None:
        history = workshop.history.order_by("-history_date")
        versions, latest = history.count(), history.first()
        last_modified = latest.history_date if latest else None
    # Each saved change of the workshop (time, place, title, cancellation) is a new version (RFC 5545 §3.8.7.4).
    event.add("sequence", max((versions or 1) - 1, 0))
    if last_modified is not None:
        event.add("last-modified", last_modified.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", workshop.starts_at.astimezone(UTC))
    event.add("dtend", workshop.ends_at.astimezone(UTC))
    event.add("summary", workshop.title)
    event.add("location", site_location(workshop.site))
    if workshop.site.lat is not None and workshop.site.lon is not None:
        event.add("geo", (float(workshop.site.lat), float(workshop.site.lon)))
    event.add("description", _("Accueil : %(structure)s. Gratuit, ouvert à tous.") % {"structure": workshop.structure})
    event.add("url", settings.SITE_URL.rstrip("/") + reverse("public:detail", args=[workshop.pk]))
    cancelled = workshop.status == Workshop.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_response(name: str, workshops, filename: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host, stamp = site_host(), timezone.now().astimezone(UTC).replace(microsecond=0)
    count = 0
    for workshop in workshops:
        calendar.add_component(workshop_event(workshop, host, stamp))
        count += 1
    if not count:
        # A calendar holds at least one component (RFC 5545 §3.4): the time zone of the workshops to come.
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        calendar.add_component(
            Timezone.from_tzinfo(zone, settings.TIME_ZONE, first_date=today, last_date=today + timedelta(days=400))
        )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@cache_control(public=True, max_age=600)
@in_every_territory  # every territory's workshops
def all_workshops(request):
    return calendar_response(_("Ateliers de la conserverie"), feed_workshops(), "ateliers.ics")


@require_GET
@cache_control(public=True, max_age=600)
def site_workshops(request, pk):
    with every_territory():
        site = get_object_or_404(Site, pk=pk)
    with territory_scope(site.territory_id):
        name = _("Ateliers de la conserverie — %(site)s") % {"site": site}
        return calendar_response(name, feed_workshops().filter(site=site), f"ateliers-lieu-{site.pk}.ics")


@require_GET
def one_workshop(request, pk):
    """One workshop, for "ajouter à mon agenda" on the confirmation page (issue 19, item 7)."""
    with every_territory():
        workshop = get_object_or_404(Workshop.objects.select_related("site", "structure"), pk=pk)
    with territory_scope(workshop.territory_id):
        return calendar_response(workshop.title, [workshop], f"atelier-{workshop.pk}.ics")
