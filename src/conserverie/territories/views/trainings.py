"""The staff's trainings: who is trained, until when, the 60-day warning, and the form to record one."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.forms import BoundedForm
from conserverie.core.pages import DateInput, add_service_errors, form_status
from conserverie.territories.models import STAFF_ROLES, Membership, Training, TrainingKind
from conserverie.territories.permissions import may
from conserverie.territories.staff import territory_view
from conserverie.territories.trainings import EXPIRY_WARNING_DAYS, training_record, training_state


class TrainingForm(BoundedForm):
    user = forms.ModelChoiceField(label=gettext_lazy("Personne"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Formation"), choices=[("", "—"), *TrainingKind.choices])
    obtained_on = forms.DateField(label=gettext_lazy("Suivie le"), widget=DateInput)
    organisation = forms.CharField(label=gettext_lazy("Organisme"), max_length=120)
    expires_on = forms.DateField(
        label=gettext_lazy("Valable jusqu'au"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Vide : sans date de fin."),
    )
    certificate = forms.FileField(label=gettext_lazy("Attestation (PDF, JPEG, PNG)"), required=False, max_length=200)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(territory=territory, role__in=STAFF_ROLES).values("user_id")
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=members).order_by("username")


@territory_view()
def training_list(request, territory):
    today = timezone.localdate()
    manage = may(request.user, territory, "training.manage")
    form = None
    if manage:
        form = TrainingForm(
            request.POST or None, request.FILES or None, territory=territory, initial={"kind": TrainingKind.HACCP}
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                training_record(
                    actor=request.user,
                    territory=territory,
                    user=d["user"],
                    kind=d["kind"],
                    obtained_on=d["obtained_on"],
                    organisation=d["organisation"],
                    expires_on=d["expires_on"],
                    certificate=d["certificate"],
                )
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Formation enregistrée."))
                return redirect("trainings:list", territory.slug)
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    rows = [
        (t, training_state(t, today))
        for t in Training.objects.filter(territory=territory)
        .select_related("user")
        .order_by("user__username", "-obtained_on")
    ]
    return render(
        request,
        "territories/trainings.html",
        {
            "territory": territory,
            "rows": rows,
            "form": form,
            "warning_days": EXPIRY_WARNING_DAYS,
            "expiring": [t for t, state in rows if state == "expiring"],
        },
        status=form_status(request),
    )
