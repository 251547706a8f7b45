"""Collection rounds: the list, planning a round, its page with the map, the driver's sheet and phone page."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, error_items, form_status, paginate, search_term
from conserverie.sourcing.rounds.forms import RoundFinishForm, RoundPlanForm, StopRecordForm
from conserverie.sourcing.rounds.models import CollectionRound, RoundStop
from conserverie.sourcing.rounds.services import (
    offer_prize,
    round_cancel,
    round_candidates,
    round_confirm,
    round_finish,
    round_plan,
    round_stop_record,
    urgency_weight,
)
from conserverie.sourcing.rounds.sheet import round_sheet_pdf
from conserverie.territories.models import Role
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view

COORDINATORS = (Role.COORDINATOR,)


def _rounds(territory):
    route = Q(stops__sequence__isnull=False)
    return (
        CollectionRound.objects.filter(territory=territory)
        .select_related("vehicle")
        .annotate(
            stop_count=Count("stops", filter=route),
            kg_planned=Sum("stops__planned_kg", filter=route),
            kg_weighed=Sum("stops__raw_lot__kg", filter=route),
        )
        .order_by("-date", "-pk")
    )


def get_round(territory, pk):
    """The round with its stops, farms, products and raw lots: a fixed number of queries."""
    collection_round = get_object_or_404(
        CollectionRound.objects.select_related("vehicle", "territory"), territory=territory, pk=pk
    )
    stops = list(
        RoundStop.objects.filter(collection_round=collection_round).select_related(
            "offer__producer", "offer__product", "raw_lot"
        )
    )
    collection_round.route = [stop for stop in stops if stop.sequence is not None]
    collection_round.skipped = [stop for stop in stops if stop.sequence is None]
    return collection_round


@territory_view()
def round_list(request, territory):
    q = search_term(request)
    status = request.GET.get("status", "")
    rows = _rounds(territory)
    if status in CollectionRound.Status.values:
        rows = rows.filter(status=status)
    if q:
        farms = RoundStop.objects.filter(offer__producer__name__icontains=q).values("collection_round")
        rows = rows.filter(Q(vehicle__name__icontains=q) | Q(pk__in=farms))
    return render(
        request,
        "sourcing/rounds/list.html",
        {
            "territory": territory,
            "page": paginate(request, rows),
            "q": q,
            "status": status,
            "status_choices": CollectionRound.Status.choices,
            "may_plan": role_in(request.user, territory) == Role.COORDINATOR,
        },
    )


def _day_of(data) -> date | None:
    try:
        return date.fromisoformat(data.get("day", ""))
    except ValueError:
        return None


@territory_view(roles=COORDINATORS)
def round_new(request, territory):
    # "Voir les offres de ce jour" posts the form with `preview`: it shows the day's offers and writes nothing. (It
    # was a GET of the same form, which put the CSRF token in the address: issue 17.) A link may still open a day
    # with ?day=….
    preview = request.method == "POST" and "preview" in request.POST
    data = request.POST if request.method == "POST" else (request.GET if "day" in request.GET else None)
    day = _day_of(data) if data is not None else None
    candidates = list(round_candidates(territory, day)) if day else []
    form = RoundPlanForm(data, territory=territory, candidates=candidates)
    leftovers = []
    if request.method == "POST" and not preview and form.is_valid():
        try:
            collection_round = round_plan(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            leftovers = add_service_errors(form, exc)
        else:
            messages.success(request, _("Tournée proposée : vérifiez-la sur la carte puis confirmez-la."))
            return redirect("rounds:detail", territory.slug, collection_round.pk)
    chosen = set(form["required"].value() or [])
    rows = [
        {
            "offer": offer,
            "weight": urgency_weight(offer, day),
            "prize": offer_prize(offer, day),
            "required": str(offer.pk) in chosen,
        }
        for offer in candidates
    ]
    return render(
        request,
        "sourcing/rounds/new.html",
        {"territory": territory, "form": form, "day": day, "rows": rows, "leftovers": [m for _f, m in leftovers]},
        status=200 if preview else form_status(request),
    )


def _map_data(collection_round) -> dict:
    territory = collection_round.territory
    return {
        "tiles": settings.MAP_TILE_URL,
        "depot": {"lat": float(territory.hub_lat), "lon": float(territory.hub_lon), "name": _("Dépôt")},
        "stops": [
            {
                "n": stop.sequence,
                "name": stop.offer.producer.name,
                "place": stop.offer.producer.commune,
                "lat": float(stop.offer.producer.lat),
                "lon": float(stop.offer.producer.lon),
                "arrival": stop.planned_arrival.strftime("%H:%M") if stop.planned_arrival else "",
            }
            for stop in collection_round.route
        ],
    }


@territory_view()
def round_detail(request, territory, pk):
    collection_round = get_round(territory, pk)
    return render(
        request,
        "sourcing/rounds/detail.html",
        {
            "territory": territory,
            "round": collection_round,
            "map_data": _map_data(collection_round),
            "may_plan": role_in(request.user, territory) == Role.COORDINATOR,
        },
    )


def _act(request, territory, pk, service, success: str):
    collection_round = get_object_or_404(CollectionRound, territory=territory, pk=pk)
    try:
        service(actor=request.user, collection_round=collection_round)
    except ValidationError as exc:
        for _field, message in error_items(exc):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("rounds:detail", territory.slug, pk)


@require_POST
@territory_view(roles=COORDINATORS)
def round_confirm_view(request, territory, pk):
    return _act(request, territory, pk, round_confirm, _("Tournée confirmée : les offres sont planifiées."))


@require_POST
@territory_view(roles=COORDINATORS)
def round_cancel_view(request, territory, pk):
    return _act(request, territory, pk, round_cancel, _("Tournée annulée : ses offres sont de nouveau à planifier."))


@territory_view()
def round_sheet(request, territory, pk):
    collection_round = get_round(territory, pk)
    response = HttpResponse(round_sheet_pdf(collection_round), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tournee-{collection_round.date:%Y-%m-%d}.pdf"'
    return response


def _record_stop(request, collection_round):
    """One stop's POST from the driver's page: the form with its errors, or None when recorded (or refused with a
    message at the top of the page)."""
    stop = next((s for s in collection_round.route if str(s.pk) == request.POST.get("stop")), None)
    form = StopRecordForm(request.POST, prefix=f"s{stop.pk}" if stop else None)
    if stop is None:
        messages.error(request, _("Cet arrêt ne fait pas partie de la tournée."))
        return None, None
    if form.is_valid():
        try:
            round_stop_record(
                actor=request.user, stop=stop, kg=form.cleaned_data["kg"], nothing=form.cleaned_data["nothing"]
            )
        except ValidationError as exc:
            leftovers = add_service_errors(form, exc)
            if not form.errors:
                # The stop is recorded already, or the round is no longer under way: its form is not on the
                # page any more, so the reason is said at the top of the page.
                for _field, message in leftovers:
                    messages.error(request, message)
                return stop, None
            for _field, message in leftovers:
                form.add_error(None, message)
        else:
            return stop, None
    return stop, form


@territory_view()
def round_driver(request, territory, pk):
    collection_round = get_round(territory, pk)
    failed = {}
    if request.method == "POST":
        stop, form = _record_stop(request, collection_round)
        if form is None:
            anchor = f"#arret-{stop.sequence}" if stop else ""
            return redirect(reverse("rounds:driver", args=[territory.slug, pk]) + anchor)
        failed[stop.pk] = form
    for stop in collection_round.route:
        stop.form = failed.get(stop.pk) or StopRecordForm(prefix=f"s{stop.pk}")
    all_done = all(stop.done for stop in collection_round.route)
    finish = RoundFinishForm(initial={"km": collection_round.planned_km})
    return render(
        request,
        "sourcing/rounds/driver.html",
        {"territory": territory, "round": collection_round, "all_done": all_done, "finish": finish},
        status=422 if failed else 200,
    )


@require_POST
@territory_view()
def round_finish_view(request, territory, pk):
    collection_round = get_object_or_404(CollectionRound, territory=territory, pk=pk)
    form = RoundFinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez les km parcourus."))
        return redirect("rounds:driver", territory.slug, pk)
    try:
        round_finish(actor=request.user, collection_round=collection_round, km=form.cleaned_data["km"])
    except ValidationError as exc:
        for _field, message in error_items(exc):
            messages.error(request, message)
        return redirect("rounds:driver", territory.slug, pk)
    messages.success(request, _("Tournée terminée. Merci !"))
    return redirect("rounds:detail", territory.slug, pk)
