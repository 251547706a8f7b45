"""People: the residents who take part (as little personal data as needed), their consents and erasures, who read
their social data, and the sign-up rules that workshops and gleaning outings share (docs/architecture.md)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.territories.models import Territory


class HowHeard(models.TextChoices):
    WORD_OF_MOUTH = "word", _("Bouche-à-oreille")
    SOCIAL_CENTRE = "centre", _("Centre social")
    POSTER = "poster", _("Affiche")
    MARKET = "market", _("Marché")
    SOCIAL_MEDIA = "social", _("Réseaux sociaux")
    OTHER = "other", _("Autre")


class Participant(models.Model):
    """A resident: as little personal data as the workshop needs (docs/architecture.md §2, privacy by design)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("prénom"), max_length=60)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    neighbourhood = models.CharField(_("quartier ou commune"), max_length=100, blank=True)
    household_size = models.PositiveSmallIntegerField(_("personnes au foyer"), default=1)
    priority_area = models.BooleanField(_("habite un quartier prioritaire"), default=False)
    consent_at = models.DateTimeField(_("consentement donné le"))
    reminders = models.BooleanField(_("accepte les rappels"), default=False)
    how_heard = models.CharField(_("a connu la conserverie par"), max_length=12, choices=HowHeard.choices, blank=True)
    erased_at = models.DateTimeField(_("effacé le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["first_name", "id"]

    def __str__(self):
        return f"{self.first_name} #{self.pk}"


def new_token() -> str:
    """32 URL-safe characters (192 random bits): the personal link to cancel a sign-up."""
    return secrets.token_urlsafe(24)


class ConsentScope(models.TextChoices):
    CONTACT = "contact", _("Contact au sujet de l'atelier")
    REMINDERS = "reminders", _("Rappels avant les ateliers")
    PHOTOS = "photos", _("Photos")
    SURVEYS = "surveys", _("Questionnaires d'utilité sociale")


class Consent(models.Model):
    """What a participant agreed to, when; a withdrawal keeps the row with its date (proof of consent, RGPD art. 7)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("objet"), max_length=10, choices=ConsentScope.choices)
    given_at = models.DateTimeField(_("donné le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = scoped_manager("participant__territory")

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["participant", "scope"]
        constraints = [models.UniqueConstraint(fields=["participant", "scope"], name="consent_once_per_scope")]

    def __str__(self):
        return f"{self.participant} · {self.get_scope_display()}"


class ErasureRecord(models.Model):
    """Who erased a participant's identity, when and why (the person's data itself is gone)."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="erasure")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(_("effacé le"))
    reason = models.CharField(_("motif"), max_length=250, blank=True)
    retention = models.BooleanField(_("durée de conservation dépassée"), default=False)

    objects = scoped_manager("participant__territory")

    class Meta:
        verbose_name = _("effacement")
        verbose_name_plural = _("effacements")
        ordering = ["-erased_at", "-id"]

    def __str__(self):
        return f"#{self.participant_id} · {self.erased_at:%d/%m/%Y}"


class AccessLog(models.Model):
    """One reading of a participant's social-situation fields by a member of staff (issue 9: who read what, when).

    Rows are written by `conserverie.people.audit.log_participant_read`, never edited. The participant link is
    emptied when the person is erased (the row keeps who read, when and why, not whom).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("personne")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("territoire")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    fields = models.CharField(_("champs lus"), max_length=200)
    purpose = models.CharField(_("finalité"), max_length=100)
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("lecture de données sociales")
        verbose_name_plural = _("lectures de données sociales")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["territory", "-at"], name="accesslog_territory_at")]

    def __str__(self):
        return f"{self.user} · {self.fields} · {self.at:%d/%m/%Y %H:%M}"
