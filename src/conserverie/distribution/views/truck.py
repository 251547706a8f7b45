"""The truck's sending point: the tablet's queue of acts (JSON), or one form of the truck page without JavaScript."""

import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.distribution.models import TruckAction
from conserverie.distribution.truck import truck_sync
from conserverie.territories.staff import territory_view
from conserverie.workshops.models import Workshop

FORM_FIELDS = (
    "registration",
    "attended",
    "first_name",
    "household_size",
    "neighbourhood",
    "who",
    "lot",
    "line",
    "jar_format",
    "quantity",
    "location",
    "keep_as_credit",
    "temperature_c",
    "minutes",
    "ph",
)


def _from_form(post) -> list:
    """A form of the truck page posted without JavaScript: one act, its id made when the page was drawn."""
    data = {key: post.get(key) for key in FORM_FIELDS if key in post}
    return [{"id": post.get("id") or str(uuid.uuid4()), "kind": post.get("kind"), "data": data}]


@require_POST
@territory_view()
def sync(request, territory, pk):
    workshop = get_object_or_404(Workshop.objects.select_related("territory"), pk=pk, territory=territory)
    as_json = request.content_type == "application/json"
    if as_json:
        try:
            actions = json.loads(request.body or b"{}").get("actions")
        except (ValueError, AttributeError):
            return JsonResponse({"error": _("Envoi illisible.")}, status=400)
    else:
        actions = _from_form(request.POST)
    try:
        results = truck_sync(actor=request.user, workshop=workshop, actions=actions)
    except ValidationError as exc:
        if as_json:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("workshops:truck", territory.slug, pk)
    if as_json:
        return JsonResponse({"results": [result.as_dict() for result in results]})
    for result in results:
        if result.status == TruckAction.Status.DONE:
            messages.success(request, _("Enregistré."))
        else:
            messages.error(request, _("Refusé : %(why)s") % {"why": result.message})
    return redirect("workshops:truck", territory.slug, pk)
