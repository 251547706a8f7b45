"""The distribution report (bilan des cessions): tables on the page, each one as CSV or XLSX."""

from datetime import date

from django.http import Http404
from django.shortcuts import render

from conserverie.core.exports import table_csv, table_xlsx
from conserverie.reporting.distribution_tables import REPORTS, all_tables
from conserverie.territories.models import REPORT_ROLES
from conserverie.territories.staff import territory_view


def _day(request, name) -> date | None:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _period(request):
    return _day(request, "from"), _day(request, "to")


@territory_view(roles=REPORT_ROLES)
def report(request, territory):
    date_from, date_to = _period(request)
    return render(
        request,
        "reporting/distribution_report.html",
        {
            "territory": territory,
            "tables": all_tables(territory, date_from, date_to),
            "date_from": date_from,
            "date_to": date_to,
            "query": request.GET.urlencode(),
        },
    )


@territory_view(roles=REPORT_ROLES)
def report_export(request, territory, key, ext):
    if key not in REPORTS or ext not in ("csv", "xlsx"):
        raise Http404
    date_from, date_to = _period(request)
    table = REPORTS[key](territory, date_from, date_to)
    period = "-".join(d.isoformat() for d in (date_from, date_to) if d)
    filename = f"{territory.slug}-{key}" + (f"-{period}" if period else "")
    return (table_csv if ext == "csv" else table_xlsx)(table, filename)
