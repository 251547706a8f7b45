"""The replication kit's screens: the territory, its structures and sites, then the truck and what to copy.

Each screen keeps what was typed in the session, so going back and forth loses nothing; the territory is
created only on the last screen, in one service call.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.pages import add_service_errors, form_status
from conserverie.economics.calendar import calendar_create, calendar_propose, first_season
from conserverie.economics.rhythm import season_rhythm
from conserverie.recipes.models import Recipe
from conserverie.replication.forms import (
    CalendarForm,
    ConfirmStepForm,
    SiteFormSet,
    StructureFormSet,
    TerritoryStepForm,
    filled_rows,
)
from conserverie.replication.services import NewTerritory, SiteSpec, StructureSpec, territory_create_from_template
from conserverie.territories.models import Role, Territory
from conserverie.territories.staff import territory_view

COORDINATORS = (Role.COORDINATOR,)


def _draft(request, template) -> dict:
    draft = request.session.get("replication") or {}
    return draft if draft.get("template") == template.slug else {"template": template.slug}


def _save(request, draft) -> None:
    request.session["replication"] = draft


def _jsonable(data: dict) -> dict:
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in data.items()}


@territory_view(roles=COORDINATORS)
def start(request, template):
    draft = _draft(request, template)
    form = TerritoryStepForm(request.POST or None, initial=draft.get("territory"))
    if request.method == "POST" and form.is_valid():
        draft["territory"] = _jsonable(form.cleaned_data)
        _save(request, draft)
        return redirect("replication:places", template.slug)
    return render(
        request,
        "replication/start.html",
        {"territory": template, "form": form, "step": 1},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def places(request, template):
    draft = _draft(request, template)
    if "territory" not in draft:
        return redirect("replication:start", template.slug)
    data = request.POST if request.method == "POST" else None
    # What was typed before fills the rows of the page, not of a POST: a posted row equal to it would count as
    # unchanged, hence empty, and be dropped.
    structures = StructureFormSet(data, prefix="structures", initial=None if data else draft.get("structures"))
    sites = SiteFormSet(data, prefix="sites", initial=None if data else draft.get("sites"))
    if request.method == "POST" and structures.is_valid() and sites.is_valid():
        draft["structures"], draft["sites"] = filled_rows(structures), filled_rows(sites)
        if draft["structures"]:
            _save(request, draft)
            return redirect("replication:confirm", template.slug)
        structures._non_form_errors = structures.error_class([_("Indiquez au moins une structure.")])
    return render(
        request,
        "replication/places.html",
        {"territory": template, "structures": structures, "sites": sites, "step": 2},
        status=form_status(request),
    )


def _spec(draft: dict, confirm: dict) -> NewTerritory:
    t = draft["territory"]
    return NewTerritory(
        name=t["name"],
        slug=t["slug"],
        code=t["code"],
        organisation=t.get("organisation", ""),
        address=t.get("address", ""),
        hub_lat=Decimal(t["hub_lat"]),
        hub_lon=Decimal(t["hub_lon"]),
        radius_km=int(t["radius_km"]),
        structures=tuple(
            StructureSpec(name=s["name"], kind=s["kind"], city=s["city"], priority_area=s["priority_area"])
            for s in draft.get("structures", [])
        ),
        sites=tuple(
            SiteSpec(
                name=s["name"],
                kind=s["kind"],
                city=s["city"],
                structure=s["structure"].strip(),
                priority_area=s["priority_area"],
            )
            for s in draft.get("sites", [])
        ),
        vehicle_name=confirm["vehicle_name"],
        vehicle_capacity_kg=confirm["vehicle_capacity_kg"],
        copy=tuple(confirm["copy"]),
    )


@territory_view(roles=COORDINATORS)
def confirm(request, template):
    draft = _draft(request, template)
    if "structures" not in draft:
        return redirect("replication:places", template.slug)
    form = ConfirmStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            territory = territory_create_from_template(
                actor=request.user, template=template, spec=_spec(draft, form.cleaned_data)
            )
        except ValidationError as exc:
            # The fields of the earlier screens: said here, with the screen to go back to.
            for name, message in add_service_errors(form, exc):
                step = _("Étape 2") if name in ("structures", "sites") else _("Étape 1")
                form.add_error(None, f"{step} — {message}")
        else:
            request.session.pop("replication", None)
            messages.success(request, _("Le territoire « %(name)s » est créé.") % {"name": territory.name})
            return redirect("replication:launch", territory.slug)
    return render(
        request,
        "replication/confirm.html",
        {"territory": template, "form": form, "draft": draft, "step": 3},
        status=form_status(request),
    )


@territory_view(roles=COORDINATORS)
def launch(request, territory: Territory):
    """The new territory's first steps: recipes to re-validate, producers to import, a first season."""
    rhythm = season_rhythm(territory)
    season = first_season(territory, today=timezone.localdate(), weeks=rhythm.weeks)
    defaults = {
        "first_date": season.first_date,
        "workshops_per_week": rhythm.workshops_per_week,
        "weeks": season.weeks,
    }
    # Always bound: the page opens with the calendar the simulator's rhythm proposes.
    form = CalendarForm(request.POST or (request.GET if "first_date" in request.GET else defaults))
    proposals = []
    if form.is_valid():
        try:
            proposals = calendar_propose(territory=territory, **form.cleaned_data)
            if request.method == "POST":
                series = calendar_create(actor=request.user, territory=territory, proposals=proposals)
                messages.success(request, _("%(n)s séries d'ateliers créées.") % {"n": len(series)})
                return redirect("workshops:list", territory.slug)
        except ValidationError as exc:
            add_service_errors(form, exc)
            proposals = []
    to_validate = Recipe.objects.filter(territory=territory, is_active=True, validated_at__isnull=True).count()
    return render(
        request,
        "replication/launch.html",
        {
            "territory": territory,
            "form": form,
            "proposals": proposals,
            "rhythm": rhythm,
            "season": season,
            "recipes_to_validate": to_validate,
            "producers": territory.producers.count(),
            "sites": territory.sites.count(),
        },
        status=form_status(request),
    )
