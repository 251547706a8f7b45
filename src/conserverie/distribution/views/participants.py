"""The participants' registry for the territory's staff: search, one page per person, volunteer hours.

Household size and priority area describe a household's social situation: each page that shows them logs the
reading (`log_participant_read`), one row per participant shown. Producers, viewers and other territories get 404.
"""

import contextlib

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import (
    DateInput,
    FastSelect,
    KgInput,
    add_service_errors,
    form_status,
    paginate,
    search_term,
)
from conserverie.distribution.models import DistributionLine
from conserverie.distribution.selectors import with_deposit_balance
from conserverie.people.audit import SOCIAL_FIELDS, log_participant_read
from conserverie.people.models import ConsentScope, ErasureRecord, Participant
from conserverie.people.phones import phone_normalise
from conserverie.people.privacy import priority_source
from conserverie.territories.models import PriorityArea
from conserverie.territories.permissions import may
from conserverie.territories.staff import territory_view
from conserverie.workshops.models import Registration, VolunteerHours, Workshop
from conserverie.workshops.volunteers import (
    hours_by_person_and_season,
    season_totals,
    smic_hourly,
    volunteer_hours_record,
    volunteer_seasons,
)

PURPOSE_LIST = "registre des participants"
PURPOSE_DETAIL = "fiche participant"


def _count(queryset, field="pk"):
    total = (
        queryset.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(n=Count(field))
        .values("n")[:1]
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def registry_rows(territory):
    """The territory's participants with their deposit balance and participation, in one query per page."""
    live = Registration.objects.live()
    # A QPV from the household's own declared neighbourhood, never from the site of a workshop.
    listed_qpv = PriorityArea.objects.filter(territory=territory, name__iexact=OuterRef("neighbourhood"))
    last = (
        live.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(last=Max("workshop__starts_at"))
        .values("last")[:1]
    )
    people = Participant.objects.filter(territory=territory).select_related("household")
    return with_deposit_balance(people).annotate(
        registrations_n=_count(live),
        attended_n=_count(live.filter(attended=True)),
        last_workshop=Subquery(last),
        listed_priority=Exists(listed_qpv),
    )


def _search(rows, q: str):
    if not q:
        return rows
    match = Q(first_name__icontains=q) | Q(neighbourhood__icontains=q) | Q(phone__icontains=q) | Q(email__icontains=q)
    digits = "".join(q.split()).replace(".", "")
    if digits.lstrip("+").isdigit():  # phones are stored in E.164: "06 12" finds "+33612…", "00 42" "…0042"
        match |= Q(phone__icontains=digits)
        if digits.startswith("0") and len(digits) > 1:
            match |= Q(phone__startswith="+33" + digits[1:])
        with contextlib.suppress(ValidationError):
            match |= Q(phone=phone_normalise(q))
    if q.lstrip("#").isdigit():
        match |= Q(pk=int(q.lstrip("#")))
    return rows.filter(match)


@territory_view()
def participant_list(request, territory):
    q = search_term(request)
    which = request.GET.get("qui", "")
    rows = _search(Participant.objects.filter(territory=territory), q)
    # A merged duplicate is one person with the record kept (docs/privacy-en.md): listed only when asked for.
    rows = rows.filter(merged_into__isnull=which != "fusionnes")
    if which == "actifs":
        rows = rows.filter(erased_at__isnull=True)
    elif which == "effaces":
        rows = rows.filter(erased_at__isnull=False)
    # The page's people first, then their balance and participation for those only (issue 20: the subqueries
    # of `registry_rows` ran for every participant of the territory before the sort kept one page).
    page = paginate(request, rows.order_by("first_name", "pk").values_list("pk", flat=True))
    page.object_list = list(registry_rows(territory).filter(pk__in=list(page.object_list)).order_by("first_name", "pk"))
    log_participant_read(
        actor=request.user,
        territory=territory,
        participants=page.object_list,
        fields=list(SOCIAL_FIELDS),
        purpose=PURPOSE_LIST,
    )
    return render(
        request,
        "distribution/participants/list.html",
        {
            "territory": territory,
            "page": page,
            "q": q,
            "which": which,
            "filters": [
                ("actifs", _("Non effacés")),
                ("effaces", _("Effacés")),
                ("fusionnes", _("Doublons fusionnés")),
            ],
            "may_merge": may(request.user, territory, "participant.merge"),
        },
    )


@territory_view()
def participant_detail(request, territory, pk):
    participant = get_object_or_404(registry_rows(territory), pk=pk)
    registrations = list(
        participant.registrations.select_related("workshop__site").order_by("-workshop__starts_at", "-pk")
    )
    lines = (
        DistributionLine.objects.filter(distribution__participant=participant, distribution__territory=territory)
        .select_related("distribution", "lot", "jar_format")
        .order_by("-distribution__date", "-pk")
    )
    consents = {c.scope: c for c in participant.consents.all()}
    attended_sites = [r.workshop.site for r in registrations if r.attended and not r.is_cancelled]
    log_participant_read(
        actor=request.user,
        territory=territory,
        participants=[participant],
        fields=list(SOCIAL_FIELDS),
        purpose=PURPOSE_DETAIL,
    )
    return render(
        request,
        "distribution/participants/detail.html",
        {
            "territory": territory,
            "p": participant,
            "registrations": registrations,
            "outings": participant.gleaning_registrations.select_related("outing__producer").order_by("-outing__date"),
            "lines": lines,
            "consents": [(scope, label, consents.get(scope)) for scope, label in ConsentScope.choices],
            "priority_source": priority_source(participant, attended_sites),
            "hours": VolunteerHours.objects.filter(participant=participant).select_related("workshop"),
            "erasure": ErasureRecord.objects.filter(participant=participant).select_related("erased_by").first(),
            "today": timezone.localdate(),
            "may_erase": may(request.user, territory, "participant.erase"),
            "may_export": may(request.user, territory, "participant.export"),
        },
    )


def person_label(first_name: str, pk: int) -> str:
    return f"{first_name} #{pk}"


class PersonChoices(forms.models.ModelChoiceIterator):
    """Every participant of the territory (a thousand at ten seasons) as (id, first name) rows, not models: the same
    options (docs/performance.md, f21); the chosen one is still fetched as a model by the field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, first_name in self.queryset.values_list("pk", "first_name"):
            yield (pk, person_label(first_name, pk))


class PersonChoiceField(forms.ModelChoiceField):
    widget = FastSelect
    iterator = PersonChoices

    def label_from_instance(self, obj):
        return person_label(obj.first_name, obj.pk)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class VolunteerHoursForm(BoundedForm):
    participant = PersonChoiceField(
        label=gettext_lazy("Participant"), queryset=Participant.objects.none(), required=False
    )
    user = AccountChoiceField(
        label=gettext_lazy("ou personne avec un compte"), queryset=get_user_model().objects.none(), required=False
    )
    workshop = forms.ModelChoiceField(
        label=gettext_lazy("Atelier (si besoin)"), queryset=Workshop.objects.none(), required=False
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    hours = forms.DecimalField(
        label=gettext_lazy("Heures"), max_digits=4, decimal_places=2, widget=KgInput(attrs={"step": "0.25"})
    )
    activity = forms.CharField(label=gettext_lazy("Activité"), max_length=120)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(
            territory=territory, erased_at__isnull=True
        ).order_by("first_name", "pk")
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__territory=territory, is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["workshop"].queryset = Workshop.objects.filter(
            territory=territory, starts_at__lte=timezone.now()
        ).order_by("-starts_at")[:60]


ALL_SEASONS = "all"


def _volunteer_season(request) -> int | None:
    """The season the hours page shows: the year asked for, every season (None) for "all", else the current season
    (the calendar year, as the distribution report; ten seasons of everyone's hours made the page slow, f21)."""
    asked = request.GET.get("season", "")
    if asked == ALL_SEASONS:
        return None
    if asked.isdigit() and len(asked) == 4 and int(asked) >= 1:  # a date's year: "0000" or "12345" is junk
        return int(asked)
    return timezone.localdate().year


@territory_view()
def volunteers(request, territory):
    form = VolunteerHoursForm(request.POST or None, territory=territory, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            row = volunteer_hours_record(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as exc:
            for _field, message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("%(h)s h notées pour %(p)s.") % {"h": row.hours, "p": row.participant or row.user}
            )
            return redirect("participants:volunteers", territory.slug)
    seasons = volunteer_seasons(territory)
    season = _volunteer_season(request)
    rows = hours_by_person_and_season(territory, season)
    q = search_term(request)
    shown = [row for row in rows if q.casefold() in row["name"].casefold()] if q else rows
    offered = {*seasons, timezone.localdate().year, *([season] if season else [])}  # the one asked is shown chosen
    return render(
        request,
        "distribution/participants/volunteers.html",
        {
            "territory": territory,
            "form": form,
            "season": season,
            "all_seasons": season is None,
            "season_choices": [
                (str(year), _("Saison %(year)s") % {"year": year}) for year in sorted(offered, reverse=True)
            ]
            + [(ALL_SEASONS, _("Toutes les saisons"))],
            "season_value": ALL_SEASONS if season is None else str(season),
            "q": q,
            "page": paginate(request, shown),
            "seasons": season_totals(rows),
            "smic": smic_hourly(),
            "recent": VolunteerHours.objects.filter(territory=territory).select_related(
                "participant", "user", "workshop"
            )[:20],
        },
        status=form_status(request),
    )
