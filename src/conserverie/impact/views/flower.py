"""The flower pages: the flower of a period beside the previous one, a petal's indicators and quotes, and the
coordinators' pages to shape the petals and indicators and enter values by hand. Viewers (board, funders) read
the flower and the petals: aggregated figures only (docs/architecture.md §2, docs/architecture.md §4.7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status
from conserverie.impact.forms import DimensionForm, IndicatorForm, IndicatorValueForm, PeriodForm
from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.impact.scores import territory_flower
from conserverie.impact.services import (
    dimension_create,
    dimension_update,
    dimensions_create_defaults,
    indicator_create,
    indicator_update,
    indicator_value_record,
)
from conserverie.impact.svg import flower_svg
from conserverie.territories.models import REPORT_ROLES, Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

COORDINATORS = (Role.COORDINATOR,)


def _period(request) -> tuple[Period, PeriodForm]:
    """The period of the query string (?periode=2026-printemps, or the picker's fields); the current year else."""
    form = PeriodForm(request.GET or None)
    default = Period.current_year()
    key = request.GET.get("periode", "").strip()
    if key:
        try:
            return Period.parse(key), PeriodForm(initial=_initial(Period.parse(key)))
        except ValueError as error:
            form = PeriodForm({"year": default.start.year})
            form.is_valid()
            form.add_error(None, str(error))
            return default, form
    if form.is_bound:
        period = form.period(default)
        return period, form
    return default, PeriodForm(initial=_initial(default))


def _initial(period: Period) -> dict:
    if period.kind == "range":
        return {"start": period.start, "end": period.end}
    year, _sep, season = period.key.partition("-")
    return {"year": int(year), "season": season}


def _quotes(dimension, period, *, viewer: bool):
    """The quotes about a petal in the period (E2's testimonies), only those chosen for reports for viewers."""
    try:
        from conserverie.impact.models import Testimony  # the voices part of the app
    except ImportError:
        return []
    rows = Testimony.objects.for_dimension(dimension, period).select_related("workshop")
    if viewer:
        rows = rows.filter(selected=True)
    return list(rows[:12])


@territory_view(roles=REPORT_ROLES)
def flower(request, territory):
    period, form = _period(request)
    current = territory_flower(territory, period)
    query = f"?periode={period.key}"

    # The image is not interactive: each petal is a link of the list beside it (issue 19, item 5), big enough for
    # a finger and read in order by a screen reader, which links nested in an SVG drawing are not.
    svg = flower_svg(current, previous=current.previous, id_prefix="fleur")
    previous_svg = flower_svg(current.previous, id_prefix="fleur-precedente")
    return render(
        request,
        "impact/flower.html",
        {
            "territory": territory,
            "flower": current,
            "rows": [(score, current.previous.dimension(score.dimension.pk)) for score in current.dimensions],
            "period": period,
            "form": form,
            "svg": mark_safe(svg),  # noqa: S308  (built by svg.py, every text escaped)
            "previous_svg": mark_safe(previous_svg),  # noqa: S308
            "query": query,
            "is_coordinator": role_in(request.user, territory) == Role.COORDINATOR,
        },
    )


@territory_view(roles=REPORT_ROLES)
def flower_download(request, territory):
    period, _form = _period(request)
    current = territory_flower(territory, period)
    response = HttpResponse(flower_svg(current, previous=current.previous), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="fleur-{territory.slug}-{period.key}.svg"'
    return response


@territory_view(roles=REPORT_ROLES)
def petal(request, territory, pk):
    period, form = _period(request)
    current = territory_flower(territory, period)
    score = current.dimension(pk)  # the territory's petals are read with the flower: not read a second time
    if score is None:
        raise Http404
    dimension = score.dimension
    role = role_in(request.user, territory)
    return render(
        request,
        "impact/petal.html",
        {
            "territory": territory,
            "dimension": dimension,
            "score": score,
            "previous_score": current.previous.dimension(dimension.pk),
            "period": period,
            "previous_period": current.previous.period,
            "form": form,
            "query": f"?periode={period.key}",
            "quotes": _quotes(dimension, period, viewer=role == Role.VIEWER),
            "is_coordinator": role == Role.COORDINATOR,
        },
    )


@territory_view(roles=COORDINATORS)
def dimensions(request, territory):
    rows = Dimension.objects.filter(territory=territory).prefetch_related("indicators")
    return render(request, "impact/dimensions.html", {"territory": territory, "dimensions": rows})


@require_POST
@territory_view(roles=COORDINATORS)
def dimensions_defaults(request, territory):
    created = dimensions_create_defaults(territory, actor=request.user)
    if created:
        messages.success(request, _("%(n)s dimension(s) ajoutée(s).") % {"n": len(created)})
    else:
        messages.info(request, _("Les six dimensions de départ existent déjà."))
    return redirect("impact:dimensions", territory.slug)


def _dimension_page(request, territory, dimension=None):
    initial = {}
    if dimension is not None:
        initial = {
            "name": dimension.name,
            "description": dimension.description,
            "colour": dimension.colour,
            "order": dimension.order,
        }
    else:
        initial = {"order": Dimension.objects.filter(territory=territory).count() + 1}
    form = DimensionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if dimension is None:
                dimension = dimension_create(actor=request.user, territory=territory, **form.cleaned_data)
            else:
                dimension = dimension_update(actor=request.user, dimension=dimension, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Dimension enregistrée : %(name)s.") % {"name": dimension.name})
            return redirect("impact:dimensions", territory.slug)
    return render(
        request,
        "impact/dimension_form.html",
        {"territory": territory, "form": form, "dimension": dimension},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def dimension_new(request, territory):
    return _dimension_page(request, territory)


@territory_view(roles=COORDINATORS)
def dimension_edit(request, territory, pk):
    return _dimension_page(request, territory, get_object_or_404(Dimension, pk=pk, territory=territory))


INDICATOR_FIELDS = (
    "name",
    "source",
    "computation",
    "unit",
    "target",
    "weight",
    "higher_is_better",
    "manual_source",
    "order",
)


def _indicator_page(request, territory, indicator=None):
    if indicator is not None:
        initial = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
        initial["dimension"] = indicator.dimension_id
    else:
        initial = {"dimension": request.GET.get("dimension"), "order": 1, "weight": 1, "higher_is_better": True}
    form = IndicatorForm(request.POST or None, initial=initial, territory=territory)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if indicator is None:
                indicator = indicator_create(actor=request.user, **data)
            else:
                indicator = indicator_update(actor=request.user, indicator=indicator, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indicateur enregistré : %(name)s.") % {"name": indicator.name})
            return redirect("impact:dimensions", territory.slug)
    return render(
        request,
        "impact/indicator_form.html",
        {"territory": territory, "form": form, "indicator": indicator},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def indicator_new(request, territory):
    return _indicator_page(request, territory)


@territory_view(roles=COORDINATORS)
def indicator_edit(request, territory, pk):
    indicator = get_object_or_404(
        Indicator.objects.select_related("dimension__territory"), pk=pk, dimension__territory=territory
    )
    return _indicator_page(request, territory, indicator)


@territory_view(roles=COORDINATORS)
def indicator_value(request, territory, pk):
    indicator = get_object_or_404(
        Indicator.objects.select_related("dimension__territory"),
        pk=pk,
        dimension__territory=territory,
        source=Indicator.Source.MANUAL,
    )
    period, _form = _period(request)
    existing = IndicatorValue.objects.filter(indicator=indicator, period=period.key).first()
    initial = {"period": period.key, "source_note": indicator.manual_source}
    if existing is not None:
        initial.update(value=existing.value, source_note=existing.source_note)
    form = IndicatorValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = indicator_value_record(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Valeur enregistrée pour %(period)s : %(value)s.") % {"period": row.period, "value": row.value},
            )
            return redirect(
                reverse("impact:petal", args=[territory.slug, indicator.dimension_id]) + f"?periode={row.period}"
            )
    history = IndicatorValue.objects.filter(indicator=indicator).select_related("entered_by").order_by("-period")
    return render(
        request,
        "impact/indicator_value.html",
        {"territory": territory, "indicator": indicator, "form": form, "values": history[:20], "period": period},
        status=form_status(request),
    )
