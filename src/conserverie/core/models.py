from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TOTPDevice(models.Model):
    """A coordinator's authenticator app (optional second factor, RFC 6238 codes of 6 digits every 30 s).

    The secret is shown once, during setup (QR code), and never again: not on any page, not in the admin.
    `last_step` refuses a code that has already served (a replayed code).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64, editable=False)
    confirmed_at = models.DateTimeField(_("activée le"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("double authentification")
        verbose_name_plural = _("doubles authentifications")

    def __str__(self):
        return str(self.user)
