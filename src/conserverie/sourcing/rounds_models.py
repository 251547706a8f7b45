"""The stops of a collection round (the round itself is CollectionRound in models.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.producers.models import SurplusOffer


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
