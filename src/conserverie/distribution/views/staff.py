from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import (
    SharedOptions,
    add_row_error,
    add_service_errors,
    form_status,
    paginate,
    search_term,
)
from conserverie.distribution.forms import NUMBER_ONLY, DistributionForm, LineFormSet, ReverseForm, participant_label
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.selectors import price_for, price_map, reversal_of
from conserverie.distribution.services import LineSpec, distribution_record, distribution_reverse, tier_price
from conserverie.people.models import Participant
from conserverie.production.models import ProductionLot
from conserverie.stock.forms import lot_label, status_labels
from conserverie.stock.models import StockMovement
from conserverie.stock.set_aside import set_aside_by_location_lot_format
from conserverie.territories.models import JarFormat, LegalEntity, Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

LINE_FIELDS = ("lot", "jar_format", "quantity", "unit_price_eur", "lines")
LINE_TOTAL = ExpressionWrapper(
    F("quantity") * (F("unit_price_eur") + F("deposit_eur")), output_field=DecimalField(max_digits=10, decimal_places=2)
)


@territory_view()
def distribution_list(request, territory):
    q = search_term(request)
    kind = request.GET.get("kind", "")
    rows = Distribution.objects.filter(territory=territory)
    if kind in Distribution.Kind.values:
        rows = rows.filter(kind=kind)
    if q:
        # A subquery, so that matching one line still sums all lines of the distribution.
        matching = Distribution.objects.filter(
            Q(partner__icontains=q)
            | Q(participant__first_name__icontains=q)
            | Q(structure__name__icontains=q)
            | Q(lines__lot__code__icontains=q)
        )
        rows = rows.filter(pk__in=matching.values("pk"))
    lines = DistributionLine.objects.filter(distribution__in=rows.values("pk"))
    totals = lines.aggregate(jars=Sum("quantity"), eur=Sum(LINE_TOTAL))
    reversed_rows = StockMovement.objects.filter(distribution_line__distribution=OuterRef("pk"), reverses__isnull=False)
    # The page's distributions first (their ids, on the index by territory and date), then their sums and whether
    # they were cancelled for those 25 only: the sums of every distribution of ten seasons, to keep 25, were most of
    # the page's time (10 × 10: 216 ms; docs/performance.md, k20).
    page = paginate(request, rows.order_by("-date", "-id").values_list("pk", flat=True))
    page.object_list = list(
        Distribution.objects.filter(territory=territory, pk__in=list(page.object_list))
        .select_related("location", "participant", "structure", "workshop", "price_tier")
        .annotate(
            reversed=Exists(reversed_rows),
            jars=Sum("lines__quantity"),
            total_eur=Sum(
                F("lines__quantity") * (F("lines__unit_price_eur") + F("lines__deposit_eur")),
                output_field=DecimalField(max_digits=10, decimal_places=2),
            ),
        )
        .order_by("-date", "-id")
    )
    return render(
        request,
        "distribution/list.html",
        {
            "territory": territory,
            "q": q,
            "kind": kind,
            "kinds": Distribution.Kind.choices,
            "page": page,
            "totals": totals,
        },
    )


def _unit_price(row, kind, prices, social: bool, tier=None) -> Decimal:
    """The price typed on the row; left empty, the price list's for a sale (its solidarity price when asked for
    and set, or the structure's tier share of it), 0 for a gift or internal use."""
    typed = row.cleaned_data.get("unit_price_eur")
    if typed is not None:
        return typed
    lot, jar_format = row.cleaned_data.get("lot"), row.cleaned_data.get("jar_format")
    if kind != Distribution.Kind.GROUP_SALE or lot is None or jar_format is None:
        return Decimal("0")
    entry = price_for(prices, lot.recipe.code, jar_format.pk)
    if entry is None:
        return Decimal("0")
    if tier is not None:
        return tier_price(entry.price_eur, tier)
    return entry.social_price_eur if social and entry.social_price_eur is not None else entry.price_eur


def _line_specs(rows, form, prices) -> list[LineSpec]:
    kind, social = form.cleaned_data["kind"], form.cleaned_data.get("social_price", False)
    tier = form.cleaned_data.get("price_tier")
    return [
        LineSpec(
            lot=row.cleaned_data["lot"],
            jar_format=row.cleaned_data["jar_format"],
            quantity=row.cleaned_data["quantity"],
            unit_price_eur=_unit_price(row, kind, prices, social, tier),
        )
        for row in rows
    ]


def _price_script_data(territory, prices, tiers) -> dict:
    """What the sale form's script needs to show the list price as soon as a lot and a format are chosen."""
    lots = ProductionLot.objects.filter(territory=territory).select_related("recipe").values_list("pk", "recipe__code")
    return {
        "lots": {str(pk): code for pk, code in lots},
        "prices": {f"{code}|{fmt}": str(entry.price_eur) for (code, fmt), entry in prices.items()},
        "social": {
            f"{code}|{fmt}": str(entry.social_price_eur)
            for (code, fmt), entry in prices.items()
            if entry.social_price_eur is not None
        },
        "tiers": {str(tier.pk): str(tier.percent) for tier in tiers},
    }


def _stock_rows(territory) -> list[dict]:
    """Full jars on hand per location, lot and format, from the ledger (one query), each with `aside`: the jars a
    purchasing-group round holds there (stock/set_aside.py, one query), on the shelf but not free for this form."""
    rows = list(StockMovement.objects.filter(territory=territory).stock_by_location_and_lot())
    aside = set_aside_by_location_lot_format(territory)
    for row in rows:
        row["aside"] = aside.get((row["location_id"], row["lot_id"], row["jar_format_id"]), 0)
    return rows


def _lot_choices(territory, stock_rows, formset) -> list[tuple]:
    """The lots a line offers: those with full jars on hand (a lot with none cannot go out), newest first, read
    from the stock rows the page shows anyway (no query); and the lot a refused form had chosen, so that nothing
    typed is lost (one query then). Every lot of every season, three times over, was most of the page's time at
    ten seasons (issue 20). The form still checks a posted lot against every lot of the territory."""
    statuses = status_labels()
    labels = {
        row["lot_id"]: lot_label(row["lot__code"], row["lot__recipe__name"], row["lot__status"], statuses)
        for row in stock_rows
        if row["jars"] > 0
    }
    chosen = set()
    for row in formset.forms:
        value = row["lot"].value()
        if str(value or "").isdigit():
            chosen.add(int(value))
    missing = chosen - set(labels)
    if missing:
        for pk, code, recipe, status in ProductionLot.objects.filter(territory=territory, pk__in=missing).values_list(
            "pk", "code", "recipe__name", "status"
        ):
            labels[pk] = lot_label(code, recipe, status, statuses)
    blank = formset.forms[0].fields["lot"].empty_label if formset.forms else "---------"
    return [("", blank)] + [(pk, labels[pk]) for pk in sorted(labels, reverse=True)]


def _stock_script_data(rows) -> dict:
    return {f"{row['location_id']}|{row['lot_id']}|{row['jar_format_id']}": row["jars"] for row in rows}


# At most this many suggestions per search: enough to pick from, little personal data in one answer.
SEARCH_LIMIT = 20


@territory_view()
def participant_search(request, territory):
    """Participants whose first name contains the typed letters, or whose number it is (the sale form's
    suggestions, docs/architecture.md §2: first name, number and neighbourhood only, this territory only)."""
    q = request.GET.get("q", "").strip()[:60]
    results = []
    if q:
        match = Q(first_name__icontains=q)
        number = NUMBER_ONLY.match(q)
        if number:
            match |= Q(pk=int(number.group(1)))
        rows = (
            Participant.objects.filter(match, territory=territory, erased_at__isnull=True, merged_into__isnull=True)
            .order_by("first_name", "pk")
            .values_list("pk", "first_name", "neighbourhood")[:SEARCH_LIMIT]
        )
        results = [{"value": participant_label(first, pk, area)} for pk, first, area in rows]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


@territory_view()
def distribution_new(request, territory):
    data = request.POST if request.method == "POST" else None
    form = DistributionForm(data, territory=territory)
    prices = price_map(territory)
    formats = list(JarFormat.objects.filter(territory=territory).values_list("pk", flat=True)[:2])
    default_format = formats[0] if len(formats) == 1 else None  # the only format needs no choosing
    formset = LineFormSet(data, prefix="lines", form_kwargs={"territory": territory, "default_format": default_format})
    if data is not None and form.is_valid() and formset.is_valid():
        rows = [row for row in formset.forms if row.has_changed()]
        try:
            distribution = distribution_record(
                actor=request.user,
                territory=territory,
                lines=_line_specs(rows, form, prices),
                **{k: v for k, v in form.cleaned_data.items() if k != "social_price"},
            )
        except ValidationError as exc:
            for field, message in add_service_errors(form, exc):
                if field in LINE_FIELDS:
                    add_row_error(rows or formset.forms, field, message, key="lot")
                else:
                    form.add_error(None, message)
        else:
            messages.success(request, _("%(d)s enregistrée.") % {"d": distribution})
            return redirect("distribution:receipt", territory.slug, distribution.pk)
    stock_rows = _stock_rows(territory)
    # What the lists show, written once for every line; the field still validates on every lot.
    lot_choices = SharedOptions(_lot_choices(territory, stock_rows, formset))
    for row in formset.forms:
        row.fields["lot"].choices = lot_choices
    return render(
        request,
        "distribution/form.html",
        {
            "territory": territory,
            "form": form,
            "formset": formset,
            "price_data": _price_script_data(territory, prices, form.fields["price_tier"].queryset),
            "stock_rows": stock_rows,
            "stock_data": {
                "stock": _stock_script_data(stock_rows),
                "aside": {
                    f"{row['location_id']}|{row['lot_id']}|{row['jar_format_id']}": row["aside"]
                    for row in stock_rows
                    if row["aside"]
                },
                "label": _("En stock à l'emplacement choisi : %(n)s bocaux de ce lot et ce format"),
                "label_aside": _(
                    "En stock à l'emplacement choisi : %(n)s bocaux de ce lot et ce format, dont %(r)s réservés "
                    "pour une commande groupée : %(f)s libres"
                ),
            },
        },
        status=form_status(request),
    )


@territory_view()
def receipt(request, territory, pk):
    return _receipt_page(request, territory, pk)


def _receipt_page(request, territory, pk, reverse_form=None, status=200):
    distribution = get_object_or_404(
        Distribution.objects.select_related(
            "location", "participant", "structure", "workshop__site", "created_by", "price_tier__structure"
        ),
        territory=territory,
        pk=pk,
    )
    lines = list(distribution.lines.select_related("lot__recipe", "jar_format").order_by("id"))
    totals = {
        "jars": sum(line.quantity for line in lines),
        "price": sum((line.price_total_eur for line in lines), Decimal("0")),
        "deposit": sum((line.deposit_total_eur for line in lines), Decimal("0")),
        "credit": sum((line.credit_eur for line in lines), Decimal("0")),
    }
    totals["due"] = totals["price"] + totals["deposit"] - totals["credit"]
    if distribution.kind == Distribution.Kind.INTERNAL:
        prices = price_map(territory)
        entries = [price_for(prices, line.lot.recipe.code, line.jar_format_id) for line in lines]
        totals["estimated"] = sum(
            (line.quantity * entry.price_eur for line, entry in zip(lines, entries, strict=True) if entry),
            Decimal("0"),
        )
    is_coordinator = role_in(request.user, territory) == Role.COORDINATOR
    return render(
        request,
        "distribution/receipt.html",
        {
            "territory": territory,
            "d": distribution,
            # The seller named on the receipt is the legal person, never the convention between the centres
            # (arrêté n° 83-50/A du 3 octobre 1983, art. 3: name and address of the seller).
            "seller": LegalEntity.objects.filter(territory=territory).first(),
            "lines": lines,
            "totals": totals,
            "reversal": reversal_of(distribution),
            "may_reverse": is_coordinator,
            # The legal entity's page is the coordination's: an animator is told whom to ask instead of a link that
            # answers 403.
            "may_edit_entity": is_coordinator,
            "reverse_form": reverse_form or ReverseForm(),
        },
        status=status,
    )


@require_POST
@territory_view()
def reverse(request, territory, pk):
    """Cancel a distribution typed by mistake: reversing rows in the ledger, the receipt marked « annulée »."""
    distribution = get_object_or_404(Distribution, territory=territory, pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            distribution_reverse(actor=request.user, distribution=distribution, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(d)s annulée : les bocaux sont revenus en stock.") % {"d": distribution})
            return redirect("distribution:receipt", territory.slug, distribution.pk)
    return _receipt_page(request, territory, pk, reverse_form=form, status=422)
