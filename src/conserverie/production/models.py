import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.core.status import StatusColours
from conserverie.recipes.models import HeatTreatment, PantryLot, Recipe
from conserverie.territories.models import Territory
from conserverie.workshops.models import Workshop


class LotStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    RELEASED = "released", _("Libéré")
    NON_CONFORMING = "non_conforming", _("Non conforme")
    BLOCKED = "blocked", _("Bloqué")
    RECALLED = "recalled", _("Rappelé")


class ProductionLotQuerySet(models.QuerySet):
    def released(self):
        return self.filter(status=LotStatus.RELEASED)


class ProductionLot(StatusColours, models.Model):
    STATUS_COLOURS = {
        LotStatus.RELEASED: "success",
        LotStatus.OPEN: "primary",
        LotStatus.NON_CONFORMING: "warning",
        LotStatus.BLOCKED: "danger",
        LotStatus.RECALLED: "danger",
    }

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="production_lots")
    code = models.CharField(_("code du lot"), max_length=30, unique=True)
    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="lots")
    # The recipe as it was when the lot was made: a later version never rewrites a label or a trace.
    recipe_snapshot = models.JSONField(_("recette au moment de la production"))
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, null=True, blank=True, related_name="lots", verbose_name=_("atelier")
    )
    produced_on = models.DateField(_("fabriqué le"))
    best_before = models.DateField(_("DDM"))
    batches = models.PositiveSmallIntegerField(_("fournées"), default=1)
    status = models.CharField(_("statut"), max_length=16, choices=LotStatus.choices, default=LotStatus.OPEN)
    status_reason = models.CharField(_("motif du statut"), max_length=250, blank=True)
    ph_measured = models.DecimalField(_("pH mesuré"), max_digits=3, decimal_places=1, null=True, blank=True)
    # Products drawn in place of a recipe ingredient: [{ingredient, substitute, allergens, raw_lots, kg}, …]
    # (production.services.substitution_records); their allergens join the lot's label.
    substitutions = models.JSONField(_("substitutions"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory", ProductionLotQuerySet)

    class Meta:
        verbose_name = _("lot de production")
        verbose_name_plural = _("lots de production")
        ordering = ["-produced_on", "-id"]

    def __str__(self):
        return self.code

    @property
    def is_recalled(self) -> bool:
        return self.status == LotStatus.RECALLED

    @property
    def is_released(self):
        return self.status == LotStatus.RELEASED


class PantryUse(models.Model):
    lot = models.ForeignKey(ProductionLot, on_delete=models.PROTECT, related_name="pantry_inputs")
    pantry_lot = models.ForeignKey(PantryLot, on_delete=models.PROTECT, related_name="uses")
    kg = models.DecimalField(_("kg"), max_digits=8, decimal_places=3)

    objects = scoped_manager("lot__territory")

    class Meta:
        verbose_name = _("épicerie utilisée")
        verbose_name_plural = _("épicerie utilisée")


class Equipment(models.TextChoices):
    AUTOCLAVE = "autoclave", _("Autoclave")
    POT = "pot", _("Stérilisateur (marmite)")


class HeatTreatmentRecord(models.Model):
    """What the thermometer and the clock said for one batch and format (HACCP critical control point)."""

    lot = models.ForeignKey(ProductionLot, on_delete=models.CASCADE, related_name="treatments")
    jar_format = models.ForeignKey("territories.JarFormat", on_delete=models.PROTECT, related_name="+")
    batch = models.PositiveSmallIntegerField(
        _("fournée"),
        null=True,
        blank=True,
        help_text=_("Vide : un seul passage pour toutes les fournées du lot."),
    )
    treatment = models.CharField(_("traitement"), max_length=16, choices=HeatTreatment.choices)
    temperature_c = models.DecimalField(_("température mesurée (°C)"), max_digits=4, decimal_places=1)
    minutes = models.PositiveIntegerField(_("durée de maintien (min)"))
    equipment = models.CharField(_("équipement"), max_length=12, choices=Equipment.choices, blank=True)
    within_limits = models.BooleanField(_("dans les limites du barème"))
    # The time–temperature curve at the core of the jar, [[minute, °C], …] (strings, exact), and the lethality it
    # gives against the schedule's target, copied here so that the register reads one row (docs/safety-en.md).
    core_readings = models.JSONField(_("relevés à cœur"), default=list, blank=True)
    lethality_min = models.DecimalField(
        _("valeur stérilisatrice (min)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    target_tref_c = models.DecimalField(
        _("température de référence (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    target_z_c = models.DecimalField(_("valeur z (°C)"), max_digits=4, decimal_places=1, null=True, blank=True)
    target_minimum_min = models.DecimalField(
        _("valeur minimale (min)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("lot__territory")

    class Meta:
        verbose_name = _("relevé de traitement thermique")
        verbose_name_plural = _("relevés de traitement thermique")
        # The register and the lot page read the passes in the order they were made (a re-sterilisation after the
        # first); PostgreSQL gives no order otherwise.
        ordering = ["recorded_at", "id"]

    @property
    def lethality_short(self) -> bool:
        """A core curve was read and its lethality stays below the target."""
        return (
            self.lethality_min is not None
            and self.target_minimum_min is not None
            and self.lethality_min < self.target_minimum_min
        )


class RecallScope(models.TextChoices):
    """Regulation (EC) 178/2002 art. 19(1): withdraw the food from the market; recall it from consumers when it may
    have reached them (the guide d'aide à la gestion des alertes d'origine alimentaire says « retrait » and
    « rappel »)."""

    WITHDRAWAL = "withdrawal", _("Retrait : les bocaux sont retirés avant d'arriver chez les consommateurs")
    RECALL = "recall", _("Rappel : des bocaux sont chez des consommateurs, qui sont prévenus")


class Hazard(models.TextChoices):
    """The nature of the hazard, as the notification to the authorities asks it."""

    MICROBIOLOGICAL = "microbiological", _("Microbiologique (botulisme, moisissures, levures…)")
    CHEMICAL = "chemical", _("Chimique (produit de nettoyage, pesticide, métal…)")
    PHYSICAL = "physical", _("Physique (éclat de verre, corps étranger…)")
    ALLERGEN = "allergen", _("Allergène non déclaré sur l'étiquette")
    OTHER = "other", _("Autre (décrit dans le motif)")


class Recall(models.Model):
    """A food-safety recall: the lot that triggered it, why, who decided, and every lot it took off the shelves.

    It holds what the notification to the authorities (Regulation (EC) 178/2002 art. 19) and the RappelConso
    declaration need beyond the lots' own records: the scope, the hazard, the reason told to the public, the
    measures taken and the person to contact (docs/safety-en.md, « Recall »)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="recalls")
    lot = models.ForeignKey(ProductionLot, on_delete=models.PROTECT, related_name="recalls", verbose_name=_("lot"))
    reason = models.CharField(_("motif du rappel"), max_length=250)
    scope = models.CharField(_("étendue"), max_length=12, choices=RecallScope.choices, default=RecallScope.RECALL)
    hazard = models.CharField(_("nature du danger"), max_length=16, choices=Hazard.choices, default=Hazard.OTHER)
    public_reason = models.CharField(_("motif affiché au public"), max_length=250, blank=True)
    measures = models.TextField(_("mesures prises"), blank=True, max_length=5000)
    contact = models.CharField(_("personne à contacter"), max_length=200, blank=True)
    include_shared = models.BooleanField(_("lots partageant un lot brut inclus"), default=False)
    lots = models.ManyToManyField(ProductionLot, related_name="recalled_in", verbose_name=_("lots rappelés"))
    recalled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recalled_at = models.DateTimeField(_("rappelé le"))
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["-recalled_at", "-id"]

    def __str__(self):
        return f"{_('Rappel')} {self.lot.code}"

    @property
    def public_text(self) -> str:
        """What the public reads (the lot page, RappelConso): the reason for the public, or the hazard's nature."""
        return self.public_reason or str(self.get_hazard_display())

    @property
    def recalled_on(self):
        """The day of the decision, in the territory's time zone."""
        from django.utils import timezone

        return timezone.localdate(self.recalled_at)

    @property
    def is_withdrawal(self) -> bool:
        return self.scope == RecallScope.WITHDRAWAL


class SealCheck(models.Model):
    """The day after: every lid is pressed; a lid that moves is a failed seal (HACCP verification)."""

    lot = models.ForeignKey(ProductionLot, on_delete=models.CASCADE, related_name="seal_checks")
    jars_checked = models.PositiveIntegerField(_("bocaux contrôlés"))
    jars_failed = models.PositiveIntegerField(_("bocaux mal fermés"))
    note = models.CharField(_("remarque"), max_length=250, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("contrôlé le"))
    history = HistoricalRecords()

    objects = scoped_manager("lot__territory")

    class Meta:
        verbose_name = _("contrôle des fermetures")
        verbose_name_plural = _("contrôles des fermetures")
        ordering = ["checked_at", "id"]

    @property
    def passed(self):
        return self.jars_failed == 0


class CorrectiveActionKind(models.TextChoices):
    RETREAT = "retreat", _("Nouveau traitement thermique")
    DISCARD = "discard", _("Destruction des bocaux")
    INTERNAL = "internal", _("Cuisine interne le jour même")
    OTHER = "other", _("Autre action (décrite)")


class CorrectiveAction(models.Model):
    """What was done about a non-conforming lot, by whom and when."""

    lot = models.ForeignKey(ProductionLot, on_delete=models.CASCADE, related_name="corrective_actions")
    action = models.CharField(_("action corrective"), max_length=12, choices=CorrectiveActionKind.choices)
    note = models.CharField(_("précisions"), max_length=250, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("fait le"))
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("lot__territory")

    class Meta:
        verbose_name = _("action corrective")
        verbose_name_plural = _("actions correctives")
        ordering = ["done_at", "id"]


class NutritionExemption(models.TextChoices):
    """Why a label may carry no nutrition declaration (Regulation (EU) 1169/2011, Annex V)."""

    SMALL_QUANTITIES = (
        "annex_v_19",
        _(
            "Annexe V, point 19 : denrées fabriquées de manière artisanale, fournies directement par le fabricant en "
            "faibles quantités au consommateur final ou à des établissements de détail locaux"
        ),
    )


class LabellingProfile(models.Model):
    """What a territory's labels need to know about the food business operator beyond its name and address:
    its organic certification (Regulation (EU) 2018/848, art. 30 and 32) and its nutrition exemption."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="labelling")
    nutrition_exemption = models.CharField(
        _("exemption de déclaration nutritionnelle"),
        max_length=12,
        choices=NutritionExemption.choices,
        blank=True,
        help_text=_("S'applique aux recettes dont les valeurs nutritionnelles des ingrédients ne sont pas connues."),
    )
    organic_certifier = models.CharField(_("organisme certificateur bio"), max_length=120, blank=True)
    organic_certifier_code = models.CharField(
        _("code de l'organisme certificateur"), max_length=20, blank=True, help_text=_("Par ex. FR-BIO-01.")
    )
    organic_certificate_number = models.CharField(_("numéro du certificat bio"), max_length=60, blank=True)
    organic_valid_until = models.DateField(_("certificat bio valable jusqu'au"), null=True, blank=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("réglages d'étiquetage")
        verbose_name_plural = _("réglages d'étiquetage")

    def __str__(self):
        return str(self.territory)

    def clean(self):
        from django.core.exceptions import ValidationError

        code = self.organic_certifier_code
        if code and not re.fullmatch(r"[A-Z]{2}-BIO-[0-9]{2,3}", code):
            raise ValidationError(
                {"organic_certifier_code": _("Code d'organisme certificateur attendu sous la forme FR-BIO-01.")}
            )
        organic = [self.organic_certifier, code, self.organic_certificate_number, self.organic_valid_until]
        if any(organic) and not all(organic):
            raise ValidationError(
                _("Certification bio : indiquez l'organisme, son code, le numéro du certificat et sa fin de validité.")
            )

    def organic_certified_on(self, day) -> bool:
        """The operator may use organic wording on `day`: certifier, code, number and a certificate still valid."""
        return bool(
            self.organic_certifier
            and self.organic_certifier_code
            and self.organic_certificate_number
            and self.organic_valid_until
            and self.organic_valid_until >= day
        )


class StabilityResult(models.TextChoices):
    PENDING = "pending", _("En incubation")
    PASSED = "passed", _("Stable")
    FAILED = "failed", _("Instable")


class StabilityTest(models.Model):
    """Stability test of a low-acid lot (NF V08-408 practice): sample jars incubated 7 days at 37 °C (and at 55 °C
    where the recipe says so), then examined: no swelling, no leak, pH drift ≤ 0.5, normal appearance."""

    lot = models.ForeignKey(ProductionLot, on_delete=models.CASCADE, related_name="stability_tests")
    jars = models.PositiveIntegerField(_("bocaux mis en incubation"))
    at_55 = models.BooleanField(_("aussi 7 jours à 55 °C"), default=False)
    started_on = models.DateField(_("mis en incubation le"))
    ends_on = models.DateField(_("fin d'incubation"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(
        _("résultat"), max_length=10, choices=StabilityResult.choices, default=StabilityResult.PENDING
    )
    swelling = models.BooleanField(_("bocal bombé"), default=False)
    leak = models.BooleanField(_("fuite"), default=False)
    ph_before = models.DecimalField(_("pH avant"), max_digits=3, decimal_places=1, null=True, blank=True)
    ph_after = models.DecimalField(_("pH après"), max_digits=3, decimal_places=1, null=True, blank=True)
    appearance_ok = models.BooleanField(_("aspect, odeur normaux"), default=True)
    note = models.CharField(_("remarque"), max_length=250, blank=True)
    examined_on = models.DateField(_("examiné le"), null=True, blank=True)
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = scoped_manager("lot__territory")

    class Meta:
        verbose_name = _("test de stabilité")
        verbose_name_plural = _("tests de stabilité")
        ordering = ["started_on", "id"]

    @property
    def passed(self) -> bool:
        return self.result == StabilityResult.PASSED

    @property
    def failed(self) -> bool:
        return self.result == StabilityResult.FAILED
