"""Planning the season: the month and week calendar of a territory's workshops, recurring series, cancelling."""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status
from conserverie.recipes.models import Recipe, RecipeIngredient
from conserverie.territories.calendar import holidays_between
from conserverie.territories.staff import territory_view
from conserverie.workshops.forms import CancelForm, SeriesForm
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import series_create, workshop_cancel


@dataclass
class Day:
    day: date
    in_range: bool
    today: bool
    workshops: list = field(default_factory=list)
    holidays: list = field(default_factory=list)  # a public holiday's name, the school holidays of the zone


# The calendar shows these years (a junk year in the address gives this month, never an error).
YEARS = range(2000, 2101)


def _month(text: str | None, today: date) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if year in YEARS:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _week(text: str | None, today: date) -> date:
    """The Monday of ISO week `2026-W23`, or of this week."""
    try:
        year = int(text[:4])
        if year in YEARS:
            return date.fromisocalendar(year, int(text.split("W")[1]), 1)
    except (TypeError, ValueError, IndexError):
        pass
    return today - timedelta(days=today.weekday())


def _iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def recipes_with_produce():
    """Planned recipes with their raw ingredients, so `Workshop.expected_products` costs no query per cell."""
    ingredients = RecipeIngredient.objects.filter(product__isnull=False).select_related("product")
    return Recipe.objects.order_by("name").prefetch_related(Prefetch("ingredients", queryset=ingredients))


def _workshops(territory, first: date, last: date) -> list:
    """The workshops from `first` to `last` included, with everything a cell shows, in a fixed number of queries."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return list(
        Workshop.objects.filter(territory=territory, starts_at__gte=start, starts_at__lt=end)
        .with_counts()
        .select_related("site", "structure")
        .prefetch_related("animators", Prefetch("planned_recipes", queryset=recipes_with_produce()))
        .order_by("starts_at")
    )


def _days(territory, first: date, last: date, in_range) -> list[Day]:
    today = timezone.localdate()
    days = {}
    day = first
    while day <= last:
        days[day] = Day(day=day, in_range=in_range(day), today=day == today)
        day += timedelta(days=1)
    for workshop in _workshops(territory, first, last):
        days[timezone.localtime(workshop.starts_at).date()].workshops.append(workshop)
    for day, names in holidays_between(territory, first, last).items():
        days[day].holidays = names
    return list(days.values())


@territory_view()
def workshop_calendar(request, territory):
    today = timezone.localdate()
    if "semaine" in request.GET:
        monday = _week(request.GET.get("semaine"), today)
        days = _days(territory, monday, monday + timedelta(days=6), lambda d: True)
        context = {
            "mode": "week",
            "heading": _("Semaine du %(day)s") % {"day": date_format(monday, "j F Y")},
            "previous": {"semaine": _iso_week(monday - timedelta(weeks=1))},
            "next": {"semaine": _iso_week(monday + timedelta(weeks=1))},
            "other": {"mois": monday.strftime("%Y-%m")},
            "weeks": [days],
        }
    else:
        first = _month(request.GET.get("mois"), today)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        grid_start = first - timedelta(days=first.weekday())
        grid_end = last + timedelta(days=6 - last.weekday())
        days = _days(territory, grid_start, grid_end, lambda d: d.month == first.month)
        previous = (first - timedelta(days=1)).replace(day=1)
        context = {
            "mode": "month",
            "heading": date_format(first, "F Y").capitalize(),
            "previous": {"mois": previous.strftime("%Y-%m")},
            "next": {"mois": (last + timedelta(days=1)).strftime("%Y-%m")},
            "other": {"semaine": _iso_week(today if (today.year, today.month) == (first.year, first.month) else first)},
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        }
    weekdays = [date_format(date(2026, 6, 1) + timedelta(days=i), "l") for i in range(7)]
    return render(request, "workshops/calendar.html", {"territory": territory, "weekdays": weekdays, **context})


@territory_view()
def series_new(request, territory):
    form = SeriesForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            series = series_create(actor=request.user, territory=territory, **form.service_kwargs())
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            count = series.workshops.count()
            messages.success(request, _("Série créée : %(n)s ateliers « %(t)s ».") % {"n": count, "t": series.title})
            if series.skipped:
                days = ", ".join(f"{date_format(day, 'j F')} ({name})" for day, name in series.skipped)
                messages.info(request, _("Dates sautées : %(days)s.") % {"days": days})
            return redirect(f"{_calendar_url(territory)}?mois={series.first_date:%Y-%m}")
    return render(
        request, "workshops/series_form.html", {"territory": territory, "form": form}, status=form_status(request)
    )


def _calendar_url(territory) -> str:
    return reverse("workshops:calendar", args=[territory.slug])


def cancel_and_say(request, cancel, *, done: str, invalid: str | None = None) -> None:
    """Call `cancel(reason=…)` (a workshop's or an outing's) with the form's reason, and say the result in a message;
    a reason the form refuses is said by `invalid`, or else by the form's own errors."""
    form = CancelForm(request.POST)
    if not form.is_valid():
        refusals = [invalid] if invalid else [message for errors in form.errors.values() for message in errors]
        for message in refusals:
            messages.error(request, message)
        return
    try:
        cancel(reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


@require_POST
@territory_view()
def workshop_cancel_view(request, territory, pk):
    workshop = get_object_or_404(Workshop, pk=pk, territory=territory)
    cancel_and_say(
        request,
        partial(workshop_cancel, actor=request.user, workshop=workshop),
        done=_("L'atelier est annulé. Les personnes inscrites sont prévenues."),
    )
    return redirect("workshops:detail", territory.slug, pk)
