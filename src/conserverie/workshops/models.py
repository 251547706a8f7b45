import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.territories.models import Site, Structure, Territory


class WorkshopQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now(), status=Workshop.Status.PLANNED).order_by("starts_at")

    def with_counts(self):
        live = ~Q(registrations__status="cancelled")
        return self.annotate(
            places_taken=Sum("registrations__party_size", filter=Q(registrations__status="confirmed")),
            people_present=Sum("registrations__party_size", filter=live & Q(registrations__attended=True)),
        )


class Workshop(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévu")
        DONE = "done", _("Réalisé")
        CANCELLED = "cancelled", _("Annulé")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("titre"), max_length=150)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("lieu"))
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("structure d'accueil")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(_("places"), default=12)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    animators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    planned_recipes = models.ManyToManyField("recipes.Recipe", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[])

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after")
        ]

    def __str__(self):
        return f"{self.title} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"


class Participant(models.Model):
    """A resident: as little personal data as the workshop needs (§2, privacy by design)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("prénom"), max_length=60)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    neighbourhood = models.CharField(_("quartier ou commune"), max_length=100, blank=True)
    household_size = models.PositiveSmallIntegerField(_("personnes au foyer"), default=1)
    priority_area = models.BooleanField(_("habite un quartier prioritaire"), default=False)
    consent_at = models.DateTimeField(_("consentement donné le"))
    reminders = models.BooleanField(_("accepte les rappels"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["first_name", "id"]

    def __str__(self):
        return f"{self.first_name} #{self.pk}"


def new_token() -> str:
    """32 URL-safe characters (192 random bits): the personal link to cancel a sign-up."""
    return secrets.token_urlsafe(24)


class RegistrationQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Inscrit")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulé")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="registrations")
    party_size = models.PositiveSmallIntegerField(_("nombre de personnes"), default=1)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    attended = models.BooleanField(_("présent"), default=False)
    walk_in = models.BooleanField(_("venu sans inscription"), default=False)
    token = models.CharField(_("lien personnel"), max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "participant"], name="registration_once_per_workshop"),
        ]

    def __str__(self):
        return f"{self.participant} → {self.workshop}"
