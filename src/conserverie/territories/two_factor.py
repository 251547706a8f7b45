"""Who must give a second factor, and the gate that asks for it (the mechanics: core/two_factor.py).

- Every staff role (coordination, animation) and the platform's superusers may set up an authenticator app.
- It is required of coordinators and superusers, and of animators of a territory that asks it
  (`Territory.require_2fa_for_animators`), when `TWO_FACTOR_REQUIRED` is on (the default with DEBUG off).
- Whoever has one gives a code after the password, required or not.

At login (`user_logged_in`, also the admin's login) the session gets one state: `verify` (a code is owed), `setup`
(the person must set one up first) or `done`. `SecondFactorMiddleware` sends a session that owes something to the
code page or the set-up page: the check reads the session only, no query per request. A session without a state
(opened before this gate existed) is evaluated once. A rule changed while a person is signed in applies at their
next login.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from conserverie.core import two_factor
from conserverie.territories.models import STAFF_ROLES, Membership, Role

STATE = "second_factor"
VERIFY, SETUP, DONE = "verify", "setup", "done"
OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/favicon.ico", "/deconnexion/")
VERIFY_PATHS = ("/connexion/code/", "/connexion/code-de-secours/")
SETUP_PATHS = ("/compte/double-authentification/",)


def may_use(user) -> bool:
    """Every staff role and the superusers may set up a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def must_use(user) -> bool:
    """Coordinators and superusers; animators of a territory that asks it."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", True):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        Q(role=Role.COORDINATOR) | Q(role=Role.ANIMATOR, territory__require_2fa_for_animators=True), user=user
    ).exists()


def state_for(user) -> str:
    if two_factor.has_second_factor(user):
        return VERIFY
    return SETUP if must_use(user) else DONE


def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[STATE] = state_for(user)


def mark_done(request) -> None:
    request.session[STATE] = DONE


def connect_signals():
    user_logged_in.connect(on_login, dispatch_uid="conserverie-second-factor-login")


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class SecondFactorMiddleware:
    """A signed-in session that owes a code (or a set-up) reaches no page but the one that settles it, and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or not request.user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        state = session.get(STATE)
        if state is None:
            state = session[STATE] = state_for(request.user)
        if state == VERIFY and not request.path.startswith(VERIFY_PATHS):
            return redirect(f"{reverse('territories:totp_verify')}?{urlencode({'next': request.get_full_path()})}")
        if state == SETUP and not request.path.startswith(SETUP_PATHS):
            return redirect(reverse("territories:totp_setup"))
        return self.get_response(request)
