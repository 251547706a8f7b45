"""The flower of social utility: dimensions (petals), their indicators and the values entered by hand."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.territories.models import Territory

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Une couleur au format #rrggbb, par exemple #2e7d32."))


class Dimension(models.Model):
    """A petal of the flower: one aim of the cooperative, scored 0–100 from its indicators."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="impact_dimensions")
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    colour = models.CharField(_("couleur"), max_length=7, default="#2e7d32", validators=[COLOUR])
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("dimension (pétale)")
        verbose_name_plural = _("dimensions (pétales)")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="impact_dimension_unique_name")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Source(models.TextChoices):
        COMPUTED = "computed", _("Calculé par la plateforme")
        SURVEY = "survey", _("Questionnaire")
        MANUAL = "manual", _("Saisi à la main")

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("nom"), max_length=150)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    computation = models.CharField(
        _("calcul"), max_length=40, blank=True, help_text=_("Pour un indicateur calculé : le calcul à utiliser.")
    )
    target = models.DecimalField(
        _("cible"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    weight = models.DecimalField(
        _("poids"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    higher_is_better = models.BooleanField(_("plus c'est haut, mieux c'est"), default=True)
    manual_source = models.CharField(
        _("source de la donnée"),
        max_length=200,
        blank=True,
        help_text=_("Pour un indicateur saisi : d'où vient le chiffre."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    objects = scoped_manager("dimension__territory")

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dimension", "name"], name="impact_indicator_unique_name")]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """A value entered by hand for one indicator and one period (the period's key, e.g. "2026")."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("période"), max_length=30)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source_note = models.CharField(_("source"), max_length=250, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    history = HistoricalRecords()

    objects = scoped_manager("indicator__dimension__territory")

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="impact_value_one_per_period"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period}: {self.value}"
