"""The second factor's mechanics, built on django-otp (docs/architecture.md §9, docs/deploy-en.md "Two-factor").

- **Secrets encrypted at rest.** An authenticator's secret lives in `EncryptedTOTPDevice.encrypted_key`, a Fernet
  token (AES-128-CBC + HMAC-SHA256) under `TWO_FACTOR_KEYS` (MultiFernet: the first key encrypts, every key
  decrypts, so keys rotate), or under a key derived from SECRET_KEY by HKDF when that setting is empty. A database
  dump or backup alone gives no secret.
- **Recovery codes hashed at rest.** Ten single-use codes per person, stored in django-otp's static tokens as a
  keyed hash (HMAC-SHA256 under a key derived from the same key material, 80 bits kept): the clear codes are shown
  once, at set-up or regeneration, and exist nowhere else.
- **Lockout.** `LOCK_FAILURES` failed codes (authenticator or recovery codes together) within `LOCK_WINDOW` lock the
  person's code entry for `LOCK_WINDOW`: even a right code is then refused, and the codes typed meanwhile are not
  counted (the lock does not grow). django-otp's own throttle is off (OTP_*_THROTTLE_FACTOR = 0 in settings): it
  doubles a wait after each consecutive failure of one device (1 s, 2 s, 4 s… 2^(n-1) s) until a success, so it
  neither locks within a window nor ends with it, and a stranger who knows the password could push the person's
  wait to days by failing slowly.
  Each failure, each lockout, each set-up and each recovery code used is a `SecurityEvent` (the audit trail), and a
  lockout sends the person an e-mail (their password is known to whoever typed the codes).

Who must use a second factor, and the pages, are in `territories` (territories/two_factor.py, views/account.py).
"""

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import segno
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ISSUER = "Conserverie"
LOCK_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
RECOVERY_CODES = 10
# Recovery codes: 10 characters of an alphabet without look-alikes (0/o, 1/l/i), about 49 bits, shown as xxxxx-xxxxx.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


# --- Keys -----------------------------------------------------------------------------------------------------------


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"conserverie " + purpose).derive(material)


def key_material() -> list[bytes]:
    """The raw Fernet keys, first one first: TWO_FACTOR_KEYS, else one derived from SECRET_KEY."""
    configured = list(getattr(settings, "TWO_FACTOR_KEYS", []) or [])
    if configured:
        keys = []
        for key in configured:
            try:
                Fernet(key)
            except (ValueError, TypeError) as exc:
                raise ImproperlyConfigured(
                    "TWO_FACTOR_KEYS: each key is a Fernet key (32 bytes in URL-safe base64, 44 characters)."
                ) from exc
            keys.append(key.encode() if isinstance(key, str) else key)
        return keys
    derived = _derive(settings.SECRET_KEY.encode(), b"second factor secrets")
    return [base64.urlsafe_b64encode(derived)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in key_material()])


def encrypt_secret(raw: bytes) -> str:
    return _fernet().encrypt(raw).decode("ascii")


def decrypt_secret(token: str) -> bytes:
    """The raw secret; `InvalidToken` when no configured key opens it (a lost or changed key)."""
    return _fernet().decrypt(token.encode("ascii"))


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    """A keyed hash of a recovery code, 16 base32 characters (80 bits): what django-otp's static token stores."""
    key = _derive(key_material()[0], b"recovery codes")
    digest = hmac.new(key, normalise_recovery_code(code).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:16].lower()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def check_keys(app_configs=None, **kwargs):
    """System check: the configured keys are Fernet keys (a typo would otherwise surface at the first sign-in)."""
    from django.core.checks import Error

    try:
        key_material()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Generate one with: python3 -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="conserverie.E004",
            )
        ]
    return []


# --- Devices --------------------------------------------------------------------------------------------------------


def authenticator_of(user, *, confirmed=True):
    from conserverie.core.models import EncryptedTOTPDevice

    devices = EncryptedTOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def recovery_device_of(user):
    from conserverie.core.models import RecoveryCodes

    return RecoveryCodes.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_second_factor(user) -> bool:
    from conserverie.core.models import EncryptedTOTPDevice

    return EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_setup(user):
    """The person's unconfirmed authenticator, created with a fresh secret when there is none."""
    device = authenticator_of(user, confirmed=False)
    if device is None:
        from conserverie.core.models import EncryptedTOTPDevice

        device = EncryptedTOTPDevice(user=user, name=_("Application d'authentification"), confirmed=False)
        device.set_secret(secrets.token_bytes(20))
        device.save()
    return device


def secret_base32(device) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_data_uri(device) -> str:
    """The set-up QR code as an SVG data URI (the content policy allows data: images, not inline markup)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def replace_recovery_codes(user) -> list[str]:
    """Ten new recovery codes for `user` (the old ones stop working); the clear codes are returned, never stored."""
    from django_otp.plugins.otp_static.models import StaticToken

    from conserverie.core.models import RecoveryCodes

    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCodes.objects.filter(user=user).delete()
        device = RecoveryCodes.objects.create(user=user, name=_("Codes de secours"), confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=hash_recovery_code(code)) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Events, lockout, alert -----------------------------------------------------------------------------------------


def record(user, kind: str, detail: str = "") -> None:
    from conserverie.core.models import SecurityEvent

    SecurityEvent.objects.create(user=user, kind=kind, detail=detail[:200])


def locked_until(user):
    """When the person's code entry opens again, or None when it is open."""
    from conserverie.core.models import SecurityEvent

    last = (
        SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.LOCKOUT)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and timezone.now() < last + LOCK_WINDOW:
        return last + LOCK_WINDOW
    return None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    locked_until: object = None  # a datetime when the entry is (or just became) locked
    just_locked: bool = False  # this failure locked it: the person is alerted


def _failure(user, detail: str) -> Outcome:
    """Record a failed code; the `LOCK_FAILURES`-th within `LOCK_WINDOW` (since the last lockout) locks.

    Runs inside `verify`'s transaction, the person's row locked: parallel guesses are counted one by one.
    """
    from conserverie.core.models import SecurityEvent

    now = timezone.now()
    record(user, SecurityEvent.Kind.FAILURE, detail)
    last_lock = (
        SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.LOCKOUT)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    since = now - LOCK_WINDOW if last_lock is None else max(now - LOCK_WINDOW, last_lock)
    failures = SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.FAILURE, at__gte=since).count()
    if failures < LOCK_FAILURES:
        return Outcome(ok=False)
    record(
        user,
        SecurityEvent.Kind.LOCKOUT,
        _("%(count)d codes faux en %(minutes)d minutes")
        % {"count": failures, "minutes": int(LOCK_WINDOW.total_seconds() // 60)},
    )
    return Outcome(ok=False, locked_until=now + LOCK_WINDOW, just_locked=True)


def _alert(user, until) -> None:
    if not user.email:
        logger.warning("Second factor locked for user %s, who has no e-mail address to alert.", user.pk)
        return
    local = timezone.localtime(until)
    subject = _("Conserverie : codes de connexion bloqués sur votre compte")
    body = _(
        "Bonjour,\n\n"
        "Sur votre compte %(username)s, quelqu'un a tapé le bon mot de passe puis %(count)d codes de connexion faux "
        "en %(minutes)d minutes. La saisie des codes est bloquée jusqu'à %(time)s.\n\n"
        "Si c'était vous : attendez cette heure, vérifiez l'heure de votre téléphone, puis réessayez.\n"
        "Si ce n'était pas vous : votre mot de passe est connu de quelqu'un d'autre. Changez-le tout de suite "
        "(page « Mot de passe oublié » de la page de connexion) et prévenez la coordination.\n\n"
        "Conserverie"
    ) % {
        "username": user.get_username(),
        "count": LOCK_FAILURES,
        "minutes": int(LOCK_WINDOW.total_seconds() // 60),
        "time": local.strftime("%H:%M"),
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # the lockout stands even when the mail server is down
        logger.exception("Second factor lockout: the alert e-mail to user %s could not be sent.", user.pk)


def verify(user, device, code: str, *, recovery: bool = False) -> Outcome:
    """Check `code` against `device` (the authenticator, or the recovery codes) under the lockout rule.

    A locked entry refuses every code, right or wrong, without counting it. A refused code is a failure, written with
    the lockout it may cause in one transaction, the person's row locked; the alert e-mail leaves after it.
    """
    from django.contrib.auth import get_user_model

    from conserverie.core.models import SecurityEvent

    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        until = locked_until(user)
        if until is not None:
            return Outcome(ok=False, locked_until=until)
        accepted = False
        if device is not None:
            device = type(device).objects.select_for_update().get(pk=device.pk)
            accepted = device.verify_token(code)
        if accepted:
            if recovery:
                left = recovery_codes_left(user)
                record(user, SecurityEvent.Kind.RECOVERY_USED, _("%(left)d codes restants") % {"left": left})
            return Outcome(ok=True)
        outcome = _failure(user, _("code de secours") if recovery else _("code"))
    if outcome.just_locked:
        _alert(user, outcome.locked_until)
    return outcome
