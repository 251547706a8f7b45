"""The network view (issue #8, item 5): for a federation or a funder, the territories they may read side by side.

Only aggregated figures and flowers (docs/architecture.md §2 viewers): no personal data, and a count of people under
5 is not shown
(docs/architecture.md §4.7). The work grows with the number of territories shown, never with the size of their seasons.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from conserverie.core.scoping import in_every_territory, territory_scope
from conserverie.figures.selectors import territory_figures
from conserverie.impact.periods import Period
from conserverie.impact.scores import territory_flower
from conserverie.impact.svg import flower_svg
from conserverie.territories.models import REPORT_ROLES, Territory

SMALL_GROUP = 5


def _people(count: int):
    """A count of people, or None when it would single out a group smaller than 5 (docs/architecture.md §4.7)."""
    return count if count >= SMALL_GROUP else None


@login_required
@in_every_territory  # the territories the person reads, side by side; each column in its own territory's scope
def network(request):
    territories = list(Territory.objects.for_user(request.user, REPORT_ROLES).order_by("name"))
    if not territories:
        raise Http404
    try:
        period = Period.parse(request.GET.get("periode", "")) if request.GET.get("periode") else Period.current_year()
    except ValueError as exc:
        period, error = Period.current_year(), str(exc)
    else:
        error = ""
    columns = []
    for territory in territories:
        with territory_scope(territory):
            figures = territory_figures(territory, date_from=period.start, date_to=period.end)
            flower = territory_flower(territory, period)
            svg = flower_svg(flower, previous=flower.previous, size=300, id_prefix=f"fleur-{territory.slug}")
        columns.append(
            {
                "territory": territory,
                "figures": figures,
                "households": _people(figures.households),
                "participants": _people(figures.participants),
                "svg": svg,
                "has_flower": bool(flower.dimensions),
            }
        )
    return render(
        request,
        "reporting/network.html",
        {"columns": columns, "period": period, "period_error": error, "small_group": SMALL_GROUP, "title": _("Réseau")},
    )
