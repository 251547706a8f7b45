from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from conserverie.core.append_only import AppendOnlyMixin, AppendOnlyQuerySet
from conserverie.core.periods import in_period
from conserverie.core.scoping import scoped_manager
from conserverie.territories.models import JarFormat, Location, Territory


class MovementKind(models.TextChoices):
    PRODUCED = "produced", _("Produit")
    MOVED = "moved", _("Transféré")
    GIVEN = "given", _("Cédé à un participant")
    SOLD = "sold", _("Vendu")
    INTERNAL = "internal", _("Usage interne")
    # Jars made from a farm's produce processed for it (à façon) that go back to the farm (docs/economics-en.md).
    RETURNED_TO_FARM = "farm_returned", _("Rendu à la ferme (à façon)")
    DISCARDED = "discarded", _("Jeté")
    BROKEN = "broken", _("Cassé")
    ADJUSTED = "adjusted", _("Ajustement d'inventaire")
    EMPTY_RETURNED = "empty_returned", _("Bocal vide rapporté")
    EMPTY_BOUGHT = "empty_bought", _("Bocaux vides achetés")
    EMPTY_WASHED = "empty_washed", _("Bocaux vides lavés")
    EMPTY_FILLED = "empty_filled", _("Bocaux vides remplis")


# Empty jars are a stock of their own: rows without a lot. These kinds only count empty jars; moves, breakages
# and inventory adjustments exist for both; every other kind is about the full jars of a lot.
EMPTY_ONLY_KINDS = (
    MovementKind.EMPTY_RETURNED,
    MovementKind.EMPTY_BOUGHT,
    MovementKind.EMPTY_WASHED,
    MovementKind.EMPTY_FILLED,
)
EITHER_KINDS = (MovementKind.MOVED, MovementKind.BROKEN, MovementKind.ADJUSTED)


# Kinds that take full jars out of the cannery's hands: each is a term of the mass balance (docs/architecture.md §4.2).
OUTGOING_KINDS = (
    MovementKind.GIVEN,
    MovementKind.SOLD,
    MovementKind.INTERNAL,
    MovementKind.RETURNED_TO_FARM,
    MovementKind.DISCARDED,
    MovementKind.BROKEN,
)


class MovementQuerySet(AppendOnlyQuerySet):
    def between(self, start, end):
        """Movements of the days from `start` to `end` (included; None leaves that side open)."""
        return self.filter(in_period("day", start, end))

    def full(self):
        return self.filter(lot__isnull=False)

    def empty(self):
        return self.filter(lot__isnull=True)

    def stock_by_location_and_lot(self):
        """Full jars on hand, one row per (location, lot, format) with a non-zero balance."""
        return (
            self.full()
            .values(
                "location_id",
                "location__name",
                "lot_id",
                "lot__code",
                "lot__recipe__name",  # the recipe beside the lot's code (one join, no query more)
                "lot__status",
                "jar_format_id",
                "jar_format__name",
            )
            .annotate(jars=Sum("quantity"))
            .exclude(jars=0)
            .order_by("location__name", "lot__code")
        )

    def totals_by_kind(self):
        return dict(self.values_list("kind").annotate(total=Sum("quantity")).order_by())

    def negative_balances(self):
        """(location, lot, format) groups whose balance is below zero: must always be empty (docs/architecture.md
        §4.2)."""
        return (
            self.values("location_id", "lot_id", "jar_format_id")
            .annotate(jars=Sum("quantity"))
            .filter(jars__lt=0)
            .order_by()
        )


class StockMovement(AppendOnlyMixin, models.Model):
    """One line of the append-only jar ledger.

    `quantity` is the signed change of jars at `location`: +12 produced, −2 given. A move writes two
    rows with the same `transfer`. A correction never edits a row: it adds a row that `reverses` it.
    Rows without a lot count empty jars. The database refuses UPDATE and DELETE on this table (triggers,
    core/append_only.py); every foreign key PROTECTs, so no deletion elsewhere can cascade into it.
    """

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="stock_movements")
    kind = models.CharField(_("type"), max_length=16, choices=MovementKind.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(
        "production.ProductionLot", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    jar_format = models.ForeignKey(JarFormat, on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField(_("bocaux"))
    transfer = models.UUIDField(null=True, blank=True, db_index=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    distribution_line = models.ForeignKey(
        "distribution.DistributionLine", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The return of jars to the farm whose produce they were made of (à façon): one row per return.
    farm_return = models.ForeignKey(
        "sourcing.FarmJarReturn", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    amount_eur = models.DecimalField(_("montant (€)"), max_digits=8, decimal_places=2, default=0)
    reason = models.CharField(_("motif"), max_length=250, blank=True)
    day = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager("territory", MovementQuerySet)

    class Meta:
        verbose_name = _("mouvement de stock")
        verbose_name_plural = _("mouvements de stock")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["territory", "kind"]),
            models.Index(fields=["location", "lot"]),
            # The ledger of a period, grouped by territory and kind (issue 20, docs/performance.md).
            models.Index(fields=["territory", "kind", "day"], name="stockmove_territory_kind_day"),
            # A participant's deposit balance (the participants list): without it SQLite reads every gift of the
            # territory for each person (issue 20, docs/performance.md).
            models.Index(fields=["participant", "kind", "territory"], name="stockmove_participant_kind"),
            # One territory's ledger of a period, every kind (economics, the distribution report's money): without
            # it SQLite took the index on the day and read every territory's rows of the year (30 × 5: 450 ms →
            # 2 ms; docs/performance.md).
            models.Index(fields=["territory", "day"], name="stockmove_territory_day"),
            # A territory's balances per (lot, location, format), full jars or empty ones (the stock pages, the sale
            # form): SQLite sums them from the index alone, without reading the rows (10 × 10: 36-49 → 26-31 ms
            # per query; docs/performance.md, k20).
            models.Index(
                fields=["territory", "lot", "location", "jar_format", "quantity"], name="stockmove_territory_balance"
            ),
            # The last movements of a territory (the stock pages): without it SQLite sorts the territory's whole
            # ledger (10 × 10: 19 ms).
            models.Index(fields=["territory", "created_at", "id"], name="stockmove_territory_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in EMPTY_ONLY_KINDS], lot__isnull=True)
                | Q(kind__in=[k.value for k in EITHER_KINDS])
                | (~Q(kind__in=[k.value for k in EMPTY_ONLY_KINDS + EITHER_KINDS]) & Q(lot__isnull=False)),
                name="movement_empty_has_no_lot",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d} @ {self.location}"


class JarMonth(models.Model):
    """The jar ledger's sum per (territory, month, kind, full, with a deposit): a derived row, never typed (issue 20,
    docs/performance.md "Monthly sums of the ledgers").

    `month` is the first day of the month of the movements' `day`; `full` the rows with a lot (full jars), `deposit`
    the rows of a distribution line with a deposit above zero. Kept by the ledger's single writer
    (`stock.services.movement_write`) in the same transaction as the movement, as an increment
    (`core.months.month_add`); the ledger is append-only (a correction is a new row), so an increment per row keeps
    the sums exact. The figures of a period read its whole months here and its edge days from the ledger
    (`figures.selectors`); `jar_month_problems` recomputes the sums from the ledger and reports any difference."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    full = models.BooleanField()
    deposit = models.BooleanField()
    quantity = models.IntegerField(default=0)  # SUM(integer) is a bigint on PostgreSQL, as the ledger's sum: ints

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("bocaux du mois (somme du registre)")
        verbose_name_plural = _("bocaux des mois (sommes du registre)")
        constraints = [
            models.UniqueConstraint(fields=["territory", "month", "kind", "full", "deposit"], name="jarmonth_key"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.kind} {self.quantity:+d}"
