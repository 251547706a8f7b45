"""The distribution report (bilan des cessions): tables on the page, each one as CSV or XLSX."""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from conserverie.core.exports import table_csv, table_xlsx
from conserverie.economics.selectors import season_of
from conserverie.reporting.distribution_tables import REPORTS, all_tables
from conserverie.reporting.forms import ReportPeriodForm
from conserverie.territories.models import REPORT_ROLES
from conserverie.territories.staff import territory_view


@territory_view(roles=REPORT_ROLES)
def report(request, territory):
    form = ReportPeriodForm(request.GET or None)
    date_from, date_to = form.dates()
    season = season_of()
    return render(
        request,
        "reporting/distribution_report.html",
        {
            "territory": territory,
            "tables": all_tables(territory, date_from, date_to),
            "form": form,
            "query": request.GET.urlencode(),
            "date_from": date_from,
            "date_to": date_to,
            "season": season,
            "is_season": (date_from, date_to) == season,
            "all_seasons": date_from is None and date_to is None,
        },
    )


@territory_view(roles=REPORT_ROLES)
def report_export(request, territory, key, ext):
    if key not in REPORTS or ext not in ("csv", "xlsx"):
        raise Http404
    form = ReportPeriodForm(request.GET or None)
    date_from, date_to = form.dates()
    if form.errors:  # a file is never silently made for a period other than the one asked for
        reasons = "; ".join(f"{form.fields[name].label} : {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(reasons, content_type="text/plain; charset=utf-8")
    table = REPORTS[key](territory, date_from, date_to)
    period = "-".join(d.isoformat() for d in (date_from, date_to) if d)
    filename = f"{territory.slug}-{key}" + (f"-{period}" if period else "")
    return (table_csv if ext == "csv" else table_xlsx)(table, filename)
