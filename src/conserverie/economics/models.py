from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.economics.unit_costs import PARAMETER_DEFAULTS, REVENUE_CATEGORIES, Category
from conserverie.territories.models import Territory

MONEY = {"max_digits": 10, "decimal_places": 2}


class CostItem(models.Model):
    """A cost or a revenue of a territory, entered by hand (the derived ones are computed, never stored)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="cost_items")
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    label = models.CharField(_("libellé"), max_length=150)
    amount_eur = models.DecimalField(_("montant (€)"), **MONEY)
    date = models.DateField(_("date"), help_text=_("Une dépense ou recette annuelle : le premier jour de la période."))
    end_date = models.DateField(_("fin de la période"), null=True, blank=True)
    funder = models.CharField(
        _("financeur"), max_length=150, blank=True, help_text=_("Pour une subvention ou un contrat.")
    )
    note = models.CharField(_("remarque"), max_length=250, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("coût ou recette")
        verbose_name_plural = _("coûts et recettes")
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_eur__gt=0), name="cost_item_positive")]

    def __str__(self):
        return f"{self.get_category_display()} — {self.label} ({self.amount_eur} €)"

    @property
    def is_revenue(self) -> bool:
        return self.category in REVENUE_CATEGORIES


class CostParameters(models.Model):
    """A territory's unit costs, used to derive cost lines from its records and as the simulator's defaults."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="cost_parameters")
    fuel_l_per_100km = models.DecimalField(
        _("consommation du camion (L/100 km)"),
        max_digits=5,
        decimal_places=1,
        default=PARAMETER_DEFAULTS["fuel_l_per_100km"],
    )
    fuel_eur_per_l = models.DecimalField(
        _("prix du carburant (€/L)"), max_digits=5, decimal_places=2, default=PARAMETER_DEFAULTS["fuel_eur_per_l"]
    )
    jar_eur = models.DecimalField(
        _("prix d'un bocal neuf (€)"), max_digits=5, decimal_places=2, default=PARAMETER_DEFAULTS["jar_eur"]
    )
    lid_eur = models.DecimalField(
        _("prix d'un couvercle (€)"), max_digits=5, decimal_places=2, default=PARAMETER_DEFAULTS["lid_eur"]
    )
    kwh_per_batch = models.DecimalField(
        _("énergie par fournée (kWh)"), max_digits=5, decimal_places=1, default=PARAMETER_DEFAULTS["kwh_per_batch"]
    )
    eur_per_kwh = models.DecimalField(
        _("prix de l'électricité (€/kWh)"), max_digits=5, decimal_places=3, default=PARAMETER_DEFAULTS["eur_per_kwh"]
    )
    pantry_eur_per_kg = models.DecimalField(
        _("prix moyen de l'épicerie (€/kg)"),
        max_digits=6,
        decimal_places=2,
        default=PARAMETER_DEFAULTS["pantry_eur_per_kg"],
        help_text=_("Les lots d'épicerie n'ont pas de prix : estimation par kilo acheté."),
    )
    animator_hour_eur = models.DecimalField(
        _("coût d'une heure d'animation (€/h)"),
        max_digits=6,
        decimal_places=2,
        default=PARAMETER_DEFAULTS["animator_hour_eur"],
        help_text=_("Salaire chargé : compte les heures d'atelier × animateurs inscrits à l'atelier."),
    )
    deposit_forfeit_months = models.PositiveSmallIntegerField(
        _("consigne acquise après (mois)"),
        null=True,
        blank=True,
        help_text=_(
            "Règle écrite de la conserverie : une consigne dont le bocal n'est pas revenu après ce nombre de mois "
            "devient une recette, ce jour-là. Vide : les consignes restent dues."
        ),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("paramètres de coût")
        verbose_name_plural = _("paramètres de coût")
        # Unit prices and consumptions are never below zero (0 is allowed: jars given to the cannery, say), as
        # parameters_set already checks.
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__gte": 0}), name=f"cost_parameters_{name}_not_negative")
            for name in PARAMETER_DEFAULTS
        ]

    def __str__(self):
        return f"{self.territory}"


class Scenario(models.Model):
    """A simulated season saved under a name, to compare with others (inputs and result as JSON)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("nom du scénario"), max_length=120)
    inputs = models.JSONField(_("hypothèses"))
    result = models.JSONField(_("résultat"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("enregistré le"), auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="scenario_unique_name")]

    def __str__(self):
        return self.name


class LedgerAccount(models.Model):
    """One line of a territory's chart of accounts, as the coordinator set it: the account a kind of entry of the
    FEC export is booked to (`economics/chart.py` holds the association defaults used while none is saved)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="ledger_accounts")
    key = models.CharField(_("usage"), max_length=30)
    number = models.CharField(_("numéro de compte"), max_length=20)
    label = models.CharField(_("intitulé du compte"), max_length=120)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("compte du plan comptable")
        verbose_name_plural = _("plan comptable")
        ordering = ["number", "key"]
        constraints = [models.UniqueConstraint(fields=["territory", "key"], name="ledger_account_unique_key")]

    def __str__(self):
        return f"{self.number} {self.label}"
