from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_row_error, add_service_errors, form_status, paginate, search_term
from conserverie.core.permissions import role_in
from conserverie.core.staff import territory_view
from conserverie.sourcing.models import RawLotMovement
from conserverie.stock.models import Location, MovementKind, StockMovement
from conserverie.territories.models import Role

from .forms import BlockForm, LotForm, PantryInputFormSet, RawInputFormSet, ReleaseForm
from .models import LotStatus, ProductionLot
from .services import lot_block, lot_record, lot_release

# Service error keys that belong to a row of a section of the lot form, not to one of its fields.
RAW_KEYS = ("raw_inputs", "kg")
PANTRY_KEYS = ("pantry_inputs",)


@territory_view()
def lot_list(request, territory):
    q = search_term(request)
    status = request.GET.get("status", "")
    rows = (
        ProductionLot.objects.filter(territory=territory)
        .select_related("recipe", "workshop")
        .annotate(
            jars_made=Sum("movements__quantity", filter=Q(movements__kind=MovementKind.PRODUCED)),
            jars_left=Sum("movements__quantity"),
        )
        .order_by("-produced_on", "-id")
    )
    if status in LotStatus.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(recipe__name__icontains=q))
    return render(
        request,
        "production/lots.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "status": status,
            "statuses": LotStatus.choices,
        },
    )


def _record(request, territory, form, raw_formset, pantry_formset):
    """Call the service; on refusal, put each message next to what it is about. Returns the lot or None."""
    raw_rows = [f for f in raw_formset.forms if f.has_changed()]
    pantry_rows = [f for f in pantry_formset.forms if f.has_changed()]
    try:
        return lot_record(
            actor=request.user,
            territory=territory,
            recipe=form.cleaned_data["recipe"],
            workshop=form.cleaned_data["workshop"],
            produced_on=form.cleaned_data["produced_on"],
            location=form.cleaned_data["location"],
            batches=form.cleaned_data["batches"],
            ph_measured=form.cleaned_data["ph_measured"],
            raw_inputs=[(f.cleaned_data["raw_lot"], f.cleaned_data["kg"]) for f in raw_rows],
            pantry_inputs=[(f.cleaned_data["pantry_lot"], f.cleaned_data["kg"]) for f in pantry_rows],
            outputs=form.outputs(),
            treatments=form.treatments(),
        )
    except ValidationError as exc:
        leftovers = add_service_errors(form, exc, aliases={"day": "produced_on"})
        for field, message in leftovers:
            if field in RAW_KEYS:
                add_row_error(raw_rows or raw_formset.forms, "kg", message, key="raw_lot")
            elif field in PANTRY_KEYS:
                add_row_error(pantry_rows or pantry_formset.forms, "kg", message, key="pantry_lot")
            else:
                form.section_errors.setdefault(field or "form", []).append(message)
        return None


@territory_view()
def lot_new(request, territory):
    data = request.POST if request.method == "POST" else None
    truck = Location.objects.filter(territory=territory, kind=Location.Kind.TRUCK).first()
    form = LotForm(data, territory=territory, initial={"location": truck})
    form.section_errors = {}
    raw_formset = RawInputFormSet(data, prefix="raw", form_kwargs={"territory": territory})
    pantry_formset = PantryInputFormSet(data, prefix="pantry", form_kwargs={"territory": territory})
    if data is not None and all([form.is_valid(), raw_formset.is_valid(), pantry_formset.is_valid()]):
        lot = _record(request, territory, form, raw_formset, pantry_formset)
        if lot is not None:
            messages.success(request, _("Lot %(code)s enregistré.") % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    return render(
        request,
        "production/lot_form.html",
        {
            "territory": territory,
            "form": form,
            "raw_formset": raw_formset,
            "pantry_formset": pantry_formset,
        },
        status=form_status(request),
    )


def _lot_or_404(territory, code):
    return get_object_or_404(
        ProductionLot.objects.select_related("territory", "recipe", "workshop__site", "created_by"),
        territory=territory,
        code=code,
    )


def _render_detail(request, territory, lot, release_form=None, block_form=None, status=200):
    raw_inputs = (
        RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED)
        .select_related("raw_lot__producer", "raw_lot__product")
        .order_by("raw_lot__code")
    )
    ledger = StockMovement.objects.filter(lot=lot)
    outputs = (
        ledger.filter(kind=MovementKind.PRODUCED)
        .values("jar_format__name")
        .annotate(jars=Sum("quantity"))
        .order_by("jar_format__volume_ml")
    )
    return render(
        request,
        "production/lot_detail.html",
        {
            "territory": territory,
            "lot": lot,
            "raw_inputs": raw_inputs,
            "pantry_inputs": lot.pantry_inputs.select_related("pantry_lot__item"),
            "treatments": lot.treatments.select_related("jar_format", "operator"),
            "outputs": outputs,
            "stock": ledger.stock_by_location_and_lot(),
            "totals": ledger.totals_by_kind(),
            "may_release": role_in(request.user, territory) == Role.COORDINATOR
            and lot.status not in (LotStatus.RELEASED, LotStatus.RECALLED),
            "may_block": lot.status not in (LotStatus.BLOCKED, LotStatus.RECALLED),
            "release_form": release_form or ReleaseForm(),
            "block_form": block_form or BlockForm(),
            "LotStatus": LotStatus,
        },
        status=status,
    )


@territory_view()
def lot_detail(request, territory, code):
    return _render_detail(request, territory, _lot_or_404(territory, code))


def _status_change(request, territory, code, form_class, service, done_message):
    lot = _lot_or_404(territory, code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            lot = service(actor=request.user, lot=lot, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done_message % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    forms = {"release_form": form} if form_class is ReleaseForm else {"block_form": form}
    return _render_detail(request, territory, lot, status=422, **forms)


@require_POST
@territory_view()
def lot_release_view(request, territory, code):
    return _status_change(request, territory, code, ReleaseForm, lot_release, _("Lot %(code)s libéré."))


@require_POST
@territory_view()
def lot_block_view(request, territory, code):
    return _status_change(request, territory, code, BlockForm, lot_block, _("Lot %(code)s bloqué."))
