from django.shortcuts import render

from conserverie.core.staff import territory_view


@territory_view()
def list(request, territory):
    return render(request, "core/placeholder.html", {"territory": territory})
