"""The second factor's pages: set it up (QR code, a first code, ten recovery codes), then a code after each login.

Who may or must use it: territories/two_factor.py; the devices, the encryption and the lockout: core/two_factor.py.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from conserverie.core import two_factor
from conserverie.core.forms import BoundedForm
from conserverie.core.models import SecurityEvent
from conserverie.core.pages import form_status
from conserverie.territories import two_factor as gate


class CodeForm(BoundedForm):
    code = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "form-control-lg",
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Le code a 6 chiffres, sans lettre."))
        return code


class RecoveryForm(BoundedForm):
    code = forms.CharField(
        label=gettext_lazy("Code de secours"),
        max_length=20,
        help_text=gettext_lazy("10 lettres et chiffres, par exemple « 7kq2m-x9dfa » (le tiret est facultatif)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "autofocus": True, "class": "form-control-lg"}
        ),
    )

    def clean_code(self):
        code = two_factor.normalise_recovery_code(self.cleaned_data["code"])
        if len(code) != 10:
            raise forms.ValidationError(_("Un code de secours a 10 lettres et chiffres."))
        return code


def _locked_message(until) -> str:
    return _(
        "Trop de codes faux : pour protéger votre compte, la saisie des codes est bloquée jusqu'à %(time)s. "
        "Un e-mail vous a prévenu."
    ) % {"time": timezone.localtime(until).strftime("%H:%M")}


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Set up the authenticator app; once active, the page says since when and how many recovery codes are left."""
    if not gate.may_use(request.user):
        raise PermissionDenied(_("La double authentification est proposée à l'équipe (coordination, animation)."))
    device = two_factor.authenticator_of(request.user)
    if device is not None:
        context = {"device": device, "active": True, "left": two_factor.recovery_codes_left(request.user)}
        return render(request, "territories/totp_setup.html", context)
    device = two_factor.start_setup(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = two_factor.replace_recovery_codes(request.user)
            two_factor.record(request.user, SecurityEvent.Kind.ENABLED)
            gate.mark_done(request)
            context = {"device": device, "active": True, "just_done": True, "codes": codes}
            return render(request, "territories/totp_setup.html", context)
        form.add_error("code", _("Ce code ne correspond pas. Vérifiez l'heure du téléphone et réessayez."))
    context = {
        "device": device,
        "form": form,
        "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_base32(device),
        "required": gate.must_use(request.user),
    }
    return render(request, "territories/totp_setup.html", context, status=form_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Ten new recovery codes (the old ones stop working), shown once."""
    if two_factor.authenticator_of(request.user) is None:
        return redirect("territories:totp_setup")
    if request.method == "POST":
        codes = two_factor.replace_recovery_codes(request.user)
        two_factor.record(request.user, SecurityEvent.Kind.RECOVERY_RENEWED)
        return render(request, "territories/recovery_codes.html", {"codes": codes})
    return render(request, "territories/recovery_codes.html", {"left": two_factor.recovery_codes_left(request.user)})


def _verify_page(request, *, form_class, device, recovery, template):
    destination = gate.safe_next(request, "/espace/")
    if request.session.get(gate.STATE) != gate.VERIFY:
        return redirect(destination)
    form = form_class(request.POST or None)
    status = form_status(request)
    until = two_factor.locked_until(request.user)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(request.user, device, form.cleaned_data["code"], recovery=recovery)
        if outcome.ok:
            request.session.cycle_key()
            gate.mark_done(request)
            if recovery:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("Code de secours utilisé : il vous en reste %(left)d. Vous pouvez en créer de nouveaux.")
                    % {"left": left},
                )
            return redirect(destination)
        until = outcome.locked_until
        if until is None:
            form.add_error("code", _("Ce code ne correspond pas, ou il a déjà servi."))
    if until is not None:
        status = 429 if request.method == "POST" else 200
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "locked": _locked_message(until) if until else "",
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    return _verify_page(
        request,
        form_class=CodeForm,
        device=two_factor.authenticator_of(request.user),
        recovery=False,
        template="territories/totp_verify.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_verify(request):
    return _verify_page(
        request,
        form_class=RecoveryForm,
        device=two_factor.recovery_device_of(request.user),
        recovery=True,
        template="territories/recovery_verify.html",
    )
