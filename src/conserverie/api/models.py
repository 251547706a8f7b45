"""API tokens and the log of API calls (docs/api-en.md).

A token is shown once, when it is made; the database keeps only its SHA-256 digest, so a stolen backup gives no
access. A token belongs to one person in one territory and acts with that person's role there, never more.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.territories.models import Territory


class TokenScope(models.TextChoices):
    READ = "read", _("Lecture seule")
    WRITE = "write", _("Lecture et écriture")


class ApiToken(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, blank=True)
    # The first characters of the token, shown on the account page to tell tokens apart (never enough to use one).
    prefix = models.CharField(_("début du jeton"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("droits"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class ApiCall(models.Model):
    """One call of the API: who (the token), what (method, path), the answer's status. The audit of the API."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="calls")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=250)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("appel de l'API")
        verbose_name_plural = _("appels de l'API")
        ordering = ["-at", "-id"]
