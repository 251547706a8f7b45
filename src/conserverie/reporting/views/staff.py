from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_GET

from conserverie.core.scoping import in_every_territory
from conserverie.figures.selectors import territory_figures
from conserverie.producers.models import SurplusOffer
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.reporting.audit_trail import audit_page
from conserverie.reporting.distribution_tables import group_table
from conserverie.reporting.forms import AuditFilterForm
from conserverie.sourcing.models import RawLot
from conserverie.sourcing.selectors import expiring_raw_lots
from conserverie.territories.models import REPORT_ROLES, STAFF_ROLES, Membership, Role, Territory, Training
from conserverie.territories.permissions import role_in
from conserverie.territories.staff import territory_view
from conserverie.workshops.models import Workshop


@require_GET
@in_every_territory  # the next workshops of every territory
def home(request):
    # With the places taken (one query): each workshop says its places left, or "Complet" (issue 19, item 7).
    upcoming = Workshop.objects.upcoming().with_counts().select_related("site", "structure", "territory")[:8]
    return render(request, "reporting/home.html", {"upcoming": upcoming})


@login_required
def workspace(request):
    territory = Territory.objects.for_user(request.user, REPORT_ROLES).first()
    if territory is None:
        roles = set(Membership.objects.filter(user=request.user).values_list("role", "producer_id"))
        if any(role == Role.PRODUCER and farm for role, farm in roles):
            return redirect("producer_space")
        if any(role == Role.VOLUNTEER for role, _farm in roles):
            return redirect("volunteer_space")
        return render(request, "reporting/no_territory.html", status=403)
    return redirect("reporting:dashboard", territory.slug)


@territory_view(roles=REPORT_ROLES)
def dashboard(request, territory):
    figures = territory_figures(territory)  # no dates: since the territory's first record (the page says so)
    # Staff act on raw produce about to spoil; board members and funders only read the figures.
    expiring, todo = None, []
    if role_in(request.user, territory) in STAFF_ROLES:
        expiring = expiring_raw_lots(territory, timezone.localdate()).count()
        todo = things_to_do(territory)
    context = {
        "territory": territory,
        "f": figures,
        "group": group_table(territory),  # the purchasing group per structure, masked as in the reports (issue 18)
        "expiring": expiring,
        "todo": todo,
        "today": timezone.localdate(),
    }
    return render(request, "reporting/dashboard.html", context)


def things_to_do(territory) -> list[dict]:
    """What staff have to act on now, each with its count and the page where it is done (issue 19, item 7):
    farm offers waiting for an answer, raw lots still holding kilos, production lots waiting for their result,
    food-safety trainings about to expire.
    One count query each, whatever the data."""
    items = [
        {
            "key": "offers",
            "count": SurplusOffer.objects.filter(territory=territory, status=SurplusOffer.Status.PROPOSED).count(),
            "label": ngettext_lazy(
                "%(n)s offre de ferme attend une réponse", "%(n)s offres de fermes attendent une réponse", "n"
            ),
            "url": reverse("producers:offers", args=[territory.slug]),
        },
        {
            "key": "raw_lots",
            "count": RawLot.objects.in_stock().filter(territory=territory).count(),
            "label": ngettext_lazy(
                "%(n)s lot brut encore en stock : le cuisiner, le donner ou noter la perte",
                "%(n)s lots bruts encore en stock : les cuisiner, les donner ou noter la perte",
                "n",
            ),
            "url": reverse("sourcing:raw_lots", args=[territory.slug]),
        },
        {
            "key": "lots",
            "count": ProductionLot.objects.filter(territory=territory, status=LotStatus.OPEN).count(),
            "label": ngettext_lazy(
                "%(n)s lot de bocaux attend son résultat (libération)",
                "%(n)s lots de bocaux attendent leur résultat (libération)",
                "n",
            ),
            "url": reverse("production:lots", args=[territory.slug]),
        },
    ]
    # A food-safety training about to expire: without it, nobody may sign a schedule or release a lot (issue 14).
    items.append(
        {
            "key": "trainings",
            "count": Training.objects.filter(territory=territory).expiring(timezone.localdate()).count(),
            "label": ngettext_lazy(
                "%(n)s formation expire dans moins de 60 jours", "%(n)s formations expirent dans moins de 60 jours", "n"
            ),
            "url": reverse("trainings:list", args=[territory.slug]),
        }
    )
    return [{**item, "text": item["label"] % {"n": item["count"]}} for item in items if item["count"]]


@require_GET
@territory_view(roles=(Role.COORDINATOR,))
def audit(request, territory):
    """Who did what and when on food-safety, stock, distribution and personal records (issue 9)."""
    form = AuditFilterForm(request.GET or None, territory=territory)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    person = filters.get("person")
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = None
    if not form.is_bound or form.is_valid():
        page = audit_page(
            territory,
            user_id=person.pk if person else None,
            kind=filters.get("kind", ""),
            since=filters.get("since"),
            until=filters.get("until"),
            page=number,
        )
    return render(request, "reporting/audit.html", {"territory": territory, "form": form, "page": page})
