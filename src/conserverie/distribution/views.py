from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from conserverie.core.pages import add_row_error, add_service_errors, form_status, paginate, search_term
from conserverie.core.staff import territory_view
from conserverie.stock.models import JarFormat

from .forms import DistributionForm, LineFormSet
from .models import Distribution, DistributionLine
from .services import LineSpec, distribution_record

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
    rows = (
        rows.select_related("location", "participant", "structure", "workshop")
        .annotate(
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
            "page": paginate(request, rows),
            "totals": totals,
        },
    )


def _line_specs(rows) -> list[LineSpec]:
    return [
        LineSpec(
            lot=row.cleaned_data["lot"],
            jar_format=row.cleaned_data["jar_format"],
            quantity=row.cleaned_data["quantity"],
            unit_price_eur=row.cleaned_data["unit_price_eur"],
        )
        for row in rows
    ]


@territory_view()
def distribution_new(request, territory):
    data = request.POST if request.method == "POST" else None
    form = DistributionForm(data, territory=territory)
    formats = list(JarFormat.objects.filter(territory=territory).values_list("pk", flat=True)[:2])
    default_format = formats[0] if len(formats) == 1 else None  # the only format needs no choosing
    formset = LineFormSet(data, prefix="lines", form_kwargs={"territory": territory, "default_format": default_format})
    if data is not None and form.is_valid() and formset.is_valid():
        rows = [row for row in formset.forms if row.has_changed()]
        try:
            distribution = distribution_record(
                actor=request.user, territory=territory, lines=_line_specs(rows), **form.cleaned_data
            )
        except ValidationError as exc:
            for field, message in add_service_errors(form, exc):
                if field in LINE_FIELDS:
                    add_row_error(rows or formset.forms, field, message, key="lot")
                else:
                    form.add_error(None, message)
        else:
            messages.success(request, _("%(d)s enregistrée.") % {"d": distribution})
            return redirect("distribution:list", territory.slug)
    return render(
        request,
        "distribution/form.html",
        {"territory": territory, "form": form, "formset": formset},
        status=form_status(request),
    )
