"""The staff pages of the purchasing group, under /t/<slug>/groupement/ (coordinators and animators)."""

import contextlib
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.distribution.selectors import with_deposit_balance
from conserverie.people.audit import log_participant_read
from conserverie.people.models import Participant
from conserverie.people.phones import phone_normalise
from conserverie.production.models import ProductionLot
from conserverie.purchasing import notify
from conserverie.purchasing.forms import HandOverForm, MemberEditForm, MemberForm, RoundForm, StaffOrderForm
from conserverie.purchasing.models import GroupMember, Order, Round
from conserverie.purchasing.pickup_sheet import pickup_sheet_pdf
from conserverie.purchasing.selectors import (
    catalogue_candidates,
    members_of,
    round_items,
    round_orders,
    rounds_with_counts,
    stocked_location,
)
from conserverie.purchasing.services import (
    ItemSpec,
    member_add,
    member_desk_code,
    member_update,
    member_validate,
    order_set,
    pickup_hand_over,
    round_cancel,
    round_close,
    round_finish,
    round_open,
    unit_price_for,
)
from conserverie.territories.models import JarFormat, Location
from conserverie.territories.staff import territory_view


@territory_view()
def round_list(request, territory):
    page = paginate(request, rounds_with_counts(territory))
    pending = GroupMember.objects.filter(territory=territory, status=GroupMember.Status.PENDING).count()
    return render(request, "purchasing/rounds.html", {"territory": territory, "page": page, "pending": pending})


MEMBER_FILTERS = GroupMember.Status.choices


def _members_found(request, territory):
    """The members list's search (first name, number or phone) and status filter."""
    q, status = search_term(request), request.GET.get("statut", "")
    members = members_of(territory)
    if q:
        found = Q(participant__first_name__icontains=q)
        digits = q.lstrip("#+").replace(" ", "").replace(".", "")
        if digits.isdigit() and len(digits) < 9:  # a person's number, as shown "#12"
            found |= Q(participant_id=int(digits))
        elif digits.isdigit():  # a phone number, stored as E.164
            with contextlib.suppress(ValidationError):
                found |= Q(participant__phone=phone_normalise(q))
        members = members.filter(found)
    if status in GroupMember.Status.values:
        members = members.filter(status=status)
    return q, status, members


@territory_view()
def member_list(request, territory):
    form = MemberForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_add(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"household_size": "household_size"})
        else:
            messages.success(request, _("%(name)s est membre du groupement.") % {"name": member.participant.first_name})
            return redirect("purchasing:member", territory.slug, member.pk)
    q, status, members = _members_found(request, territory)
    page = paginate(request, members)
    log_participant_read(
        actor=request.user,
        territory=territory,
        participants=[m.participant for m in page.object_list],
        fields=["first_name", "household"],
        purpose="purchasing group members",
    )
    return render(
        request,
        "purchasing/members.html",
        {"territory": territory, "page": page, "form": form, "q": q, "status": status, "filters": MEMBER_FILTERS},
        status=form_status(request),
    )


@territory_view()
def member_detail(request, territory, pk):
    member = get_object_or_404(
        GroupMember.objects.select_related("participant__household", "structure", "price_tier"),
        territory=territory,
        pk=pk,
    )
    form = MemberEditForm(
        request.POST if request.method == "POST" and request.POST.get("form") == "edit" else None,
        member=member,
        initial={"price_tier": member.price_tier, "notify_email": member.notify_email, "notify_sms": member.notify_sms},
    )
    code = None
    if request.method == "POST":
        action = request.POST.get("form")
        try:
            if action == "edit" and form.is_valid():
                if member.status == GroupMember.Status.PENDING:
                    member_validate(actor=request.user, member=member, price_tier=form.cleaned_data["price_tier"])
                member_update(actor=request.user, member=member, **form.cleaned_data)
                messages.success(request, _("Membre enregistré."))
                return redirect("purchasing:member", territory.slug, member.pk)
            if action == "leave":
                member_update(
                    actor=request.user,
                    member=member,
                    price_tier=member.price_tier,
                    notify_email=False,
                    notify_sms=False,
                    leave=True,
                )
                messages.success(request, _("Ce membre a quitté le groupement."))
                return redirect("purchasing:members", territory.slug)
            if action == "code":
                code = member_desk_code(actor=request.user, member=member)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                messages.error(request, message)
    log_participant_read(
        actor=request.user,
        territory=territory,
        participants=[member.participant],
        fields=["first_name", "phone", "email", "household"],
        purpose="purchasing group member",
    )
    orders = (
        Order.objects.filter(member=member)
        .select_related("round", "distribution")
        .order_by("-round__pickup_day", "-pk")[:20]
    )
    return render(
        request,
        "purchasing/member.html",
        {"territory": territory, "member": member, "form": form, "code": code, "orders": list(orders)},
        status=form_status(request) if form.errors else 200,
    )


def _catalogue_from_post(request, candidates) -> tuple[list, list]:
    """The items typed on the new round page: (ItemSpec list, errors)."""
    lots = {c["lot_id"] for c in candidates}
    lot_rows = {lot.pk: lot for lot in ProductionLot.objects.filter(pk__in=lots).order_by("pk")}
    formats = {f.pk: f for f in JarFormat.objects.filter(pk__in={c["jar_format_id"] for c in candidates}).order_by()}
    items, errors = [], []
    for c in candidates:
        key = f"{c['lot_id']}_{c['jar_format_id']}"
        raw_n = (request.POST.get(f"n_{key}") or "").strip()
        if not raw_n or raw_n == "0":
            continue
        try:
            n = int(raw_n)
            price = Decimal((request.POST.get(f"p_{key}") or "").replace(",", ".").strip())
        except (ValueError, InvalidOperation):
            errors.append(_("Lot %(lot)s : indiquez un nombre de bocaux et un prix.") % {"lot": c["lot__code"]})
            continue
        items.append(ItemSpec(lot_rows[c["lot_id"]], formats[c["jar_format_id"]], n, price))
    return items, errors


@territory_view()
def round_new(request, territory):
    form = RoundForm(request.POST or None, territory=territory, initial=request.GET or None)
    location_id = request.POST.get("location") or request.GET.get("location")
    location = Location.objects.filter(territory=territory, pk=location_id).first() if location_id else None
    if location is None:
        location = stocked_location(territory) or Location.objects.filter(territory=territory).order_by("name").first()
        form.initial["location"] = location
    candidates = catalogue_candidates(territory, location) if location else []
    catalogue_errors = []
    if request.method == "POST" and request.POST.get("show") is None and form.is_valid():
        items, catalogue_errors = _catalogue_from_post(request, candidates)
        if not catalogue_errors:
            data = form.cleaned_data
            try:
                the_round = round_open(
                    actor=request.user,
                    territory=territory,
                    structure=data["structure"],
                    title=data["title"],
                    location=data["location"],
                    closes_at=timezone.make_aware(datetime.combine(data["closes_day"], data["closes_time"])),
                    pickup_place=data["pickup_place"],
                    pickup_day=data["pickup_day"],
                    pickup_start=data["pickup_start"],
                    pickup_end=data["pickup_end"],
                    items=items,
                )
            except ValidationError as exc:
                catalogue_errors = [m for _f, m in add_service_errors(form, exc, aliases={"closes_at": "closes_day"})]
            else:
                sent = notify.round_opened(the_round)
                messages.success(request, _("Commande groupée ouverte ; %(n)s membre(s) prévenu(s).") % {"n": sent})
                return redirect("purchasing:round", territory.slug, the_round.pk)
    return render(
        request,
        "purchasing/round_new.html",
        {
            "territory": territory,
            "form": form,
            "location": location,
            "candidates": candidates,
            "catalogue_errors": catalogue_errors,
            "posted": request.POST,
        },
        status=form_status(request) if request.method == "POST" and request.POST.get("show") is None else 200,
    )


def _round(territory, pk) -> Round:
    return get_object_or_404(Round.objects.select_related("structure", "location"), territory=territory, pk=pk)


def _order_rows(orders, items):
    """Each order with its lines priced for its member and its total (deposit apart)."""
    rows = []
    for order in orders:
        lines = []
        for line in order.lines.all():
            price = unit_price_for(line.item, order.member)
            lines.append(
                {
                    "line": line,
                    "price": price,
                    "total": price * line.quantity,
                    "deposit": line.item.jar_format.deposit_eur * line.quantity,
                }
            )
        rows.append(
            {
                "order": order,
                "lines": lines,
                "jars": sum(line["line"].quantity for line in lines),
                "total": sum((line["total"] for line in lines), Decimal("0")),
                "deposit": sum((line["deposit"] for line in lines), Decimal("0")),
            }
        )
    return rows


@territory_view()
def round_detail(request, territory, pk):
    the_round = _round(territory, pk)
    items = round_items(the_round)
    form = None
    if the_round.is_open:
        form = StaffOrderForm(request.POST or None, the_round=the_round, items=items)
        if request.method == "POST" and form.is_valid():
            try:
                order_set(
                    actor=request.user,
                    the_round=the_round,
                    member=form.cleaned_data["member"],
                    quantities=form.quantities(),
                )
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Commande enregistrée."))
                return redirect("purchasing:round", territory.slug, the_round.pk)
    elif request.method == "POST":
        raise Http404
    orders = round_orders(the_round)
    return render(
        request,
        "purchasing/round.html",
        {
            "territory": territory,
            "round": the_round,
            "items": items,
            "rows": _order_rows(orders, items),
            "form": form,
        },
        status=form_status(request),
    )


@require_POST
@territory_view()
def round_act(request, territory, pk, act):
    the_round = _round(territory, pk)
    service = {"clore": round_close, "terminer": round_finish, "annuler": round_cancel}.get(act)
    if service is None:
        raise Http404
    try:
        the_round = service(actor=request.user, the_round=the_round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("purchasing:round", territory.slug, the_round.pk)
    if act == "clore":
        sent = notify.orders_ready(the_round)
        messages.success(
            request, _("Commandes closes : la liste de retrait est prête ; %(n)s membre(s) prévenu(s).") % {"n": sent}
        )
        return redirect("purchasing:pickup", territory.slug, the_round.pk)
    if act == "terminer":
        messages.success(request, _("Commande groupée terminée : les bocaux non retirés sont de nouveau en stock."))
    else:
        messages.success(request, _("Commande groupée annulée."))
    return redirect("purchasing:round", territory.slug, the_round.pk)


@territory_view()
def pickup_pdf(request, territory, pk):
    """The pick-up list of the slot as a PDF (page numbers and print date on every sheet)."""
    the_round = _round(territory, pk)
    if the_round.status == Round.Status.OPEN:
        messages.info(request, _("Clôturez d'abord les commandes pour faire la liste de retrait."))
        return redirect("purchasing:round", territory.slug, the_round.pk)
    orders = round_orders(the_round, statuses=(Order.Status.READY, Order.Status.COLLECTED, Order.Status.UNCOLLECTED))
    response = HttpResponse(pickup_sheet_pdf(the_round, orders), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="retrait-{the_round.pickup_day:%Y-%m-%d}-{the_round.pk}.pdf"'
    return response


@territory_view()
def pickup(request, territory, pk):
    """The tablet page of the slot: each member's order, tick what is handed over, the payment, the empty jars."""
    the_round = _round(territory, pk)
    if the_round.status == Round.Status.OPEN:
        messages.info(request, _("Clôturez d'abord les commandes pour faire la liste de retrait."))
        return redirect("purchasing:round", territory.slug, the_round.pk)
    orders = round_orders(the_round, statuses=(Order.Status.READY, Order.Status.COLLECTED, Order.Status.UNCOLLECTED))
    failed = None
    if request.method == "POST":
        order = next((o for o in orders if str(o.pk) == request.POST.get("order")), None)
        if order is None:
            raise Http404
        form = HandOverForm(request.POST, order=order, auto_id=f"o{order.pk}_%s")
        if form.is_valid():
            empties = form.cleaned_data.get("empties") or 0
            first_format = order.lines.all()[0].item.jar_format_id if order.lines.all() else None
            try:
                pickup_hand_over(
                    actor=request.user,
                    order=order,
                    handed=form.handed(),
                    payment_mode=form.cleaned_data["payment_mode"],
                    empties={first_format: empties} if empties and first_format else {},
                    use_credit=form.cleaned_data.get("use_credit", False),
                )
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc, aliases={"quantity": "payment_mode"}):
                    form.add_error(None, message)
                failed = form
            else:
                messages.success(
                    request, _("Commande de %(name)s remise.") % {"name": order.member.participant.first_name}
                )
                return redirect("purchasing:pickup", territory.slug, the_round.pk)
        else:
            failed = form
    rows = _order_rows(orders, None)
    # Each member's deposit credit, for the orders still to hand over (one query).
    waiting = [row["order"].member.participant_id for row in rows if row["order"].status == Order.Status.READY]
    credits = (
        dict(with_deposit_balance(Participant.objects.filter(pk__in=waiting)).values_list("pk", "credit").order_by())
        if waiting
        else {}
    )
    for row in rows:
        order = row["order"]
        row["credit"] = credits.get(order.member.participant_id)
        if failed is not None and failed.lines and failed.lines[0].order_id == order.pk:
            row["form"] = failed
        elif order.status == Order.Status.READY:
            row["form"] = HandOverForm(order=order, auto_id=f"o{order.pk}_%s")
    return render(
        request,
        "purchasing/pickup.html",
        {
            "territory": territory,
            "round": the_round,
            "rows": rows,
            "left": sum(1 for r in rows if r["order"].status == Order.Status.READY),
            "print": request.GET.get("imprimer") == "1",
        },
        status=form_status(request),
    )
