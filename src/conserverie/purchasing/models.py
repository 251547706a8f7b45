"""The purchasing group of the structures (« groupement d'achat »): members, ordering rounds, reservations, pick-up.

docs/architecture.md §3 ("The purchasing group"). A member is a household's person who joined the group of a
structure with a social price tier; a round offers a catalogue of released jars set aside on a stock location; an
order reserves jars of the round's items (the item row is the scarce row, §5); at pick-up the handed jars become a
real group sale of `distribution` (the jar ledger, deposits and figures follow).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.distribution.models import Distribution, PriceTier
from conserverie.people.models import Participant
from conserverie.production.models import ProductionLot
from conserverie.territories.models import JarFormat, Location, Structure, Territory


class GroupMember(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("À valider")
        ACTIVE = "active", _("Membre")
        LEFT = "left", _("A quitté le groupement")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="group_members")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="group_members", verbose_name=_("structure")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="group_memberships", verbose_name=_("personne")
    )
    price_tier = models.ForeignKey(
        PriceTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("tarif social"),
        help_text=_("Vide : le prix du groupement d'achat."),
    )
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.PENDING)
    notify_email = models.BooleanField(_("accepte les messages par e-mail"), default=False)
    notify_sms = models.BooleanField(_("accepte les messages par SMS"), default=False)
    # The desk code: given at the desk to sign in without a password. Only its hash is kept (SHA-256 HMAC).
    desk_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    desk_code_expires_at = models.DateTimeField(_("code de connexion valable jusqu'au"), null=True, blank=True)
    joined_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["desk_code_hash"])

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("membre du groupement d'achat")
        verbose_name_plural = _("membres du groupement d'achat")
        ordering = ["structure__name", "participant__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "participant"], name="group_member_once_per_structure"),
        ]

    def __str__(self):
        return f"{self.participant.first_name} — {self.structure.name}"

    @classmethod
    def merge_people(cls, *, actor, keep, duplicate) -> None:
        """Called by `people.merge.participant_merge` (two records of one person made one)."""
        from conserverie.purchasing.services import members_merge

        members_merge(actor=actor, keep=keep, duplicate=duplicate)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Round(models.Model):
    """An ordering round of a structure: a catalogue, a closing time and a pick-up slot."""

    class Status(models.TextChoices):
        OPEN = "open", _("Commandes ouvertes")
        CLOSED = "closed", _("Clos : à distribuer")
        DONE = "done", _("Terminé")
        CANCELLED = "cancelled", _("Annulé")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="purchase_rounds")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="purchase_rounds", verbose_name=_("structure")
    )
    title = models.CharField(_("titre"), max_length=120)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bocaux pris à"),
        help_text=_("L'emplacement de stock d'où partent les bocaux du catalogue."),
    )
    closes_at = models.DateTimeField(_("fin des commandes"))
    pickup_place = models.CharField(_("lieu de retrait"), max_length=150)
    pickup_day = models.DateField(_("jour de retrait"))
    pickup_start = models.TimeField(_("de"))
    pickup_end = models.TimeField(_("à"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    opened_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("commande groupée")
        verbose_name_plural = _("commandes groupées")
        ordering = ["-pickup_day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pickup_end__gt=F("pickup_start")), name="round_pickup_ends_after"),
        ]

    def __str__(self):
        return f"{self.title} ({self.pickup_day:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def sets_jars_aside(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.CLOSED)


class RoundItem(models.Model):
    """A line of a round's catalogue: jars of one lot in one format set aside for the round. `reserved` counts the
    jars of live orders; the row is locked before it changes (docs/architecture.md §5), and the database refuses
    `reserved > offered`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    lot = models.ForeignKey(ProductionLot, on_delete=models.PROTECT, related_name="purchase_items")
    jar_format = models.ForeignKey(JarFormat, on_delete=models.PROTECT, related_name="+", verbose_name=_("format"))
    offered = models.PositiveIntegerField(_("bocaux proposés"))
    reserved = models.PositiveIntegerField(_("bocaux réservés"), default=0)
    unit_price_eur = models.DecimalField(_("prix du groupement (€)"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    objects = scoped_manager("round__territory")

    class Meta:
        verbose_name = _("bocaux proposés")
        verbose_name_plural = _("catalogue")
        ordering = ["round", "lot__recipe__name", "jar_format__volume_ml", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "lot", "jar_format"], name="round_item_unique"),
            models.CheckConstraint(condition=Q(reserved__lte=F("offered")), name="round_item_not_oversold"),
            models.CheckConstraint(condition=Q(offered__gt=0), name="round_item_offered_positive"),
            models.CheckConstraint(condition=Q(unit_price_eur__gte=0), name="round_item_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.lot.code} {self.jar_format.name}"

    @property
    def left(self) -> int:
        return self.offered - self.reserved


class Order(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("En cours")
        READY = "ready", _("À retirer")
        COLLECTED = "collected", _("Retirée")
        UNCOLLECTED = "uncollected", _("Non retirée")
        CANCELLED = "cancelled", _("Annulée")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="orders")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.OPEN)
    distribution = models.OneToOneField(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="group_order"
    )
    collected_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    ready_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = scoped_manager("round__territory")

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["round", "member__participant__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="order_once_per_round")]

    def __str__(self):
        return f"{self.round} — {self.member}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(RoundItem, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField(_("bocaux commandés"))
    handed = models.PositiveIntegerField(_("bocaux remis"), default=0)
    history = HistoricalRecords()

    objects = scoped_manager("order__round__territory")

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["order", "item__lot__recipe__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="order_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(handed__lte=F("quantity")), name="order_line_handed_le_ordered"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.item}"
