"""Forward traceability pages: a farm's produce to every recipient, and a recall's contact list as CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from conserverie.distribution.forms import FarmTraceForm
from conserverie.distribution.recall_notice import notice_pdf, rappelconso_json, rappelconso_text, recall_notice
from conserverie.distribution.trace import lots_forward, producer_forward, write_contacts_csv
from conserverie.production.models import ProductionLot
from conserverie.production.selectors import recall_of
from conserverie.territories.staff import territory_view


@territory_view()
def recall_contacts_csv(request, territory, code):
    """The recall's contact list, for a spreadsheet or a phone session (coordinators and animators only)."""
    recall = recall_of(get_object_or_404(ProductionLot, territory=territory, code=code))
    if recall is None:
        raise Http404
    contacts = lots_forward(recall.lots.values("id")).contacts()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rappel-{recall.lot.code}-contacts.csv"'
    write_contacts_csv(response, contacts)
    return response


def _recall_or_404(territory, code):
    recall = recall_of(get_object_or_404(ProductionLot, territory=territory, code=code))
    if recall is None:
        raise Http404
    return recall


def _notice_file(request, territory, code, write, content_type, filename):
    """A recall's document for the authorities, always in French (the DDPP and RappelConso read French)."""
    recall = _recall_or_404(territory, code)
    with translation.override("fr"):
        content = write(recall_notice(recall, base_url=request.build_absolute_uri("/")[:-1]))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename % {"code": recall.lot.code}}"'
    return response


@territory_view()
def recall_notice_pdf(request, territory, code):
    """The notification of the recall to the DDPP (Regulation (EC) 178/2002 art. 19), as a PDF (staff only)."""
    return _notice_file(request, territory, code, notice_pdf, "application/pdf", "notification-ddpp-%(code)s.pdf")


@territory_view()
def recall_rappelconso(request, territory, code):
    """The fields of the RappelConso declaration, as a text to copy from."""
    return _notice_file(
        request, territory, code, rappelconso_text, "text/plain; charset=utf-8", "rappelconso-%(code)s.txt"
    )


@territory_view()
def recall_rappelconso_json(request, territory, code):
    return _notice_file(
        request, territory, code, rappelconso_json, "application/json; charset=utf-8", "rappelconso-%(code)s.json"
    )


@territory_view()
def farm_trace(request, territory):
    """Forward trace from a farm and a collection period: raw lots → production lots → recipients and stock."""
    form = FarmTraceForm(request.GET or None, territory=territory)
    trace = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        trace = producer_forward(d["producer"], d["date_from"], d["date_to"])
    return render(
        request,
        "distribution/farm_trace.html",
        {"territory": territory, "form": form, "trace": trace, "contacts": trace.contacts() if trace else []},
        status=422 if form.is_bound and not form.is_valid() else 200,
    )
