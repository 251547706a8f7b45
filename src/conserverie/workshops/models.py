from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.periods import in_days
from conserverie.core.scoping import scoped_manager
from conserverie.people.models import (
    Bookable,
    BookableQuerySet,
    Participant,
    RegistrationBase,
    RegistrationQuerySet,
    bookable_statuses,
)
from conserverie.territories.models import Site, Structure, Territory


class WorkshopQuerySet(BookableQuerySet):
    def between(self, start, end):
        """Workshops not cancelled whose day is from `start` to `end` (included; None leaves that side open)."""
        return self.exclude(status=Workshop.Status.CANCELLED).filter(in_days("starts_at", start, end))

    def held_between(self, start, end):
        """The workshops of `between` that have already started: what was held, not what is planned."""
        return self.between(start, end).filter(starts_at__lt=timezone.now())

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now(), status=Workshop.Status.PLANNED).order_by("starts_at")


class WorkshopSeries(models.Model):
    """A recurring workshop: the same weekday, place and times, from a first date to a last date."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lundi")
        TUESDAY = 1, _("mardi")
        WEDNESDAY = 2, _("mercredi")
        THURSDAY = 3, _("jeudi")
        FRIDAY = 4, _("vendredi")
        SATURDAY = 5, _("samedi")
        SUNDAY = 6, _("dimanche")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="workshop_series")
    title = models.CharField(_("titre"), max_length=150)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("lieu"))
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="+", verbose_name=_("structure d'accueil")
    )
    weekday = models.PositiveSmallIntegerField(_("jour de la semaine"), choices=Weekday.choices)
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    first_date = models.DateField(_("à partir du"))
    last_date = models.DateField(_("jusqu'au"))
    capacity = models.PositiveIntegerField(_("places"), default=12)
    animators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    planned_recipes = models.ManyToManyField("recipes.Recipe", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[])

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("série d'ateliers")
        verbose_name_plural = _("séries d'ateliers")
        ordering = ["first_date", "id"]

    def __str__(self):
        return f"{self.title} — {self.get_weekday_display()}"


def workshop_label(title: str, starts_at) -> str:
    """How a workshop is written: its title and its local start (in lists read as tuples too, workshops/choices.py)."""
    return f"{title} — {timezone.localtime(starts_at):%d/%m/%Y %H:%M}"


class Workshop(Bookable):
    Status = bookable_statuses(planned=_("Prévu"), done=_("Réalisé"), cancelled=_("Annulé"))

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("titre"), max_length=150)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("lieu"))
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("structure d'accueil")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    animators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    planned_recipes = models.ManyToManyField("recipes.Recipe", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        WorkshopSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("série"),
    )
    history = HistoricalRecords(m2m_fields=[])

    objects = scoped_manager("territory", WorkshopQuerySet)

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at"]
        # The workshops of a period, grouped by territory (issue 20, docs/performance.md).
        indexes = [models.Index(fields=["territory", "starts_at"], name="workshop_territory_starts")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after")
        ]

    def __str__(self):
        return workshop_label(self.title, self.starts_at)

    def expected_products(self) -> list[str]:
        """The produce the planned recipes call for: what the round must bring to this workshop.

        Reads prefetched `planned_recipes__ingredients` when the caller prefetched them (see planning.py).
        """
        names = {
            ingredient.product.name
            for recipe in self.planned_recipes.all()
            for ingredient in recipe.ingredients.all()
            if ingredient.product_id
        }
        return sorted(names)


class Registration(RegistrationBase):
    bookable_field = "workshop"
    cancel_url_name = "public:cancel"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="registrations")
    walk_in = models.BooleanField(_("venu sans inscription"), default=False)
    history = HistoricalRecords()

    objects = scoped_manager("workshop__territory", RegistrationQuerySet)

    class Meta(RegistrationBase.Meta):
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            *RegistrationBase.Meta.constraints,
            models.UniqueConstraint(fields=["workshop", "participant"], name="registration_once_per_workshop"),
        ]


class VolunteerHours(models.Model):
    """Time given by a volunteer (a participant, or a person with an account), valued at the minimum wage."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="volunteer_hours")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_hours"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_hours"
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer_hours"
    )
    outing = models.ForeignKey(
        "gleaning.GleaningOuting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_hours",
        verbose_name=_("sortie de glanage"),
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("heures"), max_digits=4, decimal_places=2)
    activity = models.CharField(_("activité"), max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("heures de bénévolat")
        verbose_name_plural = _("heures de bénévolat")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_hours_range"),
            models.CheckConstraint(
                condition=Q(participant__isnull=False, user__isnull=True)
                | Q(participant__isnull=True, user__isnull=False),
                name="volunteer_hours_one_person",
            ),
        ]

    def __str__(self):
        return f"{self.participant or self.user} · {self.date:%d/%m/%Y} · {self.hours} h"


class MinimumWage(models.Model):
    """The French gross hourly minimum wage (SMIC) from a date: volunteer hours are valued at the rate in force on
    the day they were given (docs/economics-en.md). A national table, not a territory's: the same for everyone."""

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    hourly_eur = models.DecimalField(_("SMIC horaire brut (€)"), max_digits=6, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("SMIC horaire")
        verbose_name_plural = _("SMIC horaires")
        ordering = ["valid_from"]
        constraints = [models.CheckConstraint(condition=Q(hourly_eur__gt=0), name="minimum_wage_positive")]

    def __str__(self):
        return f"{self.valid_from:%d/%m/%Y} : {self.hourly_eur} €/h"
