from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.formats import french_number
from conserverie.core.scoping import scoped_manager
from conserverie.core.status import StatusColours
from conserverie.territories.models import Territory


class Producer(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="producers")
    name = models.CharField(_("nom de la ferme"), max_length=150)
    commune = models.CharField(_("commune"), max_length=100)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    distance_km = models.DecimalField(_("distance au point central (km)"), max_digits=6, decimal_places=1)
    organic_certified = models.BooleanField(_("certifiée Agriculture Biologique"), default=True)
    certification_expiry = models.DateField(_("fin de validité de la certification"), null=True, blank=True)
    networks = models.CharField(
        _("réseaux"), max_length=200, blank=True, help_text=_("CIVAM, Agribiodrôme, AMAP… séparés par des virgules.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What the driver needs at the gate (docs/architecture.md §1): shown on the round sheet and the driver's page.
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    access_notes = models.CharField(
        _("accès"), max_length=300, blank=True, help_text=_("Ex. : chemin après le lavoir, hangar bleu, klaxonner.")
    )
    pickup_from = models.TimeField(_("collecte possible à partir de"), null=True, blank=True)
    pickup_until = models.TimeField(_("collecte possible jusqu'à"), null=True, blank=True)
    # The donor's identity on a donation receipt (Cerfa 16216: dénomination, forme juridique, SIREN, adresse).
    legal_name = models.CharField(_("dénomination (raison sociale)"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=120,
        blank=True,
        help_text=_("Ex. : EARL, GAEC, SCEA, entreprise individuelle."),
    )
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, validators=[RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres."))]
    )

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("producteur")
        verbose_name_plural = _("producteurs")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="producer_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.commune})"


class Product(models.Model):
    """Raw produce, shared by all territories (a tomato is a tomato everywhere)."""

    class Category(models.TextChoices):
        VEGETABLE = "vegetable", _("Légume")
        FRUIT = "fruit", _("Fruit")
        HERB = "herb", _("Aromatique")

    name = models.CharField(_("nom"), max_length=80, unique=True)
    category = models.CharField(_("catégorie"), max_length=12, choices=Category.choices)
    shelf_life_days = models.PositiveIntegerField(
        _("conservation à l'état brut (jours)"),
        default=5,
        help_text=_("Délai après la collecte au-delà duquel le lot brut ne peut plus être transformé."),
    )
    months = models.CharField(_("mois de saison"), max_length=40, blank=True, help_text=_("Ex. : 6,7,8,9"))
    # Codes of the 14 allergens of Regulation (EU) 1169/2011, Annex II (recipes.models.ALLERGENS): celery in a
    # celeriac, nuts in walnuts… A recipe's allergens are derived from its ingredients (docs/labels-en.md).
    allergens = models.JSONField(_("allergènes (annexe II du règlement 1169/2011)"), default=list, blank=True)
    # Grams per 100 g of the raw product: fat, saturates, carbohydrate, sugars, protein, salt (Annex XV order);
    # empty when unknown. A label declares nutrition only when every ingredient's values are known.
    nutrition = models.JSONField(_("valeurs nutritionnelles pour 100 g"), default=dict, blank=True)

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["name"]

    def __str__(self):
        return self.name


# Short labels for the calendar's month boxes.
MONTHS_SHORT = [
    (1, _("janv.")),
    (2, _("févr.")),
    (3, _("mars")),
    (4, _("avr.")),
    (5, _("mai")),
    (6, _("juin")),
    (7, _("juil.")),
    (8, _("août")),
    (9, _("sept.")),
    (10, _("oct.")),
    (11, _("nov.")),
    (12, _("déc.")),
]


def parse_months(text: str) -> list[int]:
    """ "6,7,8" -> [6, 7, 8]; anything that is not a month number is left out."""
    months = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 12:
            months.add(int(part))
    return sorted(months)


class ProducerProduct(models.Model):
    """The seasonal calendar: which product a farm has in which months."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="calendar")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    months = models.CharField(_("mois de disponibilité"), max_length=40, help_text=_("Ex. : 6,7,8,9"))

    objects = scoped_manager("producer__territory")

    class Meta:
        verbose_name = _("produit de la ferme")
        verbose_name_plural = _("calendrier des produits")
        ordering = ["product__name"]
        constraints = [models.UniqueConstraint(fields=["producer", "product"], name="producer_product_once")]

    def __str__(self):
        return f"{self.producer.name} — {self.product.name} ({self.months})"

    @property
    def month_list(self) -> list[int]:
        return parse_months(self.months)


class OfferQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(
            status__in=[SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED],
            available_from__lte=day,
            available_until__gte=day,
        )

    def past_window(self, day):
        """Offers still waiting for a decision or a truck whose window ended before `day`."""
        return self.filter(
            status__in=[SurplusOffer.Status.PROPOSED, SurplusOffer.Status.ACCEPTED], available_until__lt=day
        )


class Terms(models.TextChoices):
    """What the farm receives for its produce (docs/economics-en.md, "What farms receive")."""

    DONATION = "donation", _("Don")
    PURCHASE = "purchase", _("Achat")
    PROCESSING = "processing", _("Transformation à façon")


class CostPrice(models.Model):
    """The cost price a farm declares for a product: what a donated kilo is worth on its receipt.

    Article 238 bis 1 of the CGI values a gift in kind at the donor's cost price (coût de revient); produce that
    could not be sold is valued at its stock value, which the farm may declare lower (BOI-BIC-RICI-20-30-10-20).
    """

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="cost_prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    eur_per_kg = models.DecimalField(_("coût de revient (€/kg)"), max_digits=7, decimal_places=2)
    unsold_eur_per_kg = models.DecimalField(
        _("valeur des invendus et déclassés (€/kg)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Valeur en stock d'un produit qui ne pouvait plus être vendu ; vide : le coût de revient."),
    )
    declared_on = models.DateField(_("déclaré le"))
    history = HistoricalRecords()

    objects = scoped_manager("producer__territory")

    class Meta:
        verbose_name = _("coût de revient déclaré")
        verbose_name_plural = _("coûts de revient déclarés")
        ordering = ["product__name"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "product"], name="cost_price_once"),
            models.CheckConstraint(condition=models.Q(eur_per_kg__gte=0), name="cost_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(unsold_eur_per_kg__isnull=True) | models.Q(unsold_eur_per_kg__gte=0),
                name="cost_price_unsold_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.producer.name} — {self.product.name}: {self.eur_per_kg} €/kg"

    def value_for(self, grade: str) -> Decimal:
        """€/kg for a lot of this `grade`: unsold and downgraded produce at its declared stock value."""
        if grade != "surplus" and self.unsold_eur_per_kg is not None:
            return self.unsold_eur_per_kg
        return self.eur_per_kg


class SurplusOffer(StatusColours, models.Model):
    class Grade(models.TextChoices):
        SURPLUS = "surplus", _("Surplus")
        DOWNGRADED = "downgraded", _("Déclassé")
        UNSOLD = "unsold", _("Invendu")

    class Mode(models.TextChoices):
        COLLECT = "collect", _("Collecte par le camion")
        GLEAN = "glean", _("Glanage")
        DROP = "drop", _("Dépôt par le producteur")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Acceptée")
        PLANNED = "planned", _("Planifiée")
        COLLECTED = "collected", _("Collectée")
        DECLINED = "declined", _("Refusée")
        EXPIRED = "expired", _("Expirée")

    STATUS_COLOURS = {
        Status.PROPOSED: "primary",
        Status.ACCEPTED: "success",
        Status.PLANNED: "success",
        Status.COLLECTED: "success",
    }
    # Still to be collected (or answered): what the inbox lets staff act on.
    OPEN_STATUSES = (Status.PROPOSED, Status.ACCEPTED, Status.PLANNED)

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="offers")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="offers")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="offers")
    kg_estimated = models.DecimalField(_("kg estimés"), max_digits=8, decimal_places=1)
    grade = models.CharField(_("nature"), max_length=12, choices=Grade.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.COLLECT)
    available_from = models.DateField(_("disponible à partir du"))
    available_until = models.DateField(_("disponible jusqu'au"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(_("remarque"), blank=True, max_length=1000)
    status_message = models.CharField(
        _("message de la coordination"),
        max_length=250,
        blank=True,
        help_text=_("Montré au producteur avec le statut (par exemple le motif d'un refus)."),
    )
    photo = models.ImageField(_("photo"), upload_to="offers/%Y/%m/", blank=True)
    terms = models.CharField(_("conditions"), max_length=10, choices=Terms.choices, default=Terms.DONATION)
    price_eur_kg = models.DecimalField(
        _("prix d'achat convenu (€/kg)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    fee_eur_per_jar = models.DecimalField(
        _("prix de la transformation à façon (€/bocal)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Terms proposed by the farm (a purchase, processing) wait for the coordination's agreement (`offer_terms_set`);
    # a gift needs none. A collection of an offer whose terms are not agreed is refused to staff who may not agree.
    terms_agreed = models.BooleanField(_("conditions acceptées par la coordination"), default=True)
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = scoped_manager("territory", OfferQuerySet)

    class Meta:
        verbose_name = _("offre de surplus")
        verbose_name_plural = _("offres de surplus")
        ordering = ["-available_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(terms="purchase") | models.Q(price_eur_kg__gt=0), name="offer_purchase_priced"
            ),
            models.CheckConstraint(
                condition=~models.Q(terms="processing") | models.Q(fee_eur_per_jar__gte=0), name="offer_processing_fee"
            ),
        ]

    def __str__(self):
        return f"{self.product} — {self.producer.name} ({self.kg_estimated} kg)"

    @property
    def terms_text(self) -> str:
        """« Achat à 0,80 €/kg », « Transformation à façon à 0,50 €/bocal », « Don »."""
        if self.terms == Terms.PURCHASE and self.price_eur_kg is not None:
            return _("Achat à %(price)s €/kg") % {"price": french_number(self.price_eur_kg, 2)}
        if self.terms == Terms.PROCESSING and self.fee_eur_per_jar is not None:
            return _("Transformation à façon à %(fee)s €/bocal") % {"fee": french_number(self.fee_eur_per_jar, 2)}
        return str(self.get_terms_display())

    @property
    def awaits_answer(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        """Declined or expired: nothing more will happen to it."""
        return self.status in (self.Status.DECLINED, self.Status.EXPIRED)
