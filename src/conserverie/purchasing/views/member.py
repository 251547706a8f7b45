"""The members' space on a phone, under /groupement/ (docs/purchasing-en.md): no password. A member signs in with
a link sent by e-mail (signed, valid 30 minutes) or with the code given at the desk (kept hashed, valid 60 days);
both forms are rate-limited per address and per contact in the shared store (core/ratelimit.py). The session then
holds the member's id; every page runs in the member's territory (docs/architecture.md §8)."""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.pages import add_service_errors, form_status
from conserverie.core.ratelimit import hit, ratelimit, too_many_requests
from conserverie.core.scoping import every_territory, territory_scope
from conserverie.people.phones import email_normalise
from conserverie.purchasing.forms import QuantitiesForm
from conserverie.purchasing.models import GroupMember, Order, Round
from conserverie.purchasing.public_forms import CodeLoginForm, EmailLoginForm, JoinForm
from conserverie.purchasing.selectors import round_items
from conserverie.purchasing.services import (
    member_by_desk_code,
    member_sign_up,
    member_stop_messages,
    order_set,
    unit_price_for,
)
from conserverie.territories.models import Structure

SESSION_KEY = "group_member"
LINK_SALT = "conserverie.purchasing.login_link"
LINK_MAX_AGE = 30 * 60


def _sign_in(request, member: GroupMember) -> None:
    request.session.cycle_key()  # a new session id at sign-in: no fixation
    request.session[SESSION_KEY] = member.pk


def member_view(view):
    """The signed-in member (active, not erased), or the login page; the view runs in the member's territory."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        pk = request.session.get(SESSION_KEY)
        member = None
        if pk:
            with every_territory():
                member = (
                    GroupMember.objects.filter(
                        pk=pk, status=GroupMember.Status.ACTIVE, participant__erased_at__isnull=True
                    )
                    .select_related("participant", "structure", "territory", "price_tier")
                    .first()
                )
        if member is None:
            request.session.pop(SESSION_KEY, None)
            return redirect("purchasing_public:login")
        with territory_scope(member.territory):
            return view(request, member, *args, **kwargs)

    return wrapper


def login_link(member: GroupMember) -> str:
    token = signing.dumps({"m": member.pk}, salt=LINK_SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("purchasing_public:link", args=[token])


def _send_links(email: str) -> None:
    with every_territory():
        members = list(
            GroupMember.objects.filter(
                participant__email__iexact=email, status=GroupMember.Status.ACTIVE, participant__erased_at__isnull=True
            )
            .select_related("structure")
            .order_by("pk")
        )
    if not members:
        return
    with translation.override("fr"):
        links = "\n".join(f"{m.structure.name} : {login_link(m)}" for m in members)
        body = _(
            "Bonjour,\n\nPour ouvrir votre espace du groupement d'achat, touchez ce lien (valable 30 minutes) :\n"
            "%(links)s\n\nSi vous n'avez rien demandé, ne faites rien.\n\nL'équipe de la conserverie"
        ) % {"links": links}
        send_mail(_("Votre lien pour commander"), body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)


@ratelimit("member_login")
def login(request):
    email_form = EmailLoginForm(request.POST if request.POST.get("form") == "email" else None, auto_id="e_%s")
    code_form = CodeLoginForm(request.POST if request.POST.get("form") == "code" else None, auto_id="c_%s")
    sent = False
    if request.method == "POST" and email_form.is_bound and email_form.is_valid():
        email = email_normalise(email_form.cleaned_data["email"])
        allowed, retry = hit("member_login_contact", hashlib.sha256(email.encode()).hexdigest()[:32])
        if not allowed:
            return too_many_requests(request, retry)
        _send_links(email)
        sent = True  # the same answer whether the address is known or not
    elif request.method == "POST" and code_form.is_bound and code_form.is_valid():
        with every_territory():
            member = member_by_desk_code(code_form.cleaned_data["code"])
        if member is not None:
            _sign_in(request, member)
            return redirect("purchasing_public:space")
        code_form.add_error("code", _("Ce code ne marche pas. Vérifiez-le ou demandez-en un nouveau au centre social."))
    return render(
        request,
        "purchasing/public/login.html",
        {"email_form": email_form, "code_form": code_form, "sent": sent},
        status=422 if (email_form.errors or code_form.errors) else 200,
    )


@ratelimit("member_login", methods=("GET",))
def link(request, token):
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("Ce lien n'est plus valable : demandez-en un nouveau."))
        return redirect("purchasing_public:login")
    with every_territory():
        member = (
            GroupMember.objects.filter(
                pk=data.get("m"), status=GroupMember.Status.ACTIVE, participant__erased_at__isnull=True
            )
            .order_by("pk")
            .first()
        )
    if member is None:
        messages.error(request, _("Ce lien n'est plus valable : demandez-en un nouveau."))
        return redirect("purchasing_public:login")
    _sign_in(request, member)
    return redirect("purchasing_public:space")


@require_POST
def logout(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("purchasing_public:login")


def _priced(items, member):
    return [{"item": item, "price": unit_price_for(item, member)} for item in items]


@member_view
def space(request, member):
    """The member's rounds: the open ones with the order form, the closed ones to collect, the past orders."""
    rounds = list(
        Round.objects.filter(structure=member.structure, status__in=(Round.Status.OPEN, Round.Status.CLOSED)).order_by(
            "pickup_day", "pk"
        )
    )
    orders = {
        o.round_id: o
        for o in Order.objects.filter(member=member, round__in=rounds).prefetch_related("lines").order_by("pk")
    }
    blocks = []
    for the_round in rounds:
        items = round_items(the_round)
        order = orders.get(the_round.pk)
        current = {line.item_id: line.quantity for line in order.lines.all()} if order else {}
        block = {"round": the_round, "order": order, "items": _priced(items, member), "current": current}
        if the_round.is_open and the_round.closes_at > timezone.now():
            block["form"] = QuantitiesForm(items=items, current=current, auto_id=f"r{the_round.pk}_%s")
        blocks.append(block)
    past = (
        Order.objects.filter(member=member, status__in=(Order.Status.COLLECTED, Order.Status.UNCOLLECTED))
        .select_related("round")
        .order_by("-round__pickup_day", "-pk")[:10]
    )
    return render(request, "purchasing/public/space.html", {"member": member, "blocks": blocks, "past": list(past)})


@require_POST
@member_view
def stop_messages(request, member):
    member_stop_messages(member=member)
    messages.success(request, _("C'est noté : vous ne recevrez plus de messages du groupement d'achat."))
    return redirect("purchasing_public:space")


@require_POST
@member_view
def order(request, member, pk):
    the_round = get_object_or_404(Round, structure=member.structure, pk=pk)
    items = round_items(the_round)
    form = QuantitiesForm(request.POST, items=items, auto_id=f"r{the_round.pk}_%s")
    if form.is_valid():
        try:
            order_set(actor=None, the_round=the_round, member=member, quantities=form.quantities())
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Votre commande est enregistrée. Vous pouvez la changer jusqu'à la fin des commandes.")
            )
            return redirect("purchasing_public:space")
    block = {"round": the_round, "items": _priced(items, member), "form": form, "current": {}}
    return render(
        request,
        "purchasing/public/space.html",
        {"member": member, "blocks": [block], "past": []},
        status=form_status(request),
    )


@ratelimit("signup")
def join(request, pk):
    """A household asks to join the group of a structure; the staff validate it and choose the tier."""
    with every_territory():
        structure = get_object_or_404(Structure.objects.select_related("territory"), pk=pk)
    with territory_scope(structure.territory):
        form = JoinForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                member_sign_up(territory=structure.territory, structure=structure, **form.cleaned_data)
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                return render(request, "purchasing/public/joined.html", {"structure": structure})
        return render(
            request, "purchasing/public/join.html", {"structure": structure, "form": form}, status=form_status(request)
        )
