from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conserverie.territories.models import Territory


class AccessLog(models.Model):
    """One reading of a participant's social-situation fields by a member of staff (issue 9: who read what, when).

    Rows are written by `conserverie.core.audit.log_participant_read`, never edited. The participant link is
    emptied when the person is erased (the row keeps who read, when and why, not whom).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("personne")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("territoire")
    )
    participant = models.ForeignKey(
        "workshops.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    fields = models.CharField(_("champs lus"), max_length=200)
    purpose = models.CharField(_("finalité"), max_length=100)
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lecture de données sociales")
        verbose_name_plural = _("lectures de données sociales")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["territory", "-at"], name="accesslog_territory_at")]

    def __str__(self):
        return f"{self.user} · {self.fields} · {self.at:%d/%m/%Y %H:%M}"


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
