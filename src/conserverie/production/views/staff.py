from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_row_error, add_service_errors, form_status, paginate, search_term
from conserverie.production.asof import then_and_now
from conserverie.production.forms import (
    BlockForm,
    CorrectiveActionForm,
    LotForm,
    PantryInputFormSet,
    RawInputFormSet,
    ReadingForm,
    RecallForm,
    ReleaseForm,
    SealCheckForm,
    StabilityResultForm,
    StabilityStartForm,
    production_day,
)
from conserverie.production.haccp import lot_add_reading, release_blockers
from conserverie.production.labels import DEFAULT_LAYOUT, DEFAULT_SHEET, LAYOUTS, SHEETS, LabelProblem, lot_labels_pdf
from conserverie.production.models import LotStatus, ProductionLot, StabilityResult
from conserverie.production.register import Period, register_lots, register_pdf, register_rows, register_xlsx
from conserverie.production.selectors import recall_of
from conserverie.production.services import (
    lot_block,
    lot_correct,
    lot_recall,
    lot_record,
    lot_release,
    lot_seal_check,
    may_decide_recall,
    recall_withdraw,
)
from conserverie.production.stability import jars_left, stability_record, stability_start, waiting_tests
from conserverie.production.trace import lot_backward, lots_sharing_raw_lots, recall_recovered
from conserverie.recipes.lethality import LOW_ACID
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import STAFF_ROLES, JarFormat, Location
from conserverie.territories.permissions import may_sign, plan_signers, role_in
from conserverie.territories.staff import territory_view

# Service error keys that belong to a row of a section of the lot form, not to one of its fields.
RAW_KEYS = ("raw_inputs", "kg")
PANTRY_KEYS = ("pantry_inputs",)


@territory_view()
def lot_list(request, territory):
    q = search_term(request)
    status = request.GET.get("status", "")
    rows = ProductionLot.objects.filter(territory=territory)
    if status in LotStatus.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(recipe__name__icontains=q))
    # The page's lots first (their ids), then the jars made and left of those 25 only: summing the ledger of every
    # lot of ten seasons to keep 25 was most of the page's time (10 × 10: 104 ms; docs/performance.md, k20).
    page = paginate(request, rows.order_by("-produced_on", "-id").values_list("pk", flat=True))
    page.object_list = list(
        ProductionLot.objects.filter(territory=territory, pk__in=list(page.object_list))
        .select_related("recipe", "workshop")
        .annotate(
            jars_made=Sum("movements__quantity", filter=Q(movements__kind=MovementKind.PRODUCED)),
            jars_left=Sum("movements__quantity"),
        )
        .order_by("-produced_on", "-id")
    )
    return render(
        request,
        "production/lots.html",
        {
            "territory": territory,
            "page": page,
            "q": q,
            "status": status,
            "statuses": LotStatus.choices,
            "waiting": waiting_tests(territory),
        },
    )


def _record(request, territory, form, raw_formset, pantry_formset):
    """Call the service; on refusal, put each message next to what it is about. Returns the lot or None."""
    raw_rows = [f for f in raw_formset.forms if f.has_changed()]
    pantry_rows = [f for f in pantry_formset.forms if f.has_changed()]
    try:
        return lot_record(
            actor=request.user,
            territory=territory,
            recipe=form.cleaned_data["recipe"],
            workshop=form.cleaned_data["workshop"],
            produced_on=form.cleaned_data["produced_on"],
            location=form.cleaned_data["location"],
            batches=form.cleaned_data["batches"],
            ph_measured=form.cleaned_data["ph_measured"],
            raw_inputs=[(f.cleaned_data["raw_lot"], f.cleaned_data["kg"]) for f in raw_rows],
            pantry_inputs=[(f.cleaned_data["pantry_lot"], f.cleaned_data["kg"]) for f in pantry_rows],
            outputs=form.outputs(),
            treatments=form.treatments(),
            substitutions={
                f.cleaned_data["raw_lot"].pk: f.cleaned_data["replaces"]
                for f in raw_rows
                if f.cleaned_data.get("replaces") is not None
            },
        )
    except ValidationError as exc:
        leftovers = add_service_errors(form, exc, aliases={"day": "produced_on"})
        for field, message in leftovers:
            if field in RAW_KEYS:
                add_row_error(raw_rows or raw_formset.forms, "kg", message, key="raw_lot")
            elif field in PANTRY_KEYS:
                add_row_error(pantry_rows or pantry_formset.forms, "kg", message, key="pantry_lot")
            else:
                form.section_errors.setdefault(field or "form", []).append(message)
        return None


@territory_view()
def lot_new(request, territory):
    data = request.POST if request.method == "POST" else None
    truck = Location.objects.filter(territory=territory, kind=Location.Kind.TRUCK).first()
    # The raw lots offered are those usable on the production day: the one posted, or the one the page was opened
    # for (?produced_on=…, set again by lot-form.js when the date changes), or today.
    day = production_day(data if data is not None else request.GET)
    initial = {"location": truck, "produced_on": day, "recipe": request.GET.get("recipe") or None}
    form = LotForm(data, territory=territory, initial=initial, day=day)
    form.section_errors = {}
    raw_formset = RawInputFormSet(data, prefix="raw", form_kwargs={"territory": territory, "day": day})
    pantry_formset = PantryInputFormSet(data, prefix="pantry", form_kwargs={"territory": territory})
    if data is not None and all([form.is_valid(), raw_formset.is_valid(), pantry_formset.is_valid()]):
        lot = _record(request, territory, form, raw_formset, pantry_formset)
        if lot is not None:
            messages.success(request, _("Lot %(code)s enregistré.") % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    unsigned = form.unsigned_plans()
    return render(
        request,
        "production/lot_form.html",
        {
            "territory": territory,
            "form": form,
            "raw_formset": raw_formset,
            "pantry_formset": pantry_formset,
            "readings_needed": form.readings_needed(),
            "unsigned_plans": unsigned,
            "plan_signers": plan_signers(territory) if unsigned else [],
        },
        status=form_status(request),
    )


def _lot_or_404(territory, code):
    return get_object_or_404(
        ProductionLot.objects.select_related("territory", "recipe", "workshop__site", "created_by"),
        territory=territory,
        code=code,
    )


def _render_detail(
    request,
    territory,
    lot,
    release_form=None,
    block_form=None,
    seal_form=None,
    correct_form=None,
    reading_form=None,
    stability_start_form=None,
    stability_result_form=None,
    status=200,
):
    ledger = StockMovement.objects.filter(lot=lot)
    stability_tests = list(lot.stability_tests.select_related("started_by", "examined_by"))
    outputs = (
        ledger.filter(kind=MovementKind.PRODUCED)
        .values("jar_format__name")
        .annotate(jars=Sum("quantity"))
        .order_by("jar_format__volume_ml")
    )
    return render(
        request,
        "production/lot_detail.html",
        {
            "territory": territory,
            "lot": lot,
            "trace": lot_backward(lot),
            "treatments": lot.treatments.select_related("jar_format", "operator"),
            "seal_checks": lot.seal_checks.select_related("checked_by"),
            "corrective_actions": lot.corrective_actions.select_related("done_by"),
            "may_check": lot.status != LotStatus.RECALLED,
            "may_correct": lot.status in (LotStatus.NON_CONFORMING, LotStatus.BLOCKED),
            "seal_form": seal_form or SealCheckForm(),
            "correct_form": correct_form or CorrectiveActionForm(),
            "missing": release_blockers(lot),
            "reading_form": reading_form or ReadingForm(lot=lot),
            "stability_tests": stability_tests,
            "stability_pending": next((t for t in stability_tests if t.result == StabilityResult.PENDING), None),
            "stability_start_form": stability_start_form or StabilityStartForm(),
            "stability_result_form": stability_result_form or StabilityResultForm(),
            "low_acid": lot.recipe_snapshot.get("category") == LOW_ACID,
            "recall_proposed": any(t.result == StabilityResult.FAILED for t in stability_tests)
            and lot.status != LotStatus.RECALLED
            and jars_left(lot),
            "outputs": outputs,
            "stock": ledger.stock_by_location_and_lot(),
            "totals": ledger.totals_by_kind(),
            "may_release": may_sign(request.user, territory, "lot.release")
            and lot.status not in (LotStatus.RELEASED, LotStatus.RECALLED),
            "may_block": lot.status not in (LotStatus.BLOCKED, LotStatus.RECALLED),
            "may_recall": may_decide_recall(request.user, territory) and lot.status != LotStatus.RECALLED,
            "release_form": release_form or ReleaseForm(),
            "block_form": block_form or BlockForm(),
            "sheets": SHEETS,
            "LotStatus": LotStatus,
        },
        status=status,
    )


@territory_view()
def lot_detail(request, territory, code):
    return _render_detail(request, territory, _lot_or_404(territory, code))


def _status_change(request, territory, code, form_class, service, done_message):
    lot = _lot_or_404(territory, code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            lot = service(actor=request.user, lot=lot, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done_message % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    forms = {"release_form": form} if form_class is ReleaseForm else {"block_form": form}
    return _render_detail(request, territory, lot, status=422, **forms)


@require_POST
@territory_view()
def lot_release_view(request, territory, code):
    return _status_change(request, territory, code, ReleaseForm, lot_release, _("Lot %(code)s libéré."))


@require_POST
@territory_view()
def lot_block_view(request, territory, code):
    return _status_change(request, territory, code, BlockForm, lot_block, _("Lot %(code)s bloqué."))


@require_POST
@territory_view()
def lot_seal_check_view(request, territory, code):
    lot = _lot_or_404(territory, code)
    form = SealCheckForm(request.POST)
    if form.is_valid():
        try:
            check = lot_seal_check(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            if check.passed:
                messages.success(request, _("Contrôle des fermetures enregistré : tout est bien fermé."))
            else:
                messages.warning(
                    request, _("Fermetures défaillantes : le lot est non conforme, enregistrez l'action corrective.")
                )
            return redirect("production:lot_detail", territory.slug, lot.code)
    return _render_detail(request, territory, lot, seal_form=form, status=422)


@require_POST
@territory_view()
def lot_correct_view(request, territory, code):
    lot = _lot_or_404(territory, code)
    form = CorrectiveActionForm(request.POST)
    if form.is_valid():
        try:
            lot_correct(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Action corrective enregistrée pour le lot %(code)s.") % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    return _render_detail(request, territory, lot, correct_form=form, status=422)


@require_POST
@territory_view()
def lot_stability_start_view(request, territory, code):
    """Sample jars of a low-acid lot go into the incubator (NF V08-408 practice)."""
    lot = _lot_or_404(territory, code)
    form = StabilityStartForm(request.POST)
    if form.is_valid():
        try:
            test = stability_start(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Bocaux en incubation jusqu'au %(d)s.") % {"d": f"{test.ends_on:%d/%m/%Y}"},
            )
            return redirect("production:lot_detail", territory.slug, lot.code)
    return _render_detail(request, territory, lot, stability_start_form=form, status=422)


@require_POST
@territory_view()
def lot_stability_result_view(request, territory, code):
    """The jars out of the incubator: stable, or the lot is blocked."""
    lot = _lot_or_404(territory, code)
    test = lot.stability_tests.filter(result=StabilityResult.PENDING).first()
    form = StabilityResultForm(request.POST)
    if test is None:
        form.is_valid()
        form.add_error(None, _("Aucun test de stabilité en incubation pour ce lot."))
    elif form.is_valid():
        try:
            test = stability_record(actor=request.user, test=test, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            if test.result == StabilityResult.PASSED:
                messages.success(request, _("Test de stabilité favorable."))
            else:
                messages.error(request, _("Test de stabilité défavorable : le lot est bloqué."))
            return redirect("production:lot_detail", territory.slug, lot.code)
    return _render_detail(request, territory, lot, stability_result_form=form, status=422)


@require_POST
@territory_view()
def lot_reading_view(request, territory, code):
    """A heat-treatment reading or a pH typed in after the lot (the release needs them)."""
    lot = _lot_or_404(territory, code)
    form = ReadingForm(request.POST, lot=lot)
    if form.is_valid():
        try:
            lot = lot_add_reading(
                actor=request.user, lot=lot, reading=form.reading(), ph_measured=form.cleaned_data["ph_measured"]
            )
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            record = lot.treatments.order_by("-pk").first() if form.reading() else None
            if record is not None and not record.within_limits:
                messages.warning(request, _("Relevé hors limites : le lot est non conforme."))
            elif lot.status == LotStatus.NON_CONFORMING:
                messages.warning(
                    request,
                    _("Relevé enregistré pour le lot %(code)s, qui reste non conforme : voir le motif.")
                    % {"code": lot.code},
                )
            else:
                messages.success(request, _("Relevé enregistré pour le lot %(code)s.") % {"code": lot.code})
            return redirect("production:lot_detail", territory.slug, lot.code)
    return _render_detail(request, territory, lot, reading_form=form, status=422)


@territory_view()
def lot_labels_view(request, territory, code):
    """The A4 sheet of jar labels of a lot, as a PDF download."""
    lot = _lot_or_404(territory, code)
    sheet = request.GET.get("sheet", DEFAULT_SHEET)
    layout = request.GET.get("layout", DEFAULT_LAYOUT)
    if sheet not in SHEETS or layout not in LAYOUTS:
        raise Http404
    if lot.status == LotStatus.RECALLED:
        # A recalled lot's jars are destroyed: new labels would only put them back on a shelf.
        messages.error(request, _("Le lot %(code)s est rappelé : pas de nouvelles étiquettes.") % {"code": lot.code})
        return redirect("production:lot_detail", territory.slug, lot.code)
    try:
        pdf = lot_labels_pdf(lot, sheet=sheet, layout=layout)
    except LabelProblem as exc:
        # Never a label with a mandatory particular cut off: say why, and which sheet or layout fits instead.
        messages.error(request, str(exc))
        return redirect("production:lot_detail", territory.slug, lot.code)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    suffix = "" if layout == DEFAULT_LAYOUT else "-recto-verso"
    response["Content-Disposition"] = f'attachment; filename="etiquettes-{lot.code}-{sheet}{suffix}.pdf"'
    return response


@territory_view()
def lot_recall_view(request, territory, code):
    """Before a recall: the form (coordinators). After: the recall sheet, whom to call and what to pull."""
    lot = _lot_or_404(territory, code)
    role = role_in(request.user, territory)
    recall = recall_of(lot)
    if recall is None:
        return _recall_form(request, territory, lot, role)
    lots = list(recall.lots.order_by("code"))
    return render(
        request,
        "production/recall_sheet.html",
        {
            "territory": territory,
            "lot": lot,
            "recall": recall,
            "lots": lots,
            "may_contact": role in STAFF_ROLES,
            "recovered": recall_recovered(recall),
            "states": then_and_now(lot),
        },
    )


def _recall_form(request, territory, lot, role):
    may_recall = may_decide_recall(request.user, territory) and lot.status != LotStatus.RECALLED
    user = request.user
    contact = ", ".join(p for p in (user.get_full_name() or user.get_username(), user.email) if p)
    form = RecallForm(request.POST if request.method == "POST" else None, initial={"contact": contact})
    if request.method == "POST":
        if not may_recall:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                lot_recall(
                    actor=request.user,
                    lot=lot,
                    reason=data["reason"],
                    include_sharing_raw_lots=data["include_shared"],
                    scope=data["scope"],
                    hazard=data["hazard"],
                    public_reason=data["public_reason"],
                    measures=data["measures"],
                    contact=data["contact"],
                )
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Lot %(code)s rappelé.") % {"code": lot.code})
                return redirect("production:lot_recall", territory.slug, lot.code)
    return render(
        request,
        "production/recall_form.html",
        {
            "territory": territory,
            "lot": lot,
            "form": form,
            "may_recall": may_recall,
            "shared": lots_sharing_raw_lots(lot).order_by("code").only("code", "status", "produced_on"),
        },
        status=form_status(request),
    )


@require_POST
@territory_view()
def recall_withdraw_view(request, territory, code):
    """Jars of a recalled lot pulled off one shelf: all of them, recorded as a discard naming the recall."""
    lot = _lot_or_404(territory, code)
    recall = recall_of(lot)
    if recall is None:
        raise Http404
    location = get_object_or_404(Location, territory=territory, pk=request.POST.get("location") or 0)
    jar_format = get_object_or_404(JarFormat, territory=territory, pk=request.POST.get("jar_format") or 0)
    jars = StockMovement.objects.filter(location=location, lot=lot, jar_format=jar_format).aggregate(n=Sum("quantity"))[
        "n"
    ]
    try:
        recall_withdraw(
            actor=request.user, recall=recall, lot=lot, jar_format=jar_format, location=location, quantity=jars or 0
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(n)s bocal(aux) du lot %(code)s retiré(s) de « %(loc)s ».")
            % {"n": jars, "code": lot.code, "loc": location},
        )
    return redirect("production:lot_recall", territory.slug, recall.lot.code)


def _period(request) -> tuple[Period, list[str]]:
    """The period asked for in ?from=&to= (ISO dates); by default, the current year to date."""
    today = timezone.localdate()
    start, end, errors = today.replace(month=1, day=1), today, []
    for param, label in (("from", "start"), ("to", "end")):
        raw = request.GET.get(param, "").strip()
        if not raw:
            continue
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("Date illisible : « %(v)s » (format AAAA-MM-JJ).") % {"v": raw[:20]})
            continue
        if label == "start":
            start = value
        else:
            end = value
    if end < start:
        errors.append(_("La fin de la période précède son début."))
        start, end = end, start
    return Period(start, end), errors


REGISTER_PER_PAGE = 25


@territory_view()
def register_view(request, territory):
    """The period's lots (the current year by default), 25 a page in the register's order: a season's 150 lots and
    their controls in one page took 200 ms of CPU to write and weighed on a tablet (issue 20). The PDF and the
    spreadsheet give the whole period in one file (what an inspector reads, Regulation (EC) 852/2004 art. 5(4))."""
    period, errors = _period(request)
    page = paginate(request, register_lots(territory, period), per_page=REGISTER_PER_PAGE)
    rows = register_rows(page.object_list)
    return render(
        request,
        "production/register.html",
        {
            "territory": territory,
            "period": period,
            "errors": errors,
            "rows": rows,
            "page": page,
            "query": request.GET.urlencode(),
        },
    )


def _register_file(request, territory, writer, content_type, extension):
    period, _errors = _period(request)
    content = writer(territory, period, register_rows(register_lots(territory, period)))
    response = HttpResponse(content, content_type=content_type)
    name = f"registre-haccp-{territory.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@territory_view()
def register_pdf_view(request, territory):
    return _register_file(request, territory, register_pdf, "application/pdf", "pdf")


@territory_view()
def register_xlsx_view(request, territory):
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _register_file(request, territory, register_xlsx, xlsx, "xlsx")
