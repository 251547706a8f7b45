"""The coordinator's second factor: set it up (QR code + a first code), then give a code after each login."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from conserverie.core import totp
from conserverie.core.forms import BoundedForm
from conserverie.core.models import TOTPDevice
from conserverie.core.pages import form_status
from conserverie.territories.models import Membership, Role


class CodeForm(BoundedForm):
    code = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def is_coordinator(user) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("La double authentification est proposée aux coordinateurs."))
    device = TOTPDevice.objects.filter(user=request.user).first()
    if device is not None and device.confirmed_at is not None:
        return render(request, "territories/totp_setup.html", {"device": device, "active": True})
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, secret=totp.new_secret())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(device, form.cleaned_data["code"]):
            device.confirmed_at = timezone.now()
            device.save(update_fields=["confirmed_at"])
            totp.mark_verified(request)
            return render(request, "territories/totp_setup.html", {"device": device, "active": True, "just_done": True})
        form.add_error("code", _("Ce code ne correspond pas. Vérifiez l'heure du téléphone et réessayez."))
    context = {"device": device, "form": form, "qr": totp.qr_data_uri(device), "secret": device.secret}
    return render(request, "territories/totp_setup.html", context, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    destination = totp.safe_next(request, "/espace/")
    if not request.session.get(totp.REQUIRED) or request.session.get(totp.VERIFIED):
        return redirect(destination)
    device = TOTPDevice.objects.filter(user=request.user, confirmed_at__isnull=False).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device is not None and totp.verify(device, form.cleaned_data["code"]):
            request.session.cycle_key()
            totp.mark_verified(request)
            return redirect(destination)
        form.add_error("code", _("Ce code ne correspond pas, ou il a déjà servi. Attendez le suivant."))
    return render(
        request,
        "territories/totp_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=form_status(request),
    )
