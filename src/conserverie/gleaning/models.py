"""Gleaning outings (randos'cueillettes): residents pick at a farm what it cannot sell, the kilos become raw lots.

Sign-ups follow the workshops' rules: a Participant (the same person as at the workshops), a party size, a waiting
list when full and a personal cancel link. Both are the shared sign-up of `people` (`Bookable`, `RegistrationBase`,
`people.signup`), so the statuses and the waiting-list rules are written once.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.people.models import (
    Bookable,
    BookableQuerySet,
    Participant,
    RegistrationBase,
    RegistrationQuerySet,
    bookable_statuses,
)
from conserverie.producers.models import Producer, SurplusOffer
from conserverie.territories.models import Territory


class GleaningOutingQuerySet(BookableQuerySet):
    def upcoming(self):
        """Planned outings from today on (an outing of today stays listed until its day is over)."""
        return self.filter(date__gte=timezone.localdate(), status=GleaningOuting.Status.PLANNED).order_by(
            "date", "start_time", "id"
        )


class GleaningOuting(Bookable):
    Status = bookable_statuses(planned=_("Prévue"), done=_("Réalisée"), cancelled=_("Annulée"))

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="gleaning_outings")
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="gleaning_outings", verbose_name=_("ferme")
    )
    offer = models.ForeignKey(
        SurplusOffer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gleaning_outings",
        verbose_name=_("offre de glanage"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    meeting_point = models.CharField(_("point de rendez-vous"), max_length=200)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    products_expected = models.CharField(_("produits attendus"), max_length=200, blank=True)
    note = models.TextField(_("remarque"), blank=True, max_length=5000)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory", GleaningOutingQuerySet)

    class Meta:
        verbose_name = _("sortie de glanage")
        verbose_name_plural = _("sorties de glanage")
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="outing_ends_after"),
        ]

    def __str__(self):
        return f"{_('Glanage')} {self.producer.name} — {self.date:%d/%m/%Y}"

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.end_time))

    @property
    def duration_hours(self) -> Decimal:
        """The outing's length in hours, to the quarter hour: what each person present gave by default."""
        minutes = (datetime.combine(self.date, self.end_time) - datetime.combine(self.date, self.start_time)) / (
            timedelta(minutes=1)
        )
        return (Decimal(int(minutes)) / 60 * 4).quantize(Decimal("1")) / 4

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


class GleaningRegistration(RegistrationBase):
    """A resident (and the people with them) signed up for an outing: the shared sign-up of `people`."""

    bookable_field = "outing"
    cancel_url_name = "gleaning_public:cancel"

    outing = models.ForeignKey(GleaningOuting, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="gleaning_registrations")
    history = HistoricalRecords()

    objects = scoped_manager("outing__territory", RegistrationQuerySet)

    class Meta(RegistrationBase.Meta):
        verbose_name = _("inscription à une sortie de glanage")
        verbose_name_plural = _("inscriptions aux sorties de glanage")
        constraints = [
            *RegistrationBase.Meta.constraints,
            models.UniqueConstraint(fields=["outing", "participant"], name="gleaning_registration_once"),
        ]
