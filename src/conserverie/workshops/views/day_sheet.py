"""The workshop's day sheet on paper (PDF) and the screen that types it back (docs/architecture.md §7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from conserverie.core.pages import form_status
from conserverie.recipes.models import RecipeFormat, RecipeIngredient
from conserverie.territories.staff import territory_view
from conserverie.workshops.day_sheet import day_sheet_pdf
from conserverie.workshops.forms import PaperWalkInFormSet
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import paper_sheet_enter


def _workshop(territory, pk):
    return get_object_or_404(Workshop.objects.select_related("site", "territory"), pk=pk, territory=territory)


def _registrations(workshop) -> list:
    rows = workshop.registrations.live().select_related("participant").order_by("participant__first_name", "id")
    confirmed = [r for r in rows if r.status == Registration.Status.CONFIRMED]
    return confirmed + [r for r in rows if r.status != Registration.Status.CONFIRMED]


@territory_view()
def day_sheet(request, territory, pk):
    workshop = _workshop(territory, pk)
    recipes = list(
        workshop.planned_recipes.order_by("name").prefetch_related(
            Prefetch("ingredients", RecipeIngredient.objects.select_related("product", "pantry_item").order_by("id")),
            Prefetch("formats", RecipeFormat.objects.select_related("jar_format").order_by("jar_format__volume_ml")),
        )
    )
    pdf = day_sheet_pdf(workshop, _registrations(workshop), recipes)
    response = HttpResponse(pdf, content_type="application/pdf")
    day = workshop.starts_at.date().isoformat()
    response["Content-Disposition"] = f'inline; filename="feuille-du-jour-{day}-{workshop.pk}.pdf"'
    return response


@territory_view()
def paper_entry(request, territory, pk):
    """One screen: tick who was present, copy the blank lines of the walk-ins; all saved at once."""
    workshop = _workshop(territory, pk)
    registrations = _registrations(workshop)
    formset = PaperWalkInFormSet(request.POST or None, prefix="walkin")
    present = {r.pk for r in registrations if r.attended}
    error = ""
    if request.method == "POST":
        try:
            present = {int(value) for value in request.POST.getlist("present")}
        except ValueError:
            present, error = set(), _("Une case de présence est illisible.")
        if not error and formset.is_valid():
            walk_ins = [person for person in (form.person() for form in formset.forms) if person]
            try:
                done = paper_sheet_enter(actor=request.user, workshop=workshop, present=present, walk_ins=walk_ins)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Feuille saisie : %(changed)s présence(s) modifiée(s), %(walk_ins)s venue(s) sans inscription.")
                    % done,
                )
                return redirect("workshops:truck", territory.slug, pk)
    return render(
        request,
        "workshops/paper_entry.html",
        {
            "territory": territory,
            "workshop": workshop,
            "registrations": registrations,
            "present": present,
            "formset": formset,
            "error": error,
        },
        status=form_status(request),
    )
