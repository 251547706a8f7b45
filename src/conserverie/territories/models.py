import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordination")
    ANIMATOR = "animator", _("Animation")
    PRODUCER = "producer", _("Producteur")
    VOLUNTEER = "volunteer", _("Bénévole")
    VIEWER = "viewer", _("Lecture (conseil, financeurs)")


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")

# Roles that work on the territory's operations (docs/architecture.md §2): they see its staff pages.
STAFF_ROLES = (Role.COORDINATOR, Role.ANIMATOR)
# Roles that may read the territory's aggregated figures (no personal data): staff, board and funders.
REPORT_ROLES = (*STAFF_ROLES, Role.VIEWER)


class TerritoryQuerySet(models.QuerySet):
    def by_slug(self, slug: str):
        """The territory of `slug`, or None, also for text that cannot be a slug (PostgreSQL refuses a NUL byte)."""
        if not slug or not SLUG.fullmatch(slug):
            return None
        return self.filter(slug=slug).first()

    def for_user(self, user, roles=None):
        """The territories where `user` holds one of `roles` (any role when None)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("territory_id"))


class Territory(models.Model):
    slug = models.SlugField(_("identifiant"), unique=True, max_length=40)
    name = models.CharField(_("nom"), max_length=120)
    code = models.CharField(
        _("code court"), max_length=4, unique=True, help_text=_("Trois lettres, en tête des codes de lot.")
    )
    organisation = models.CharField(_("structure porteuse"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    hub_lat = models.DecimalField(_("latitude du point central"), max_digits=9, decimal_places=6)
    hub_lon = models.DecimalField(_("longitude du point central"), max_digits=9, decimal_places=6)
    radius_km = models.PositiveIntegerField(_("rayon de collecte (km)"), default=30)
    school_zone = models.CharField(
        _("zone de vacances scolaires"),
        max_length=1,
        choices=[("A", _("Zone A")), ("B", _("Zone B")), ("C", _("Zone C"))],
        blank=True,
        help_text=_("Celle de l'académie du territoire (Grenoble, donc la Drôme : zone A)."),
    )
    signup_party_max = models.PositiveSmallIntegerField(
        _("personnes au plus par inscription publique"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Une inscription en ligne (atelier, sortie) compte au plus ce nombre de personnes, par foyer."),
    )
    require_2fa_for_animators = models.BooleanField(
        _("double authentification obligatoire pour l'animation"),
        default=False,
        help_text=_(
            "Les coordinateurs l'ont toujours ; cochée, les animateurs du territoire (qui lisent les données des "
            "habitants) doivent aussi la mettre en place avant d'ouvrir une page."
        ),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Structure(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_CENTRE = "social_centre", _("Centre social / maison de quartier")
        ASSOCIATION = "association", _("Association")
        COOPERATION = "cooperation", _("Coopération")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="structures")
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SOCIAL_CENTRE)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    priority_area = models.BooleanField(_("en quartier prioritaire (QPV)"), default=False)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="structure_unique_name")]

    def __str__(self):
        return self.name


class Site(models.Model):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Quartier")
        VILLAGE = "village", _("Place de village")
        MARKET = "market", _("Marché")
        EVENT = "event", _("Événement")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type de lieu"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    city = models.CharField(_("commune"), max_length=100)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    priority_area = models.BooleanField(_("quartier prioritaire (QPV)"), default=False)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("structure de référence"),
    )

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.city})"


class Vehicle(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="vehicles")
    name = models.CharField(_("nom"), max_length=100)
    plate = models.CharField(_("immatriculation"), max_length=20, blank=True)
    capacity_kg = models.PositiveIntegerField(_("charge utile (kg)"), default=600)
    # Collection rounds (docs/rounds-fr.md): the average speed on country roads and the emission factor.
    speed_kmh = models.PositiveSmallIntegerField(_("vitesse moyenne (km/h)"), default=50)
    co2_kg_per_km = models.DecimalField(
        _("émissions (kg de CO2 par km)"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.250"),
        help_text=_("0,25 kg/km : ordre de grandeur d'un utilitaire léger diesel (Base Empreinte de l'ADEME)."),
    )

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("camion")
        verbose_name_plural = _("camions")

    def __str__(self):
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Pour le rôle producteur : la ferme que ce compte représente."),
    )

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [models.UniqueConstraint(fields=["user", "territory"], name="membership_one_per_territory")]

    def __str__(self):
        return f"{self.user} — {self.territory} ({self.get_role_display()})"


class JarFormat(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="jar_formats")
    name = models.CharField(_("nom"), max_length=60)
    volume_ml = models.PositiveIntegerField(_("volume (ml)"))
    deposit_eur = models.DecimalField(_("consigne (€)"), max_digits=5, decimal_places=2)
    lid = models.CharField(_("couvercle"), max_length=60, blank=True, default="capsule twist-off")

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("format de bocal")
        verbose_name_plural = _("formats de bocaux")
        ordering = ["volume_ml"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="jarformat_unique_name"),
            models.CheckConstraint(condition=Q(deposit_eur__gte=0), name="jarformat_deposit_not_negative"),
        ]

    def __str__(self):
        return self.name


class Location(models.Model):
    class Kind(models.TextChoices):
        TRUCK = "truck", _("Camion")
        STRUCTURE = "structure", _("Structure")
        SHOP = "shop", _("Boutique du groupement d'achat")
        WASHING = "washing", _("Partenaire de lavage")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("nom"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("emplacement de stock")
        verbose_name_plural = _("emplacements de stock")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TrainingKind(models.TextChoices):
    HACCP = "haccp", _("HACCP")
    HYGIENE = "hygiene", _("Hygiène alimentaire")


class TrainingQuerySet(models.QuerySet):
    def valid_on(self, day):
        """Trainings in force on `day`: obtained on or before it, not yet expired."""
        return self.filter(obtained_on__lte=day).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))

    def expiring(self, day, days=60):
        """Valid today, expiring within `days` days: the warning of the trainings page."""
        from datetime import timedelta

        return self.valid_on(day).filter(expires_on__lte=day + timedelta(days=days))


class Training(models.Model):
    """A person's food-safety training (docs/safety-en.md): what signs a schedule, a HACCP plan or a release."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="trainings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("personne")
    )
    kind = models.CharField(_("formation"), max_length=10, choices=TrainingKind.choices)
    obtained_on = models.DateField(_("suivie le"))
    organisation = models.CharField(_("organisme"), max_length=120)
    certificate = models.FileField(_("attestation"), upload_to="trainings/%Y/", blank=True)
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory", TrainingQuerySet)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["user__username", "-obtained_on"]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} ({self.obtained_on:%d/%m/%Y})"


class PriorityArea(models.Model):
    """A priority neighbourhood of the city policy (quartier prioritaire de la politique de la ville, QPV) on the
    territory. A household counts as living in one only from its own address or the neighbourhood it declared
    (`Participant.neighbourhood` equal to one of these names, or the box it ticked), never from the site of a
    workshop it attended (docs/economics-en.md)."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="priority_areas")
    name = models.CharField(_("nom du quartier"), max_length=100)
    city = models.CharField(_("commune"), max_length=100)
    code = models.CharField(
        _("code QPV"), max_length=20, blank=True, help_text=_("Le code officiel du quartier, s'il est connu.")
    )

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["city", "name"]
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="priority_area_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.city})"


def siren_valid(siren: str) -> bool:
    """Nine digits whose Luhn checksum is right (INSEE's key of the SIREN)."""
    if not (len(siren) == 9 and siren.isdigit()):
        return False
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if value and not siren_valid(value):
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Un SIREN a 9 chiffres et sa clé doit être juste : vérifiez le numéro."))


class LegalEntity(models.Model):
    """The legal person that receives the farms' gifts and signs their receipts (article 238 bis CGI, Cerfa 16216).

    A territory is run by a legal person (an association, most often) that is not the territory itself nor the
    convention between its social centres: the receipt names this entity, its identification and the ground on
    which the gifts it receives open the tax reduction (docs/economics-en.md, "Donation receipts").
    """

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="legal_entity")
    name = models.CharField(_("dénomination"), max_length=200)
    legal_form = models.CharField(
        _("forme juridique"), max_length=120, help_text=_("Ex. : association déclarée (loi du 1er juillet 1901).")
    )
    # The one SIREN of the territory's association: the receipts print it and the FEC file is named with it
    # (article A47 A-1 LPF, economics/fec.py).
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres.")), validate_siren],
    )
    rna = models.CharField(
        _("numéro RNA"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^W\d{9}$", _("Le numéro RNA s'écrit W suivi de 9 chiffres."))],
    )
    address = models.CharField(_("adresse complète"), max_length=250)
    city = models.CharField(_("lieu de signature (commune)"), max_length=100)
    purpose = models.TextField(
        _("objet"), max_length=2000, help_text=_("L'objet statutaire, assez précis pour juger de l'éligibilité.")
    )
    eligibility = models.CharField(
        _("fondement de l'éligibilité"),
        max_length=300,
        help_text=_("Ex. : organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI)."),
    )
    # The receipts of sales say why no VAT is added (or at which rate it is): the platform cannot know the
    # association's regime, so the treasurer writes the mention its accountant gives (docs/guide-fr.md §6).
    vat_mention = models.CharField(
        _("mention de TVA sur les reçus de vente"),
        max_length=200,
        blank=True,
        help_text=_(
            "Celle que donne votre comptable. Ex. : « Exonération de TVA, art. 261-7-1° b du CGI » (organisme "
            "sans but lucratif à caractère social) ou « TVA non applicable, art. 293 B du CGI » (franchise en base)."
        ),
    )
    signatory_name = models.CharField(_("nom du signataire"), max_length=120)
    signatory_role = models.CharField(_("qualité du signataire"), max_length=120, help_text=_("Ex. : présidente."))
    signature = models.ImageField(_("image de la signature"), upload_to="signatures/", blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("entité juridique")
        verbose_name_plural = _("entités juridiques")
        constraints = [
            models.CheckConstraint(condition=~Q(siren="") | ~Q(rna=""), name="legal_entity_siren_or_rna"),
        ]

    def __str__(self):
        return self.name

    @property
    def identifier(self) -> str:
        parts = []
        if self.siren:
            parts.append(f"SIREN {self.siren}")
        if self.rna:
            parts.append(f"RNA {self.rna}")
        return " — ".join(parts)
