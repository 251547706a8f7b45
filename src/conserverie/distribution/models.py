from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.territories.models import JarFormat, Location, Structure, Territory


class PaymentMode(models.TextChoices):
    CASH = "cash", _("Espèces")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte bancaire")
    SOLIDARITY = "solidarity", _("Monnaie solidaire")
    VOUCHER = "voucher", _("Chèque alimentaire ou bon d'achat")
    FREE = "free", _("Gratuit")


class PriceTier(models.Model):
    """A social price tier a structure offers its public at the purchasing group (« tarif solidaire », « tarif
    réduit »): a share of the list price. A tier is withdrawn, never deleted: past sales keep naming it."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="price_tiers")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="price_tiers", verbose_name=_("structure")
    )
    name = models.CharField(_("nom du tarif"), max_length=60)
    percent = models.DecimalField(
        _("part du prix du tarif (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("50 : la moitié du prix du groupement d'achat ; la consigne reste entière."),
    )
    is_active = models.BooleanField(_("proposé"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("tarif social")
        verbose_name_plural = _("tarifs sociaux")
        ordering = ["structure__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "name"], name="price_tier_unique_name"),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="price_tier_percent_range"),
        ]

    def __str__(self):
        return f"{self.structure.name} — {self.name} ({self.percent.normalize():f} %)"


class Distribution(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Cession à un participant")
        GROUP_SALE = "group_sale", _("Vente au groupement d'achat")
        INTERNAL = "internal", _("Usage interne d'une structure")
        PARTNER = "partner", _("Don à un partenaire")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="distributions")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("depuis"))
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.PROTECT, null=True, blank=True, related_name="distributions"
    )
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="distributions"
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure bénéficiaire"),
    )
    partner = models.CharField(_("partenaire"), max_length=120, blank=True)
    payment_mode = models.CharField(_("paiement"), max_length=12, choices=PaymentMode.choices, default=PaymentMode.CASH)
    note = models.CharField(_("remarque"), max_length=250, blank=True)
    price_tier = models.ForeignKey(
        PriceTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("tarif social"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("cession ou vente")
        verbose_name_plural = _("cessions et ventes")
        ordering = ["-date", "-id"]
        # The distributions of a period, grouped by territory (issue 20, docs/performance.md).
        indexes = [models.Index(fields=["territory", "date"], name="distribution_territory_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class DistributionLine(models.Model):
    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey("production.ProductionLot", on_delete=models.PROTECT, related_name="distribution_lines")
    jar_format = models.ForeignKey(JarFormat, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("bocaux"))
    unit_price_eur = models.DecimalField(_("prix unitaire (€)"), max_digits=6, decimal_places=2, default=0)
    deposit_eur = models.DecimalField(_("consigne unitaire (€)"), max_digits=5, decimal_places=2, default=0)
    credit_eur = models.DecimalField(
        _("payé par avoir (€)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text=_("Part des consignes de la ligne payée avec l'avoir du participant (bocaux vides rendus)."),
    )
    history = HistoricalRecords()

    objects = scoped_manager("distribution__territory")

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price_eur__gte=0), name="line_price_not_negative"),
            models.CheckConstraint(condition=Q(deposit_eur__gte=0), name="line_deposit_not_negative"),
            models.CheckConstraint(condition=Q(credit_eur__gte=0), name="line_credit_not_negative"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.lot.code}"

    @property
    def total_eur(self):
        return self.quantity * (self.unit_price_eur + self.deposit_eur)

    @property
    def price_total_eur(self):
        return self.quantity * self.unit_price_eur

    @property
    def deposit_total_eur(self):
        return self.quantity * self.deposit_eur

    @property
    def paid_eur(self):
        """What the person pays for the line: its value, less the credit used."""
        return self.total_eur - self.credit_eur


class PriceListEntry(models.Model):
    """The territory's price for a jar of a recipe (by code, all versions) in a format, deposit not included.

    An entry without a recipe code is the format's price for every recipe that has no entry of its own.
    """

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="price_list")
    recipe_code = models.CharField(
        _("code recette"), max_length=6, blank=True, help_text=_("Vide : toutes les recettes de ce format.")
    )
    jar_format = models.ForeignKey(JarFormat, on_delete=models.PROTECT, related_name="+", verbose_name=_("format"))
    price_eur = models.DecimalField(_("prix (€)"), max_digits=6, decimal_places=2)
    social_price_eur = models.DecimalField(
        _("prix solidaire (€)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["recipe_code", "jar_format__volume_ml"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "recipe_code", "jar_format"], name="price_unique"),
            models.CheckConstraint(condition=Q(price_eur__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=Q(social_price_eur__isnull=True) | Q(social_price_eur__gte=0),
                name="social_price_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.recipe_code or '*'} {self.jar_format}: {self.price_eur} €"


class TruckAction(models.Model):
    """One act recorded on the truck's tablet, perhaps without a network, and sent later (docs/architecture.md §7,
    "The truck offline"). The tablet names each act with an id it made itself: a second sending of the same act
    finds this row and does nothing again. A refused act stays here with its reason, for the animator to see."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", _("Présence")
        WALK_IN = "walk_in", _("Venue sans inscription")
        GIVE = "give", _("Bocaux cédés")
        EMPTIES = "empties", _("Bocaux vides rapportés")
        READING = "reading", _("Relevé du lot")

    class Status(models.TextChoices):
        DONE = "done", _("Enregistré")
        REFUSED = "refused", _("Refusé")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="truck_actions")
    workshop = models.ForeignKey("workshops.Workshop", on_delete=models.CASCADE, related_name="truck_actions")
    client_id = models.UUIDField(_("identifiant donné par la tablette"), unique=True)
    kind = models.CharField(_("acte"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("résultat"), max_length=10, choices=Status.choices)
    message = models.CharField(_("motif"), max_length=300, blank=True)
    # What was asked, without names: ids, quantities, readings (a walk-in's first name lives on its participant).
    payload = models.JSONField(_("demande"), default=dict)
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registration = models.ForeignKey(
        "workshops.Registration", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    distribution = models.ForeignKey(Distribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("noté sur la tablette le"))
    synced_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("acte noté dans le camion")
        verbose_name_plural = _("actes notés dans le camion")
        ordering = ["synced_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.client_id}"

    @property
    def refused(self) -> bool:
        return self.status == self.Status.REFUSED


class HouseholdReach(models.Model):
    """One household reached on one day: a derived row, never typed (issue 20, docs/performance.md).

    "A household is reached when it took part in a workshop or took jars home in the period" (figures.selectors):
    `gift` when one of its people took jars home that day (a distribution in their name, any kind), and
    `workshop_start` the earliest start of a workshop held that day (not cancelled) where one of its people was
    marked present on a live registration. The counts of a period are then a distinct count over this small table
    instead of the registrations and distributions of every season. The rows of a household are rebuilt from those
    facts by `distribution.reach.reach_refresh`, called by every service that writes them (docs/architecture.md §3:
    the lower apps through `people.reach`); `reach_problems` recomputes them and reports any difference."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    gift = models.BooleanField(default=False)
    workshop_start = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("foyer touché (jour)")
        verbose_name_plural = _("foyers touchés (jours)")
        indexes = [models.Index(fields=["territory", "day", "household"], name="reach_territory_day")]

    def __str__(self):
        return f"{self.household_id} {self.day:%d/%m/%Y}"
