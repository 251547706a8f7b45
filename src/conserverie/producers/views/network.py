"""The producer network for coordinators and animators: list, map, farm page, import/export, coming weeks."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.exports import CSV, XLSX, attachment
from conserverie.core.pages import add_service_errors, form_status, paginate
from conserverie.producers import imports
from conserverie.producers.forms import CalendarForm, ImportForm, ProducerForm
from conserverie.producers.models import Producer, ProducerProduct, Product, SurplusOffer
from conserverie.producers.selectors import (
    CERT_CHOICES,
    NETWORKS,
    NetworkFilters,
    certification_state,
    coming_weeks,
    network_rows,
)
from conserverie.producers.services import producer_calendar_set, producer_create, producer_update
from conserverie.territories.models import Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

COORDINATORS = (Role.COORDINATOR,)


def _filter_context(request, territory):
    filters = NetworkFilters.from_request(request)
    return filters, {
        "filters": filters,
        "products": Product.objects.order_by("name"),
        "networks": NETWORKS,
        "cert_choices": CERT_CHOICES,
        "is_coordinator": role_in(request.user, territory) == Role.COORDINATOR,
    }


@territory_view()
def producer_list(request, territory):
    today = timezone.localdate()
    filters, context = _filter_context(request, territory)
    page = paginate(request, network_rows(territory, filters, today))
    for producer in page.object_list:
        producer.cert_state = certification_state(producer, today, filters.days)
    return render(
        request,
        "producers/network/list.html",
        {"territory": territory, "page": page, "q": filters.q, "today": today, **context},
    )


def map_points(territory, producers) -> dict:
    return {
        "tiles": settings.MAP_TILE_URL,
        "hub": {"lat": float(territory.hub_lat), "lon": float(territory.hub_lon), "name": territory.name},
        "radius_m": territory.radius_km * 1000,
        "link": _("Voir la ferme"),
        "points": [
            {
                "lat": float(p.lat),
                "lon": float(p.lon),
                "name": p.name,
                "place": f"{p.commune} · {p.distance_km} km",
                "url": reverse("network:detail", args=[territory.slug, p.pk]),
                "organic": p.organic_certified,
            }
            for p in producers
        ],
    }


@territory_view()
def producer_map(request, territory):
    today = timezone.localdate()
    filters, context = _filter_context(request, territory)
    producers = list(network_rows(territory, filters, today))
    outside = [p for p in producers if p.distance_km > territory.radius_km]
    return render(
        request,
        "producers/network/map.html",
        {
            "territory": territory,
            "producers": producers,
            "outside": outside,
            "map_data": map_points(territory, producers),
            "q": filters.q,
            **context,
        },
    )


@territory_view()
def producer_detail(request, territory, pk):
    producer = get_object_or_404(Producer, pk=pk, territory=territory)
    entries = list(ProducerProduct.objects.filter(producer=producer).select_related("product"))
    return _detail(request, territory, producer, CalendarForm(entries=entries))


def _detail(request, territory, producer, calendar_form, status=200):
    today = timezone.localdate()
    offers = SurplusOffer.objects.filter(producer=producer).select_related("product").order_by("-available_from", "-pk")
    return render(
        request,
        "producers/network/detail.html",
        {
            "territory": territory,
            "producer": producer,
            "cert_state": certification_state(producer, today),
            "calendar_form": calendar_form,
            "offers": offers[:10],
            "offer_count": offers.count(),
            "is_coordinator": role_in(request.user, territory) == Role.COORDINATOR,
        },
        status=status,
    )


@require_POST
@territory_view()
def producer_calendar(request, territory, pk):
    producer = get_object_or_404(Producer, pk=pk, territory=territory)
    entries = list(ProducerProduct.objects.filter(producer=producer).select_related("product"))
    form = CalendarForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            producer_calendar_set(actor=request.user, producer=producer, months=form.months())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Calendrier de la ferme enregistré."))
            return redirect("network:detail", territory.slug, producer.pk)
    return _detail(request, territory, producer, form, status=422)


def _producer_form_page(request, territory, form, producer=None):
    return render(
        request,
        "producers/network/form.html",
        {"territory": territory, "form": form, "producer": producer},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def producer_new(request, territory):
    form = ProducerForm(request.POST or None, initial={"organic_certified": True, "is_active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        is_active = data.pop("is_active")
        try:
            producer = producer_create(actor=request.user, territory=territory, **data)
            if not is_active:
                producer = producer_update(actor=request.user, producer=producer, is_active=False)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ferme ajoutée : %(name)s.") % {"name": producer.name})
            return redirect("network:detail", territory.slug, producer.pk)
    return _producer_form_page(request, territory, form)


@territory_view(roles=COORDINATORS)
def producer_edit(request, territory, pk):
    producer = get_object_or_404(Producer, pk=pk, territory=territory)
    form = ProducerForm.for_producer(producer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            producer = producer_update(actor=request.user, producer=producer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ferme enregistrée : %(name)s.") % {"name": producer.name})
            return redirect("network:detail", territory.slug, producer.pk)
    return _producer_form_page(request, territory, form, producer)


@territory_view(roles=COORDINATORS)
def producer_import(request, territory):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.read_file(form.cleaned_data["file"])
            done = imports.producers_import(actor=request.user, territory=territory, rows=rows)
        except imports.ImportRefused as exc:
            problems = exc.problems
        else:
            updated = sum(1 for farm in done if farm.import_action == "updated")
            messages.success(
                request,
                _("%(n)s fermes importées (%(created)s ajoutées, %(updated)s mises à jour).")
                % {"n": len(done), "created": len(done) - updated, "updated": updated},
            )
            return redirect("network:list", territory.slug)
    return render(
        request,
        "producers/network/import.html",
        {"territory": territory, "form": form, "problems": problems, "columns": imports.COLUMNS},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def producer_template(request, territory, ext):
    """The import's blank template: the columns, no row (a spreadsheet to fill in)."""
    if ext == "csv":
        response = HttpResponse(imports.export_csv([]), content_type="text/csv; charset=utf-8")
    elif ext == "xlsx":
        response = HttpResponse(imports.export_xlsx([]), content_type=imports.XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="modele-producteurs.{ext}"'
    return response


@territory_view()
def producer_export(request, territory, ext):
    today = timezone.localdate()
    rows = network_rows(territory, NetworkFilters.from_request(request), today)
    filename = f"producteurs-{territory.slug}-{today:%Y%m%d}"
    if ext == "csv":
        return attachment(imports.export_csv(rows), CSV, f"{filename}.csv")
    if ext == "xlsx":
        return attachment(imports.export_xlsx(rows), XLSX, f"{filename}.xlsx")
    raise Http404


@territory_view()
def season_calendar(request, territory):
    today = timezone.localdate()
    return render(
        request,
        "producers/network/calendar.html",
        {"territory": territory, "today": today, **coming_weeks(territory, today)},
    )
