"""The public « Vos données » page: what a sign-up keeps, why, for how long, and the person's rights (RGPD art. 13,
docs/architecture.md §2 and §7). Public: French, English, Arabic and Turkish (core/languages.py, view « privacy »)."""

from django.conf import settings
from django.shortcuts import render

from conserverie.territories.models import Territory


def privacy(request):
    """Each territory's controller (its organisation and address); `?t=<id>` (the sign-up form's link) shows the
    territory of the workshop only. One query, whatever the number of territories."""
    territories = list(Territory.objects.order_by("name").only("name", "organisation", "address"))
    chosen = request.GET.get("t", "")
    if chosen.isdigit():
        territories = [t for t in territories if t.pk == int(chosen)] or territories
    return render(
        request,
        "people/privacy.html",
        {"territories": territories, "months": settings.PARTICIPANT_RETENTION_MONTHS},
    )
