from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.sourcing.models import RawLot
from conserverie.stock.forms import (
    DepositReturnForm,
    DiscardForm,
    EmptyBreakForm,
    EmptyBuyForm,
    EmptyCountForm,
    EmptyMoveForm,
    FarmJarsReturnForm,
    InventoryForm,
    MoveForm,
)
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.selectors import (
    ALERT_DAYS,
    JARS_PER_PLACE,
    empties_by_location_and_format,
    empty_flows,
    empty_jar_alert,
)
from conserverie.stock.services import (
    deposit_return,
    empties_break,
    empties_buy,
    empties_count,
    empties_move,
    farm_jars_return,
    inventory_adjust,
    jars_discard,
    jars_move,
)
from conserverie.stock.set_aside import set_aside_by_location_lot_format
from conserverie.territories.models import Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

LAST_MOVEMENTS = 10


def _ledger(territory):
    return (
        StockMovement.objects.filter(territory=territory)
        .select_related("location", "lot", "jar_format", "created_by")
        .order_by("-created_at", "-id")
    )


@territory_view()
def overview(request, territory):
    q = search_term(request)
    full = StockMovement.objects.filter(territory=territory).stock_by_location_and_lot()
    if q:
        full = full.filter(
            Q(lot__code__icontains=q) | Q(location__name__icontains=q) | Q(lot__recipe__name__icontains=q)
        )
    empties = list(empties_by_location_and_format(territory))
    # The balances read once (a list of the rows on hand): the paginator of a queryset would group the whole ledger
    # a second time to count them (docs/performance.md, k20).
    page = paginate(request, list(full))
    # The jars a purchasing-group round holds on each row's shelf (stock/set_aside.py, one query).
    aside = set_aside_by_location_lot_format(territory)
    page.object_list = [
        {**row, "aside": aside.get((row["location_id"], row["lot_id"], row["jar_format_id"]), 0)}
        for row in page.object_list
    ]
    return render(
        request,
        "stock/overview.html",
        {
            "territory": territory,
            "q": q,
            "page": page,
            "empties": empties,
            "alert": empty_jar_alert(territory, empties=empties),
            "may_count": role_in(request.user, territory) == Role.COORDINATOR,
            "alert_days": ALERT_DAYS,
            "jars_per_place": JARS_PER_PLACE,
            "last_movements": _ledger(territory)[:LAST_MOVEMENTS],
        },
    )


@territory_view()
def movements(request, territory):
    q = search_term(request)
    kind = request.GET.get("kind", "")
    rows = _ledger(territory)
    if kind in MovementKind.values:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(lot__code__icontains=q) | Q(location__name__icontains=q) | Q(reason__icontains=q))
    return render(
        request,
        "stock/movements.html",
        {"territory": territory, "q": q, "kind": kind, "kinds": MovementKind.choices, "page": paginate(request, rows)},
    )


def _form_page(request, territory, form_class, service, title, done, back="stock:overview"):
    """One small form, one service: on refusal, the message at its field and nothing written."""
    initial = {key: value for key, value in request.GET.items() if key in form_class.base_fields}
    form = form_class(request.POST or None, territory=territory, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back, territory.slug)
    return render(
        request,
        "stock/form.html",
        {"territory": territory, "form": form, "title": title, "back": back},
        status=form_status(request),
    )


@territory_view()
def move(request, territory):
    return _form_page(
        request,
        territory,
        MoveForm,
        jars_move,
        gettext_lazy("Déplacer des bocaux"),
        _("Transfert enregistré."),
    )


@territory_view()
def discard(request, territory):
    return _form_page(
        request,
        territory,
        DiscardForm,
        jars_discard,
        gettext_lazy("Bocaux cassés ou jetés"),
        _("Sortie de stock enregistrée."),
    )


@territory_view()
def deposit(request, territory):
    return _form_page(
        request,
        territory,
        DepositReturnForm,
        deposit_return,
        gettext_lazy("Bocaux vides rapportés"),
        _("Retour de bocaux vides enregistré."),
    )


@territory_view(roles=(Role.COORDINATOR,))
def inventory(request, territory):
    return _form_page(
        request,
        territory,
        InventoryForm,
        inventory_adjust,
        gettext_lazy("Comptage d'inventaire"),
        _("Comptage enregistré : l'écart éventuel est ajouté au registre."),
    )


LAST_EMPTY_MOVEMENTS = 15


@territory_view()
def empties(request, territory):
    """The empty jars: on hand per place and format, the season's flows, the alert for the coming workshops."""
    empties = list(empties_by_location_and_format(territory))
    return render(
        request,
        "stock/empties.html",
        {
            "territory": territory,
            "empties": empties,
            "flows": empty_flows(territory),
            "alert": empty_jar_alert(territory, empties=empties),
            "alert_days": ALERT_DAYS,
            "jars_per_place": JARS_PER_PLACE,
            "may_count": role_in(request.user, territory) == Role.COORDINATOR,
            "last_movements": _ledger(territory).filter(lot__isnull=True)[:LAST_EMPTY_MOVEMENTS],
        },
    )


# action in the URL → (form, service, title, done message, coordinators only)
EMPTY_ACTIONS = {
    "achat": (
        EmptyBuyForm,
        empties_buy,
        gettext_lazy("Bocaux vides achetés"),
        gettext_lazy("Achat de bocaux vides enregistré."),
        False,
    ),
    "transfert": (
        EmptyMoveForm,
        empties_move,
        gettext_lazy("Transporter ou récupérer des bocaux vides"),
        gettext_lazy("Transport de bocaux vides enregistré."),
        False,
    ),
    "casse": (
        EmptyBreakForm,
        empties_break,
        gettext_lazy("Bocaux vides cassés"),
        gettext_lazy("Casse enregistrée."),
        False,
    ),
    "inventaire": (
        EmptyCountForm,
        empties_count,
        gettext_lazy("Comptage des bocaux vides"),
        gettext_lazy("Comptage enregistré : l'écart éventuel est ajouté au registre."),
        True,
    ),
}


@territory_view()
def empty_form(request, territory, action):
    if action not in EMPTY_ACTIONS:
        raise Http404
    form_class, service, title, done, coordinators_only = EMPTY_ACTIONS[action]
    if coordinators_only and role_in(request.user, territory) != Role.COORDINATOR:
        raise PermissionDenied
    return _form_page(request, territory, form_class, service, title, str(done), back="stock:empties")


@territory_view()
def farm_jars_return_view(request, territory, code):
    """/t/<slug>/stock/rendus-ferme/<raw lot>/: jars processed for a farm (à façon) go back to it. A view of the
    ledger's app (it writes both the return and the jars leaving the shelf), linked from the raw lot's page."""
    raw_lot = get_object_or_404(RawLot.objects.select_related("offer", "producer"), territory=territory, code=code)
    form = FarmJarsReturnForm(request.POST or None, raw_lot=raw_lot)
    if request.method == "POST" and form.is_valid():
        try:
            farm_jars_return(actor=request.user, raw_lot=raw_lot, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Bocaux rendus à la ferme enregistrés."))
            return redirect("sourcing:raw_lot_detail", territory.slug, raw_lot.code)
    return render(
        request,
        "stock/farm_jars_return.html",
        {"territory": territory, "raw_lot": raw_lot, "form": form},
        status=form_status(request),
    )
