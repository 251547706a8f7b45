"""Deposit balances: who holds jars, who has credit, and each participant's gifts and returns."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from conserverie.core.pages import paginate, search_term
from conserverie.distribution.selectors import balance_filter, with_deposit_balance
from conserverie.people.models import Participant
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.staff import territory_view

BALANCE_FILTERS = [("out", _("Bocaux non rendus")), ("credit", _("Avec un avoir"))]
DETAIL_ROWS = 50


@territory_view()
def deposit_balances(request, territory):
    q = search_term(request)
    which = request.GET.get("solde", "")
    rows = Participant.objects.filter(territory=territory)
    if q:
        filters = Q(first_name__icontains=q) | Q(neighbourhood__icontains=q)
        if q.lstrip("#").isdigit():
            filters |= Q(pk=int(q.lstrip("#")))
        rows = rows.filter(filters)
    rows = balance_filter(with_deposit_balance(rows), which).order_by("first_name", "id")
    return render(
        request,
        "distribution/deposits.html",
        {
            "territory": territory,
            "q": q,
            "which": which,
            "filters": BALANCE_FILTERS,
            "page": paginate(request, rows),
        },
    )


@territory_view()
def deposit_detail(request, territory, pk):
    participant = get_object_or_404(with_deposit_balance(Participant.objects.filter(territory=territory)), pk=pk)
    movements = (
        StockMovement.objects.filter(
            territory=territory, participant=participant, kind__in=(MovementKind.GIVEN, MovementKind.EMPTY_RETURNED)
        )
        .select_related("jar_format", "lot", "location", "distribution_line__distribution")
        .order_by("-day", "-id")
    )
    return render(
        request,
        "distribution/deposit_detail.html",
        {"territory": territory, "p": participant, "page": paginate(request, movements, per_page=DETAIL_ROWS)},
    )
