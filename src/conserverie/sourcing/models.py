from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.append_only import AppendOnlyMixin, AppendOnlyQuerySet
from conserverie.core.periods import in_period
from conserverie.core.scoping import scoped_manager
from conserverie.producers.models import Producer, Product, SurplusOffer, Terms
from conserverie.sourcing.rounds.models import CollectionRound, RoundStop  # noqa: F401 - models of the sub-package
from conserverie.territories.models import Territory

KG = DecimalField(max_digits=10, decimal_places=2)


class RawLotQuerySet(models.QuerySet):
    def with_balance(self):
        """Annotate `kg_out` (used + given + lost) and `kg_left` in one query."""
        moved = (
            RawLotMovement.objects.filter(raw_lot=OuterRef("pk"))
            .values("raw_lot")
            .annotate(total=Sum("kg"))
            .values("total")
        )
        # SQLite subtracts decimals in floating point (15.1 - 15.0 = 0.0999…, 15.1 - 15.1 = -1.8e-15):
        # rounding to the scale's 10 g keeps comparisons with a weighed quantity exact.
        return self.annotate(
            kg_out=Coalesce(Subquery(moved, output_field=KG), Value(Decimal("0")), output_field=KG)
        ).annotate(kg_left=Round(F("kg") - F("kg_out"), 2, output_field=KG))

    def in_stock(self):
        return self.with_balance().filter(kg_left__gt=0)

    def collected_between(self, start, end):
        """Raw lots weighed between `start` and `end` (days included; None leaves that side open)."""
        return self.filter(in_period("collected_on", start, end))


class RawLot(models.Model):
    """A weighed collection: the raw lot every jar traces back to."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="raw_lots")
    code = models.CharField(_("code du lot brut"), max_length=30, unique=True)
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="raw_lots")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="raw_lots")
    offer = models.ForeignKey(SurplusOffer, on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_lots")
    collection_round = models.ForeignKey(
        CollectionRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_lots"
    )
    gleaning_outing = models.ForeignKey(
        "gleaning.GleaningOuting", on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_lots"
    )
    kg = models.DecimalField(_("poids pesé (kg)"), max_digits=8, decimal_places=2)
    collected_on = models.DateField(_("collecté le"))
    use_before = models.DateField(_("à transformer avant le"))
    grade = models.CharField(_("nature"), max_length=12, choices=SurplusOffer.Grade.choices, default="surplus")
    # What the farm receives for these kilos (docs/economics-en.md): a gift, a purchase paid on collection at the
    # agreed price, or produce processed for the farm (its jars come back to it, `FarmJarReturn`).
    terms = models.CharField(_("conditions"), max_length=10, choices=Terms.choices, default=Terms.DONATION)
    price_eur_kg = models.DecimalField(_("prix d'achat (€/kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory", RawLotQuerySet)

    class Meta:
        verbose_name = _("lot brut")
        verbose_name_plural = _("lots bruts")
        ordering = ["-collected_on", "-id"]
        # The figures of a period, grouped by territory (issue 20, docs/performance.md).
        indexes = [models.Index(fields=["territory", "collected_on"], name="rawlot_territory_collected")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kg__gt=0), name="rawlot_kg_positive"),
            models.CheckConstraint(
                condition=~models.Q(terms="purchase") | models.Q(price_eur_kg__gt=0), name="rawlot_purchase_priced"
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.product} ({self.kg} kg)"

    @property
    def purchase_eur(self) -> Decimal | None:
        """The amount paid to the farm for this lot (kg × agreed price, to the cent), None unless bought."""
        if self.terms != Terms.PURCHASE or self.price_eur_kg is None:
            return None
        return (self.kg * self.price_eur_kg).quantize(Decimal("0.01"))


class RawLotMovement(AppendOnlyMixin, models.Model):
    """Kilos leaving a raw lot. Append-only: a correction is a new movement of the opposite sign.

    The database refuses UPDATE and DELETE on this table (triggers, core/append_only.py); every foreign key
    PROTECTs, so no deletion elsewhere can cascade into it.
    """

    class Kind(models.TextChoices):
        USED = "used", _("Transformé")
        GIVEN = "given", _("Donné en brut")
        LOST = "lost", _("Perdu")

    raw_lot = models.ForeignKey(RawLot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    kg = models.DecimalField(_("kg"), max_digits=8, decimal_places=2)
    production_lot = models.ForeignKey(
        "production.ProductionLot", on_delete=models.PROTECT, null=True, blank=True, related_name="raw_inputs"
    )
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    day = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager("raw_lot__territory", AppendOnlyQuerySet)

    class Meta:
        verbose_name = _("mouvement de lot brut")
        verbose_name_plural = _("mouvements de lots bruts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="used") | models.Q(production_lot__isnull=False),
                name="rawmove_used_has_lot",
            ),
            models.CheckConstraint(condition=~models.Q(kg=0), name="rawmove_not_zero"),
        ]

    def __str__(self):
        return f"{self.raw_lot.code}: {self.get_kind_display()} {self.kg} kg"


class FarmJarReturn(models.Model):
    """Jars given back to a farm whose produce was processed for it (à façon), with the processing fee."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="farm_jar_returns")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="jar_returns")
    raw_lot = models.ForeignKey(RawLot, on_delete=models.PROTECT, related_name="jar_returns")
    jars = models.PositiveIntegerField(_("bocaux rendus"))
    fee_eur_per_jar = models.DecimalField(_("prix de la transformation (€/bocal)"), max_digits=6, decimal_places=2)
    fee_eur = models.DecimalField(_("montant de la transformation (€)"), max_digits=9, decimal_places=2)
    day = models.DateField(_("rendus le"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("bocaux rendus à une ferme (à façon)")
        verbose_name_plural = _("bocaux rendus aux fermes (à façon)")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(jars__gt=0), name="jar_return_positive"),
            models.CheckConstraint(condition=models.Q(fee_eur_per_jar__gte=0), name="jar_return_fee_not_negative"),
        ]

    def __str__(self):
        return f"{self.producer.name}: {self.jars} bocaux ({self.raw_lot.code})"


class DonationReceipt(models.Model):
    """A receipt for a farm's gifts in kind of a closed year (article 238 bis CGI, Cerfa 16216 model).

    Issued once and never changed: every particular is copied at issue (beneficiary, donor, lines, values), so a
    later change of a cost price or an address leaves it as it was. A correction cancels it (kept, marked
    « annulé ») and issues a new receipt with the next number. Numbers run without a gap per legal entity and
    year (`sourcing/receipts.py`).
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Émis")
        CANCELLED = "cancelled", _("Annulé")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="donation_receipts")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="donation_receipts")
    year = models.PositiveSmallIntegerField(_("année des dons"))
    sequence = models.PositiveIntegerField(_("numéro d'ordre"))
    number = models.CharField(_("numéro"), max_length=40, unique=True)
    issued_on = models.DateField(_("émis le"))
    first_gift_on = models.DateField(_("premier don le"))
    last_gift_on = models.DateField(_("dernier don le"))
    beneficiary = models.JSONField(_("bénéficiaire"))
    donor = models.JSONField(_("donateur"))
    lines = models.JSONField(_("produits donnés"))
    total_eur = models.DecimalField(_("valeur totale (€)"), max_digits=11, decimal_places=2)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=250, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces", verbose_name=_("remplacé par")
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("reçu de don")
        verbose_name_plural = _("reçus de dons")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year", "sequence"], name="receipt_sequence_once"),
            models.UniqueConstraint(
                fields=["producer", "year"], condition=models.Q(status="issued"), name="receipt_one_valid_per_year"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class RawMonth(models.Model):
    """The kilos of raw produce per (territory, month, kind): a derived row, never typed (issue 20,
    docs/performance.md "Monthly sums of the ledgers").

    `kind` "collected" sums the raw lots' weighed kilos by `collected_on`; the other kinds (`RawLotMovement.Kind`)
    sum the movements' kilos by `day`. Kept by the writers in `sourcing.services` (a collection, a draw) and by the
    admin's edit or deletion of a raw lot, in the same transaction, as an increment (`core.months.month_add`).
    `raw_month_problems` recomputes the sums from the lots and the movements and reports any difference."""

    COLLECTED = "collected"

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    kind = models.CharField(max_length=10)
    kg = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("kilos bruts du mois (somme)")
        verbose_name_plural = _("kilos bruts des mois (sommes)")
        constraints = [models.UniqueConstraint(fields=["territory", "month", "kind"], name="rawmonth_key")]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.kind} {self.kg}"
