"""The network view (issue #8, item 5): for a federation or a funder, the territories they may read side by side.

Only aggregated figures and flowers (docs/architecture.md §2 viewers): no personal data, and a count of people under
5 is not shown
(docs/architecture.md §4.7). A fixed number of queries whatever the number of territories shown and the size of their
seasons (issue 20): every figure and every flower is read for all the territories at once, grouped by territory.

Paged (issue 20, n21): at most PER_PAGE territories a page, ordered by name, with a search by name. The figures and
flowers are read for the page's territories only, so a page costs the same for a federation of 8 as of 100
(nobody reads 100 flowers on one screen).
"""

import unicodedata

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from conserverie.core.pages import paginate
from conserverie.core.scoping import in_every_territory, territory_scope
from conserverie.impact.periods import Period
from conserverie.impact.scores import flower_batch, territories_flowers
from conserverie.impact.svg import flower_svg
from conserverie.territories.models import REPORT_ROLES, Territory

SMALL_GROUP = 5
# Eight: a page of twelve took 150-220 ms CPU at 100 territories × 10 seasons (docs/performance.md, "The network
# view at 100 × 10"); eight columns also stay readable side by side on a laptop.
PER_PAGE = 8
QUERY_MAX = 100


def _people(count: int):
    """A count of people, or None when it would single out a group smaller than 5 (docs/architecture.md §4.7)."""
    return count if count >= SMALL_GROUP else None


def _folded(text: str) -> str:
    """Lower case without accents: « drome » finds « Drôme »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _columns(territories, period: Period) -> list[dict]:
    """The figures and the flower of each territory of the page, read together (a fixed number of queries)."""
    if not territories:
        return []
    with territory_scope(territories):
        batch = flower_batch(territories, period)  # the figures are read once, for the columns and the flowers
        flowers = territories_flowers(territories, period, batch)
        all_figures = {tid: figures[0] for tid, figures in batch.figures.items()}
    columns = []
    for territory in territories:
        figures, flower = all_figures[territory.pk], flowers[territory.pk]
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
    return columns


@login_required
@in_every_territory  # the territories the person reads, side by side; each column in its own territory's scope
def network(request):
    readable = list(Territory.objects.for_user(request.user, REPORT_ROLES).order_by("name", "pk"))
    if not readable:
        raise Http404
    try:
        period = Period.parse(request.GET.get("periode", "")) if request.GET.get("periode") else Period.current_year()
    except ValueError as exc:
        period, error = Period.current_year(), str(exc)
    else:
        error = ""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    if query:
        wanted = _folded(query)
        shown = [t for t in readable if wanted in _folded(t.name)]
    else:
        shown = readable
    # Paged in Python: the readable territories are already read (one query) and there are at most a few hundred.
    page = paginate(request, shown, PER_PAGE)
    return render(
        request,
        "reporting/network.html",
        {
            "columns": _columns(list(page.object_list), period),
            "page": page,
            "query": query,
            "readable": len(readable),
            "period": period,
            "period_error": error,
            "small_group": SMALL_GROUP,
            "title": _("Réseau"),
        },
    )
