"""The price list: every staff member reads it, a coordinator sets it. The structures' social tiers: set by the
staff of the territory (coordination and animators)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from conserverie.core.pages import add_service_errors, form_status
from conserverie.distribution.forms import PriceForm, TierForm
from conserverie.distribution.models import PriceListEntry, PriceTier
from conserverie.distribution.services import price_remove, price_set, tier_set, tier_withdraw
from conserverie.territories.models import Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

TIER_ROLES = (Role.COORDINATOR, Role.ANIMATOR)


@territory_view()
def price_list(request, territory):
    role = role_in(request.user, territory)
    may_edit = role == Role.COORDINATOR
    is_tier = request.method == "POST" and request.POST.get("form") == "tier"
    form = PriceForm(request.POST if request.method == "POST" and not is_tier else None, territory=territory)
    tier_form = TierForm(request.POST if is_tier else None, territory=territory)
    if is_tier:
        if role not in TIER_ROLES:
            raise PermissionDenied
        if tier_form.is_valid():
            try:
                tier_set(actor=request.user, territory=territory, **tier_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(tier_form, exc)
            else:
                messages.success(request, _("Tarif social enregistré."))
                return redirect("distribution:prices", territory.slug)
    elif request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Seule la coordination modifie les tarifs."))
        if form.is_valid():
            try:
                price_set(actor=request.user, territory=territory, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Tarif enregistré."))
                return redirect("distribution:prices", territory.slug)
    entries = (
        PriceListEntry.objects.filter(territory=territory)
        .select_related("jar_format", "updated_by")
        .order_by("recipe_code", "jar_format__volume_ml")
    )
    names = dict(form.fields["recipe_code"].choices)
    rows = [(entry, names.get(entry.recipe_code, entry.recipe_code)) for entry in entries]
    return render(
        request,
        "distribution/prices.html",
        {
            "territory": territory,
            "rows": rows,
            "form": form,
            "may_edit": may_edit,
            "tier_form": tier_form,
            "may_tier": role in TIER_ROLES,
            "tiers": PriceTier.objects.filter(territory=territory, is_active=True).select_related("structure"),
        },
        status=form_status(request),
    )


@territory_view(roles=(Role.COORDINATOR,))
def price_delete(request, territory, pk):
    entry = get_object_or_404(PriceListEntry, territory=territory, pk=pk)
    if request.method == "POST":
        price_remove(actor=request.user, entry=entry)
        messages.success(request, _("Tarif retiré."))
    return redirect("distribution:prices", territory.slug)


@territory_view()
def tier_withdraw_view(request, territory, pk):
    tier = get_object_or_404(PriceTier, territory=territory, pk=pk)
    if request.method == "POST":
        tier_withdraw(actor=request.user, tier=tier)
        messages.success(request, _("Tarif social retiré : les ventes passées le gardent."))
    return redirect("distribution:prices", territory.slug)
