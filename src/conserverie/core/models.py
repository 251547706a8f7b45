"""The models of `core`: a person's second factor (django-otp devices) and the account's security events.

None is a territory's (docs/architecture.md §8, not scoped): a person's second factor and their sign-in events follow
the person into every territory where they work.
"""

import time
from base64 import b32encode
from urllib.parse import quote, urlencode

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice

from conserverie.core import two_factor


class EncryptedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's authenticator app (RFC 6238: 6 digits every 30 s), its secret encrypted at rest.

    django-otp's own `otp_totp.TOTPDevice` keeps the secret in clear in a hex column of 80 characters, too short for
    a Fernet token (120): this device is the same django-otp device (its `Device` base, throttling and timestamps,
    its `oath.TOTP` and the verification of `otp_totp`) with `encrypted_key` instead (core/two_factor.py). The secret
    is shown during set-up only; `last_t` refuses a code that has already served.
    """

    encrypted_key = models.TextField(_("secret chiffré"), editable=False, max_length=500)
    step = models.PositiveSmallIntegerField(default=30, editable=False)
    t0 = models.BigIntegerField(default=0, editable=False)
    digits = models.PositiveSmallIntegerField(default=6, editable=False)
    tolerance = models.PositiveSmallIntegerField(default=1, editable=False)
    drift = models.SmallIntegerField(default=0, editable=False)
    last_t = models.BigIntegerField(default=-1, editable=False)

    class Meta(Device.Meta):
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")

    def __str__(self):
        return str(self.user)

    def set_secret(self, raw: bytes) -> None:
        self.encrypted_key = two_factor.encrypt_secret(raw)

    @property
    def bin_key(self) -> bytes:
        return two_factor.decrypt_secret(self.encrypted_key)

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        """django-otp's `otp_totp.TOTPDevice.verify_token`, reading the decrypted key."""
        verify_allowed, _info = self.verify_is_allowed()
        if not verify_allowed:
            return False
        try:
            token = int(str(token).strip())
            key = self.bin_key
        except ValueError:
            verified = False
        except InvalidToken:
            two_factor.logger.error("Second factor of user %s: no configured key opens its secret.", self.user_id)
            verified = False
        else:
            totp = TOTP(key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(token, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    @property
    def config_url(self) -> str:
        label = f"{two_factor.ISSUER}:{self.user.get_username()}"
        params = urlencode(
            {"secret": b32encode(self.bin_key), "algorithm": "SHA1", "digits": self.digits, "period": self.step}
        )
        return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(two_factor.ISSUER)}"


class RecoveryCodes(StaticDevice):
    """A person's ten single-use recovery codes: django-otp's static device, whose tokens hold keyed hashes."""

    class Meta:
        proxy = True
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def __str__(self):
        return str(self.user)

    def verify_token(self, token):
        return super().verify_token(two_factor.hash_recovery_code(token))


class SecurityEvent(models.Model):
    """One event of a person's sign-in security (audit trail): codes refused, lockouts, set-ups, recovery codes."""

    class Kind(models.TextChoices):
        FAILURE = "failure", _("code refusé")
        LOCKOUT = "lockout", _("saisie des codes bloquée")
        ENABLED = "enabled", _("double authentification activée")
        RECOVERY_USED = "recovery_used", _("code de secours utilisé")
        RECOVERY_RENEWED = "recovery_renewed", _("nouveaux codes de secours")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    kind = models.CharField(_("événement"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("détail"), max_length=200, blank=True)
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement de sécurité du compte")
        verbose_name_plural = _("événements de sécurité des comptes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-at"], name="securityevent_user_kind_at")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.at:%d/%m/%Y %H:%M}"
