from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.sourcing.forms import CollectionForm, RawLotOutForm
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import collection_record, raw_lot_give, raw_lot_lose
from conserverie.territories.staff import territory_view

# A raw lot to transform within this many days is flagged on the list.
SOON_DAYS = 1


@territory_view()
def raw_lots(request, territory):
    q = search_term(request)
    show = request.GET.get("stock", "")
    rows = RawLot.objects.filter(territory=territory).with_balance().select_related("producer", "product")
    if show == "in_stock":
        rows = rows.filter(kg_left__gt=0)
    elif show == "empty":
        rows = rows.filter(kg_left__lte=0)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(producer__name__icontains=q) | Q(product__name__icontains=q))
    today = timezone.localdate()
    return render(
        request,
        "sourcing/raw_lots.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "stock": show,
            "stock_choices": [("in_stock", _("En stock")), ("empty", _("Épuisés"))],
            "today": today,
            "soon": today + timedelta(days=SOON_DAYS),
        },
    )


@territory_view()
def collection_new(request, territory):
    form = CollectionForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            raw_lot = collection_record(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Collecte enregistrée : lot brut %(code)s, %(kg)s kg.") % {"code": raw_lot.code, "kg": raw_lot.kg},
            )
            return redirect("sourcing:raw_lots", territory.slug)
    return render(
        request, "sourcing/collection_form.html", {"territory": territory, "form": form}, status=form_status(request)
    )


@territory_view()
def raw_lot_detail(request, territory, code):
    raw_lot = get_object_or_404(
        RawLot.objects.with_balance().select_related("territory", "producer", "product", "offer"),
        territory=territory,
        code=code,
    )
    form = RawLotOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = raw_lot_lose if data["kind"] == RawLotMovement.Kind.LOST else raw_lot_give
        try:
            service(actor=request.user, raw_lot=raw_lot, kg=data["kg"], reason=data["reason"], day=data["day"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sortie enregistrée pour le lot %(code)s.") % {"code": raw_lot.code})
            return redirect("sourcing:raw_lot_detail", territory.slug, raw_lot.code)
    return render(
        request,
        "sourcing/raw_lot_detail.html",
        {
            "territory": territory,
            "raw_lot": raw_lot,
            "form": form,
        },
        status=form_status(request),
    )
