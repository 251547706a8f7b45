"""Optional second factor for coordinators: TOTP codes (pyotp), checked after the password.

At login (`user_logged_in`), a session whose user has a confirmed device is marked as needing a code; until the code
is entered, `TOTPMiddleware` sends every page but the code page, logout and static files to the code page.
The check costs no query per request: the session carries the two flags.
"""

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

REQUIRED, VERIFIED = "totp_required", "totp_verified"
ISSUER = "Conserverie"
OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/deconnexion/", "/connexion/code/")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(device) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def qr_data_uri(device) -> str:
    """The setup QR code as an SVG data URI (the content policy allows data: images, not inline markup)."""
    return segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5)


def verify(device, code: str, *, now=None) -> bool:
    """True once per code: a valid code (±30 s) newer than the last one accepted; records its time step."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    moment = now or timezone.now()
    for drift in (0, -1, 1):
        at = moment.timestamp() + drift * totp.interval
        step = int(at // totp.interval)
        if step > device.last_step and totp.verify(code, for_time=int(at), valid_window=0):
            type(device).objects.filter(pk=device.pk).update(last_step=step)
            device.last_step = step
            return True
    return False


def mark_verified(request) -> None:
    request.session[REQUIRED] = True
    request.session[VERIFIED] = True


def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from conserverie.core.models import TOTPDevice

    required = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    request.session[REQUIRED] = required
    request.session[VERIFIED] = False


def connect_signals():
    user_logged_in.connect(on_login, dispatch_uid="conserverie-totp-login")


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class TOTPMiddleware:
    """A signed-in session that still owes its code reaches no page but the code page (and logout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(REQUIRED)
            and not session.get(VERIFIED)
            and request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            return redirect(f"{reverse('territories:totp_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
