"""The coordinator's pages on one person (issue 17): likely duplicates and their merge, the export of everything
held on a person (RGPD art. 15 and 20) and its erasure (art. 17). Coordinators of the territory only: anyone else,
and every other territory's people, get 404 (territories/staff.py)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import add_service_errors, form_status, paginate, search_term
from conserverie.people.audit import log_participant_read
from conserverie.people.merge import duplicates_proposed, merged_people, participant_merge, records_of
from conserverie.people.models import Participant
from conserverie.people.privacy import future_seats, participant_erase, person_export
from conserverie.territories.models import Role
from conserverie.territories.staff import territory_view

COORDINATION = (Role.COORDINATOR,)
PURPOSE_EXPORT = "export des données (droit d'accès)"


def _person(territory, pk):
    return get_object_or_404(Participant.objects.filter(territory=territory).select_related("household"), pk=pk)


@territory_view(roles=COORDINATION)
def duplicates(request, territory):
    """The likely duplicates, 20 pairs a page, each with why it is proposed and a link to compare and merge."""
    q = search_term(request)
    page = paginate(request, duplicates_proposed(territory=territory, q=q), per_page=20)
    return render(request, "people/duplicates.html", {"territory": territory, "page": page, "q": q})


class MergeForm(BoundedForm):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy("J'ai vérifié : ces deux fiches sont la même personne."),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la fusion.")},
    )


@territory_view(roles=COORDINATION)
def merge(request, territory):
    """The two records side by side, what the merge will move, and the confirmation (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    form = MergeForm(request.POST if request.method == "POST" else None, initial=source)
    try:
        keep_pk, duplicate_pk = int(source.get("keep", "")), int(source.get("duplicate", ""))
    except ValueError:
        return redirect("people:duplicates", territory.slug)
    keep, duplicate = _person(territory, keep_pk), _person(territory, duplicate_pk)
    if request.method == "POST" and form.is_valid():
        try:
            participant_merge(actor=request.user, territory=territory, keep=keep, duplicate=duplicate)
        except ValidationError as exc:
            add_service_errors(form, exc, {"duplicate": "confirm"})
        else:
            done = {"dup": duplicate.pk, "keep": keep.pk}
            messages.success(request, _("Fiches fusionnées : n° %(dup)s est maintenant n° %(keep)s.") % done)
            return redirect("participants:detail", territory.slug, keep.pk)
    return render(
        request,
        "people/merge.html",
        {
            "territory": territory,
            "form": form,
            "keep": keep,
            "duplicate": duplicate,
            "moves": records_of(duplicate),
            "same": keep.pk == duplicate.pk,
        },
        status=form_status(request),
    )


@territory_view(roles=COORDINATION)
def export(request, territory, pk):
    """Everything held on the person, as a JSON file to hand over (art. 15, 20); the reading is logged."""
    person = _person(territory, pk)
    data = person_export(person)
    log_participant_read(
        actor=request.user, territory=territory, participants=[person], fields=["export"], purpose=PURPOSE_EXPORT
    )
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="participant-{person.pk}-{day}.json"'
    return response


class EraseForm(BoundedForm):
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=250,
        required=False,
        help_text=gettext_lazy("Par exemple : demande de la personne le 12/03. N'écrivez pas son nom."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("J'ai compris : l'identité de cette personne sera effacée pour toujours."),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer l'effacement.")},
    )


@territory_view(roles=COORDINATION)
def erase(request, territory, pk):
    """What the erasure will do, then the erasure itself (POST, confirmed)."""
    person = _person(territory, pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant_erase(actor=request.user, participant=person, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc, {None: "confirm"})
        else:
            done = _("Identité effacée (n° %(pk)s). Les chiffres de la saison restent.") % {"pk": pk}
            messages.success(request, done)
            return redirect("participants:detail", territory.slug, pk)
    future = len(future_seats([person.pk, *merged_people(person)]))
    return render(
        request,
        "people/erase.html",
        {"territory": territory, "form": form, "p": person, "records": records_of(person), "future": future},
        status=form_status(request),
    )
