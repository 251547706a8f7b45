"""Testimonies and Agora contributions: a searchable list (dimension, public, year), a form, the report flag."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.impact.models import Audience, Dimension, Testimony
from conserverie.impact.surveys.forms import TestimonyForm
from conserverie.impact.surveys.services import testimony_save, testimony_select
from conserverie.territories.staff import territory_view


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def filtered_testimonies(territory, params) -> tuple:
    """The territory's testimonies matching the search `q`, `dimension` (pk), `public` and `annee`."""
    rows = Testimony.objects.of(territory).search(params.get("q", "").strip()[:100])
    dimension = _int(params.get("dimension"))
    if dimension:
        rows = rows.filter(dimensions__pk=dimension)
    audience = params.get("public", "")
    if audience in Audience.values:
        rows = rows.filter(audience=audience)
    year = _int(params.get("annee"))
    if year:
        rows = rows.filter(said_on__year=year)
    if params.get("retenus") == "1":
        rows = rows.filter(selected=True)
    return rows.distinct(), {"dimension": dimension, "audience": audience, "year": year}


@territory_view()
def testimony_list(request, territory):
    rows, chosen = filtered_testimonies(territory, request.GET)
    page = paginate(
        request,
        rows.select_related("workshop").prefetch_related("dimensions").order_by("-said_on", "-pk"),
        per_page=20,
    )
    years = (
        Testimony.objects.of(territory)
        .annotate(y=ExtractYear("said_on"))
        .values_list("y", flat=True)
        .distinct()
        .order_by("-y")
    )
    return render(
        request,
        "impact/testimonies/list.html",
        {
            "territory": territory,
            "page": page,
            "q": search_term(request),
            "chosen": chosen,
            "only_selected": request.GET.get("retenus") == "1",
            "dimensions": Dimension.objects.filter(territory=territory),
            "audiences": Audience.choices,
            "years": list(years),
        },
    )


def _form_page(request, territory, form, testimony=None):
    return render(
        request,
        "impact/testimonies/form.html",
        {"territory": territory, "form": form, "testimony": testimony},
        status=form_status(request),
    )


def _save(request, territory, form, testimony=None):
    try:
        return testimony_save(actor=request.user, territory=territory, data=form.data_object(), testimony=testimony)
    except ValidationError as exc:
        for _field, message in add_service_errors(form, exc):
            form.add_error(None, message)
    return None


@territory_view()
@require_http_methods(["GET", "POST"])
def testimony_new(request, territory):
    form = TestimonyForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid() and _save(request, territory, form):
        messages.success(request, _("Témoignage enregistré."))
        return redirect("surveys:testimonies", territory.slug)
    return _form_page(request, territory, form)


@territory_view()
@require_http_methods(["GET", "POST"])
def testimony_edit(request, territory, pk):
    testimony = get_object_or_404(Testimony.objects.of(territory), pk=pk)
    form = TestimonyForm(request.POST or None, territory=territory, initial=TestimonyForm.initial_of(testimony))
    if request.method == "POST" and form.is_valid() and _save(request, territory, form, testimony):
        messages.success(request, _("Témoignage enregistré."))
        return redirect("surveys:testimonies", territory.slug)
    return _form_page(request, territory, form, testimony)


@territory_view()
@require_POST
def testimony_toggle(request, territory, pk):
    testimony = get_object_or_404(Testimony.objects.of(territory), pk=pk)
    selected = request.POST.get("selected") == "1"
    testimony_select(actor=request.user, testimony=testimony, selected=selected)
    if selected:
        messages.success(request, _("Citation retenue pour les rapports."))
    else:
        messages.success(request, _("Citation retirée des rapports."))
    back = request.POST.get("next", "")  # the list's filters, to come back to the same page
    url = reverse("surveys:testimonies", args=[territory.slug])
    return redirect(url + back if back.startswith("?") and "//" not in back else url)
