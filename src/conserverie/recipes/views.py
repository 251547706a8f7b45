from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.recipes.forms import (
    FormatFormSet,
    HaccpPlanForm,
    IngredientFormSet,
    RecipeForm,
    ScaleForm,
    format_initial,
    ingredient_initial,
)
from conserverie.recipes.haccp_sheet import haccp_sheet_pdf
from conserverie.recipes.models import CcpKind, Recipe, RecipeFormat, RecipeIngredient
from conserverie.recipes.scaling import scale
from conserverie.recipes.services import (
    haccp_plan_for,
    haccp_plan_save,
    haccp_plan_validate,
    recipe_create,
    recipe_validate_schedule,
)
from conserverie.territories.models import Role
from conserverie.territories.permissions import may_sign, role_in
from conserverie.territories.staff import territory_view

STATES = [
    ("active", gettext_lazy("Actives")),
    ("validated", gettext_lazy("Barème validé")),
    ("to_validate", gettext_lazy("Barème à valider")),
    ("archived", gettext_lazy("Anciennes versions")),
]
STATE_FILTERS = {
    "active": Q(is_active=True),
    "validated": Q(is_active=True, validated_at__isnull=False),
    "to_validate": Q(is_active=True, validated_at__isnull=True),
    "archived": Q(is_active=False),
}


@territory_view()
def recipe_list(request, territory):
    q = search_term(request)
    state = request.GET.get("state", "active")
    rows = Recipe.objects.filter(territory=territory).annotate(lot_count=Count("lots")).order_by("name", "-version")
    if state in STATE_FILTERS:
        rows = rows.filter(STATE_FILTERS[state])
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return render(
        request,
        "recipes/list.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "state": state,
            "states": STATES,
            "may_edit": role_in(request.user, territory) == Role.COORDINATOR,
        },
    )


def _recipe_or_404(territory, pk):
    return get_object_or_404(
        Recipe.objects.select_related("validated_by").prefetch_related(
            Prefetch("ingredients", RecipeIngredient.objects.select_related("product", "pantry_item").order_by("pk")),
            Prefetch("formats", RecipeFormat.objects.select_related("jar_format").order_by("jar_format__volume_ml")),
        ),
        territory=territory,
        pk=pk,
    )


@territory_view()
def recipe_detail(request, territory, pk):
    recipe = _recipe_or_404(territory, pk)
    products = [i.product for i in recipe.ingredients.all() if i.product_id]
    scale_form = ScaleForm(request.GET or None, products=products)
    plan = scale(recipe, scale_form.available()) if scale_form.is_bound and scale_form.is_valid() else None
    versions = (
        Recipe.objects.filter(territory=territory, code=recipe.code)
        .select_related("validated_by")
        .annotate(lot_count=Count("lots"))
        .order_by("-version")
    )
    role = role_in(request.user, territory)
    return render(
        request,
        "recipes/detail.html",
        {
            "territory": territory,
            "recipe": recipe,
            "steps": [line.strip() for line in recipe.method.splitlines() if line.strip()],
            "versions": versions,
            "scale_form": scale_form,
            "plan": plan,
            "may_edit": role == Role.COORDINATOR,
            "may_validate": may_sign(request.user, territory, "recipe.validate_schedule") and recipe.is_active,
        },
    )


@require_POST
@territory_view()
def recipe_validate_view(request, territory, pk):
    recipe = get_object_or_404(Recipe, territory=territory, pk=pk)
    recipe_validate_schedule(actor=request.user, recipe=recipe)  # refuses a person without training (403)
    messages.success(request, _("Barème de « %(name)s » validé.") % {"name": recipe})
    return redirect("recipes:detail", territory.slug, recipe.pk)


def _filled(formset):
    """Rows typed or carried over from the previous version, without those ticked for removal."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _edit(request, territory, base=None):
    data = request.POST if request.method == "POST" else None
    initial = RecipeForm.initial_from(base) if base else {"shelf_life_days": 365}
    form = RecipeForm(data, initial=initial)
    if base:
        form.fields["code"].disabled = True
    kwargs = {"form_kwargs": {"territory": territory}}
    ingredients = IngredientFormSet(
        data, prefix="ing", initial=ingredient_initial(base.ingredients.all()) if base else None, **kwargs
    )
    formats = FormatFormSet(data, prefix="fmt", initial=format_initial(base.formats.all()) if base else None, **kwargs)
    form.section_errors = {}
    if data is not None and all([form.is_valid(), ingredients.is_valid(), formats.is_valid()]):
        d = form.cleaned_data
        try:
            recipe = recipe_create(
                actor=request.user,
                territory=territory,
                code=d["code"],
                name=d["name"],
                description=d["description"],
                method=d["method"],
                ph_limit=d["ph_limit"],
                category=d["category"],
                water_activity=d["water_activity"],
                stability_at_55=d["stability_at_55"],
                shelf_life_days=d["shelf_life_days"],
                storage_advice=d["storage_advice"] or None,
                serving_ideas=d["serving_ideas"],
                may_contain=d["may_contain"],
                jam_kind=d["jam_kind"],
                liquid_medium=d["liquid_medium"],
                ingredients=[f.ingredient() for f in _filled(ingredients)],
                formats=[f.spec() for f in _filled(formats)],
            )
        except ValidationError as exc:
            for field, message in add_service_errors(form, exc):
                form.section_errors.setdefault(field or "form", []).append(message)
        else:
            messages.success(request, _("Recette « %(name)s » enregistrée.") % {"name": recipe})
            return redirect("recipes:detail", territory.slug, recipe.pk)
    return render(
        request,
        "recipes/form.html",
        {"territory": territory, "form": form, "ingredients": ingredients, "formats": formats, "base": base},
        status=form_status(request),
    )


@territory_view(roles=(Role.COORDINATOR,))
def recipe_new(request, territory):
    return _edit(request, territory)


@territory_view(roles=(Role.COORDINATOR,))
def recipe_new_version(request, territory, pk):
    return _edit(request, territory, base=_recipe_or_404(territory, pk))


def _plan_recipe(territory, pk):
    return get_object_or_404(
        Recipe.objects.select_related("territory", "haccp_plan__validated_by").prefetch_related(
            Prefetch("ingredients", RecipeIngredient.objects.select_related("product", "pantry_item").order_by("pk")),
        ),
        territory=territory,
        pk=pk,
    )


@territory_view()
def haccp_plan_detail(request, territory, pk):
    """The recipe version's HACCP plan: read, reviewed, signed by a trained person, printed."""
    recipe = _plan_recipe(territory, pk)
    plan = haccp_plan_for(recipe)
    may = may_sign(request.user, territory, "recipe.validate_haccp")
    return render(
        request,
        "recipes/haccp_plan.html",
        {
            "territory": territory,
            "recipe": recipe,
            "plan": plan,
            "hazards": [(label, plan.hazards.get(kind, "")) for kind, label in HaccpPlanForm.HAZARD_LABELS.items()],
            "ccps": [(CcpKind(c["kind"]).label, c) for c in plan.ccps if c.get("kind") in CcpKind.values],
            "may_edit": may and plan.validated_at is None and recipe.is_active,
        },
    )


@territory_view()
def haccp_plan_edit(request, territory, pk):
    recipe = _plan_recipe(territory, pk)
    plan = haccp_plan_for(recipe)
    data = request.POST if request.method == "POST" else None
    form = HaccpPlanForm(data, plan=plan)
    if data is not None and form.is_valid():
        try:
            haccp_plan_save(actor=request.user, recipe=recipe, **form.values())
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Plan HACCP enregistré : relisez-le puis validez-le."))
            return redirect("recipes:haccp", territory.slug, recipe.pk)
    elif data is None and not may_sign(request.user, territory, "recipe.validate_haccp"):
        raise PermissionDenied(_("Écrire le plan HACCP demande une formation HACCP en cours de validité."))
    return render(
        request,
        "recipes/haccp_plan_form.html",
        {"territory": territory, "recipe": recipe, "plan": plan, "form": form},
        status=form_status(request),
    )


@require_POST
@territory_view()
def haccp_plan_validate_view(request, territory, pk):
    recipe = get_object_or_404(Recipe, territory=territory, pk=pk)
    try:
        haccp_plan_validate(actor=request.user, recipe=recipe)  # refuses a person without training (403)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Plan HACCP de « %(name)s » validé.") % {"name": recipe})
    return redirect("recipes:haccp", territory.slug, recipe.pk)


@territory_view()
def haccp_plan_pdf(request, territory, pk):
    recipe = _plan_recipe(territory, pk)
    response = HttpResponse(haccp_sheet_pdf(haccp_plan_for(recipe)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-haccp-{recipe.code}-v{recipe.version}.pdf"'
    return response
