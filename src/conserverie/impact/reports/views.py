"""The reports page: choose a period (and a funder), read the summary, download the PDF or the XLSX.

Viewers (board, funders) may open and download them: they hold no personal data and no group under 5
(docs/architecture.md §4.7).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from conserverie.core.exports import XLSX
from conserverie.core.pages import add_service_errors, form_status
from conserverie.impact.forms import ContractIndicatorForm, ContractSignOffForm
from conserverie.impact.periods import Period
from conserverie.impact.reports.content import FUNDERS, KINDS, report_data, report_filename
from conserverie.impact.reports.content import report_pdf as build_pdf
from conserverie.impact.reports.xlsx import report_xlsx as build_xlsx
from conserverie.impact.services import contract_indicator_remove, contract_indicator_set, contract_signoff_record
from conserverie.territories.models import REPORT_ROLES, Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view


def _period(request) -> tuple[Period, str]:
    """The requested period (`periode`), or the current year with a French reason when it is unreadable."""
    key = request.GET.get("periode", "").strip()
    if not key:
        return Period.current_year(), ""
    try:
        return Period.parse(key), ""
    except ValueError as exc:
        return Period.current_year(), str(exc)


def _funder(request) -> str:
    funder = request.GET.get("pour", "")
    return funder if funder in FUNDERS else ""


@territory_view(roles=REPORT_ROLES)
def reports(request, territory):
    period, error = _period(request)
    funder = _funder(request)
    data = report_data(territory, period, "utilite-sociale")
    before = {d.dimension.pk: d.score for d in (data.flower.previous.dimensions if data.flower.previous else [])}
    return render(
        request,
        "impact/reports/index.html",
        {
            "territory": territory,
            "period": period,
            "period_error": error,
            "funder": funder,
            "funders": list(FUNDERS.items()),
            "kinds": list(KINDS.items()),
            "data": data,
            "petals": [(petal, before.get(petal.dimension.pk)) for petal in data.flower.dimensions],
            "query": f"periode={period.key}" + (f"&pour={funder}" if funder else ""),
            "may_edit": role_in(request.user, territory) == Role.COORDINATOR,
        },
        status=422 if error else 200,
    )


def _data(request, territory, kind):
    if kind not in KINDS:
        raise Http404
    period, error = _period(request)
    if error:
        raise Http404(error)
    return report_data(territory, period, kind, _funder(request) if kind == "activite" else "")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@territory_view(roles=REPORT_ROLES)
def report_pdf(request, territory, kind):
    data = _data(request, territory, kind)
    return _attachment(build_pdf(data), "application/pdf", report_filename(data, "pdf"))


@territory_view(roles=REPORT_ROLES)
def report_xlsx(request, territory, kind):
    data = _data(request, territory, kind)
    return _attachment(build_xlsx(data), XLSX, report_filename(data, "xlsx"))


@territory_view(roles=(Role.COORDINATOR,))
def contract(request, territory):
    """The Contrat d'impact social: which indicators it pays on (threshold, target, payment) and the evaluator's
    sign-off of a period. Coordinators only; the report itself is the funders' report « pour : CIS »."""
    from conserverie.impact.models import ContractIndicator, ContractSignOff

    period, _error = _period(request)
    term_form = ContractIndicatorForm(
        request.POST if "term" in request.POST else None, territory=territory, prefix="term"
    )
    sign_form = ContractSignOffForm(
        request.POST if "sign" in request.POST else None, prefix="sign", initial={"periode": period.key}
    )
    if request.method == "POST":
        form = term_form if "term" in request.POST else sign_form
        if form.is_valid():
            try:
                if form is term_form:
                    contract_indicator_set(actor=request.user, territory=territory, **form.cleaned_data)
                else:
                    data = dict(form.cleaned_data)
                    contract_signoff_record(actor=request.user, territory=territory, period=data.pop("periode"), **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Contrat enregistré."))
                return redirect(request.get_full_path())
    data = report_data(territory, period, "activite", "cis")
    terms = (
        ContractIndicator.objects.filter(territory=territory)
        .select_related("indicator")
        .order_by("indicator__dimension__order", "indicator__order", "pk")
    )
    return render(
        request,
        "impact/reports/contract.html",
        {
            "territory": territory,
            "period": period,
            "report": data.contract,
            "rows": list(zip(data.contract.rows, terms, strict=True)),
            "signoffs": ContractSignOff.objects.filter(territory=territory).order_by("-signed_on", "pk")[:10],
            "term_form": term_form,
            "sign_form": sign_form,
        },
        status=form_status(request),
    )


@territory_view(roles=(Role.COORDINATOR,))
def contract_term_delete(request, territory, pk):
    from conserverie.impact.models import ContractIndicator

    term = get_object_or_404(ContractIndicator, territory=territory, pk=pk)
    if request.method == "POST":
        contract_indicator_remove(actor=request.user, term=term)
        messages.success(request, _("Indicateur retiré du contrat."))
    return redirect("surveys:contract", territory.slug)
