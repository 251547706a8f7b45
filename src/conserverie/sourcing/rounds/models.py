"""Collection rounds: the truck's tour of the farms and its stops (docs/rounds-en.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.core.status import StatusColours
from conserverie.producers.models import SurplusOffer
from conserverie.territories.models import Territory, Vehicle


class CollectionRound(StatusColours, models.Model):
    """A truck round through the farms: proposed by the planner, confirmed, then driven (docs/rounds-en.md)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposée")
        PLANNED = "planned", _("Planifiée")
        DONE = "done", _("Terminée")
        CANCELLED = "cancelled", _("Annulée")

    STATUS_COLOURS = {Status.DONE: "success", Status.PLANNED: "primary", Status.DRAFT: "warning"}

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="rounds")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, null=True, blank=True)
    date = models.DateField(_("date"))
    km = models.DecimalField(_("km parcourus"), max_digits=7, decimal_places=1, default=0)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DONE)
    departure = models.TimeField(_("départ du dépôt"), null=True, blank=True)
    back_by = models.TimeField(_("retour au plus tard"), null=True, blank=True)
    planned_km = models.DecimalField(_("km prévus"), max_digits=7, decimal_places=1, default=0)
    planned_minutes = models.PositiveIntegerField(_("durée prévue (min)"), default=0)
    nearest_neighbour_km = models.DecimalField(
        _("km au plus proche voisin"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    co2_kg = models.DecimalField(_("CO2 estimé (kg)"), max_digits=7, decimal_places=1, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("tournée de collecte")
        verbose_name_plural = _("tournées de collecte")
        ordering = ["-date"]

    def __str__(self):
        return f"{_('Tournée')} {self.date:%d/%m/%Y}"

    @property
    def planned_duration(self) -> str:
        hours, minutes = divmod(self.planned_minutes, 60)
        return f"{hours} h {minutes:02d}"

    @property
    def km_saved(self):
        """Km saved against the order a person would drive (nearest farm first)."""
        if self.nearest_neighbour_km is None:
            return None
        return max(self.nearest_neighbour_km - self.planned_km, 0)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class RoundStop(models.Model):
    """One accepted offer in a round: visited in `sequence` order, or left out with the reason why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À collecter")
        COLLECTED = "collected", _("Collecté")
        NOTHING = "nothing", _("Rien à prendre")
        SKIPPED = "skipped", _("Écarté par le calcul")

    class SkipReason(models.TextChoices):
        DETOUR = "detour", _("Ne vaut pas le détour")
        CAPACITY = "capacity", _("Ne tient pas dans le camion")
        TIME = "time", _("Ne tient pas dans les horaires")

    collection_round = models.ForeignKey("sourcing.CollectionRound", on_delete=models.CASCADE, related_name="stops")
    offer = models.ForeignKey(SurplusOffer, on_delete=models.PROTECT, related_name="round_stops")
    sequence = models.PositiveSmallIntegerField(_("ordre de passage"), null=True, blank=True)
    planned_arrival = models.TimeField(_("arrivée prévue"), null=True, blank=True)
    planned_kg = models.DecimalField(_("kg prévus"), max_digits=8, decimal_places=1)
    required = models.BooleanField(_("à prendre absolument"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(_("raison de l'écart"), max_length=10, choices=SkipReason.choices, blank=True)
    raw_lot = models.OneToOneField(
        "sourcing.RawLot", on_delete=models.PROTECT, null=True, blank=True, related_name="round_stop"
    )
    history = HistoricalRecords()

    objects = scoped_manager("collection_round__territory")

    class Meta:
        verbose_name = _("arrêt de tournée")
        verbose_name_plural = _("arrêts de tournée")
        ordering = ["collection_round", models.F("sequence").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection_round", "offer"], name="roundstop_one_per_offer"),
        ]

    def __str__(self):
        return f"{self.sequence or '—'}. {self.offer}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.COLLECTED, self.Status.NOTHING)

    @property
    def is_collected(self) -> bool:
        return self.status == self.Status.COLLECTED

    @property
    def found_nothing(self) -> bool:
        return self.status == self.Status.NOTHING
