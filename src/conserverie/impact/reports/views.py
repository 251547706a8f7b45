"""The reports page: choose a period (and a funder), read the summary, download the PDF or the XLSX.

Viewers (board, funders) may open and download them: they hold no personal data and no group under 5
(docs/architecture.md §4.7).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from conserverie.core.exports import XLSX
from conserverie.impact.periods import Period
from conserverie.impact.reports.content import FUNDERS, KINDS, report_data, report_filename
from conserverie.impact.reports.content import report_pdf as build_pdf
from conserverie.impact.reports.xlsx import report_xlsx as build_xlsx
from conserverie.territories.models import REPORT_ROLES
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
