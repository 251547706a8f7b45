"""The territory's Contrat d'impact social (CIS): the indicators it pays on, and the evaluator's sign-off.

A CIS pays by results: for each indicator the territory chose among its impact indicators, a threshold under which
nothing is due, a target at which the whole payment is due, and the payment in between in proportion
(`impact/reports/funders.py`). An independent evaluator checks the measured values of a period and signs them off.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.impact.models.flower import Indicator
from conserverie.territories.models import Territory


class ContractIndicator(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="contract_indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="contract_terms")
    threshold = models.DecimalField(_("seuil de déclenchement"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("cible du contrat"), max_digits=14, decimal_places=2)
    payment_eur = models.DecimalField(_("paiement à la cible (€)"), max_digits=10, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("indicateur du contrat à impact social")
        verbose_name_plural = _("indicateurs du contrat à impact social")
        ordering = ["indicator__dimension__order", "indicator__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "indicator"], name="contract_indicator_unique"),
            models.CheckConstraint(condition=models.Q(payment_eur__gt=0), name="contract_payment_positive"),
        ]

    def __str__(self):
        return f"{self.indicator} ({self.threshold} → {self.target})"


class ContractSignOff(models.Model):
    """The evaluator's sign-off of the measured values of one period (`Period.key`)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="contract_signoffs")
    period = models.CharField(_("période"), max_length=30)
    evaluator = models.CharField(_("évaluateur ou évaluatrice"), max_length=150)
    organisation = models.CharField(_("organisme d'évaluation"), max_length=150)
    signed_on = models.DateField(_("date de validation"))
    statement = models.CharField(_("avis"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("validation de l'évaluateur")
        verbose_name_plural = _("validations de l'évaluateur")
        ordering = ["-signed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["territory", "period"], name="contract_signoff_unique_period")]

    def __str__(self):
        return f"{self.period} — {self.evaluator}"
