"""People: the residents who take part (as little personal data as needed), their consents and erasures, who read
their social data, and the sign-up rules that workshops and gleaning outings share (docs/architecture.md)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.core.status import StatusColours
from conserverie.people.phones import phone_display
from conserverie.territories.models import Territory

# A reminder no channel accepted is tried again by `conserverie reminders` (deploy/conserverie.cron runs it at 9:00,
# 11:00, 14:00 and 18:00 the day before), at most REMINDER_ATTEMPTS times in all, each retry later than the one
# before (REMINDER_BACKOFF after the failed attempt n; people.signup.remind).
REMINDER_ATTEMPTS = 4
REMINDER_BACKOFF_MINUTES = (30, 120, 240)


class HowHeard(models.TextChoices):
    WORD_OF_MOUTH = "word", _("Bouche-à-oreille")
    SOCIAL_CENTRE = "centre", _("Centre social")
    POSTER = "poster", _("Affiche")
    MARKET = "market", _("Marché")
    SOCIAL_MEDIA = "social", _("Réseaux sociaux")
    OTHER = "other", _("Autre")


class Household(models.Model):
    """One home: the people who live together (docs/architecture.md §3, "One person, one household").

    What "households reached" counts: every participant belongs to one household; two sign-ups of one home (the
    same phone or e-mail, another first name) are two people of one household. Its size, its commune and whether it
    lives in a priority area (QPV) describe the home, not one person; `address` is where it lives when the
    structure knows it (the figures may place it in a QPV from there).
    """

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="households")
    size = models.PositiveSmallIntegerField(_("personnes au foyer"), default=1)
    commune = models.CharField(_("quartier ou commune"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    priority_area = models.BooleanField(_("habite un quartier prioritaire"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="household_size_min")]

    def __str__(self):
        return _("Foyer n° %(pk)s") % {"pk": self.pk}


class Participant(models.Model):
    """A resident: as little personal data as the workshop needs (docs/architecture.md §2, privacy by design).

    One person is one row: a public sign-up finds the person again by phone (stored in E.164, `people.phones`) or
    e-mail with the same first name (`people.signup.participant_find_or_create`); duplicates left over are merged
    by a coordinator (`people.merge`). The size of the home and whether it is in a priority area belong to the
    person's `household`.
    """

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="participants")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("foyer"), null=True
    )
    first_name = models.CharField(_("prénom"), max_length=60)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True, db_index=True)
    neighbourhood = models.CharField(_("quartier ou commune"), max_length=100, blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"))
    reminders = models.BooleanField(_("accepte les rappels"), default=False)
    how_heard = models.CharField(_("a connu la conserverie par"), max_length=12, choices=HowHeard.choices, blank=True)
    erased_at = models.DateTimeField(_("effacé le"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("fusionné dans"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["first_name", "id"]

    def __str__(self):
        return f"{self.first_name} #{self.pk}"

    @property
    def household_size(self) -> int:
        return self.household.size if self.household_id else 1

    @property
    def priority_area(self) -> bool:
        return bool(self.household_id and self.household.priority_area)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)


def new_token() -> str:
    """32 URL-safe characters (192 random bits): the personal link to cancel a sign-up."""
    return secrets.token_urlsafe(24)


class ConsentScope(models.TextChoices):
    CONTACT = "contact", _("Contact au sujet de l'atelier")
    REMINDERS = "reminders", _("Rappels avant les ateliers")
    PHOTOS = "photos", _("Photos")
    SURVEYS = "surveys", _("Questionnaires d'utilité sociale")


class Consent(models.Model):
    """What a participant agreed to, when; a withdrawal keeps the row with its date (proof of consent, RGPD art. 7)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("objet"), max_length=10, choices=ConsentScope.choices)
    given_at = models.DateTimeField(_("donné le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = scoped_manager("participant__territory")

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["participant", "scope"]
        constraints = [models.UniqueConstraint(fields=["participant", "scope"], name="consent_once_per_scope")]

    def __str__(self):
        return f"{self.participant} · {self.get_scope_display()}"


class ErasureRecord(models.Model):
    """Who erased a participant's identity, when and why (the person's data itself is gone)."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="erasure")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(_("effacé le"))
    reason = models.CharField(_("motif"), max_length=250, blank=True)
    retention = models.BooleanField(_("durée de conservation dépassée"), default=False)

    objects = scoped_manager("participant__territory")

    class Meta:
        verbose_name = _("effacement")
        verbose_name_plural = _("effacements")
        ordering = ["-erased_at", "-id"]

    def __str__(self):
        return f"#{self.participant_id} · {self.erased_at:%d/%m/%Y}"


class AccessLog(models.Model):
    """One reading of a participant's social-situation fields by a member of staff (issue 9: who read what, when).

    Rows are written by `conserverie.people.audit.log_participant_read`, never edited. The participant link is
    emptied when the person is erased (the row keeps who read, when and why, not whom).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("personne")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("territoire")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    fields = models.CharField(_("champs lus"), max_length=200)
    purpose = models.CharField(_("finalité"), max_length=100)
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    objects = scoped_manager("territory")

    class Meta:
        verbose_name = _("lecture de données sociales")
        verbose_name_plural = _("lectures de données sociales")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["territory", "-at"], name="accesslog_territory_at")]

    def __str__(self):
        return f"{self.user} · {self.fields} · {self.at:%d/%m/%Y %H:%M}"


# --- One sign-up: what a workshop and a gleaning outing share (docs/architecture.md §3, "One sign-up") -----------


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulé")


def bookable_statuses(*, planned, done, cancelled) -> type[models.TextChoices]:
    """A bookable's `Status`: the same stored values for every bookable (the shared rules read them), each in its own
    words (« Prévu » for a workshop, « Prévue » for an outing)."""
    members = [("PLANNED", ("planned", planned)), ("DONE", ("done", done)), ("CANCELLED", ("cancelled", cancelled))]
    return models.TextChoices("Status", members)


class BookableQuerySet(models.QuerySet):
    def with_counts(self):
        """Each row with `places_taken` (confirmed), `people_waiting` and `people_present` (live and attended):
        sums of party sizes, None when there is nobody."""
        status = "registrations__status"
        live = ~Q(**{status: RegistrationStatus.CANCELLED})
        return self.annotate(
            places_taken=Sum("registrations__party_size", filter=Q(**{status: RegistrationStatus.CONFIRMED})),
            people_waiting=Sum("registrations__party_size", filter=Q(**{status: RegistrationStatus.WAITING})),
            people_present=Sum("registrations__party_size", filter=live & Q(registrations__attended=True)),
        )


class Bookable(StatusColours, models.Model):
    """Something people sign up for, with a number of places: a workshop, a gleaning outing.

    A concrete model says what its sign-ups are (a `RegistrationBase` whose key to it has
    `related_name="registrations"`), when it starts (`starts_at`) and what planned and cancelled are: a `status`
    field with `Status = bookable_statuses(…)` as its choices (or its own `is_planned`, `is_cancelled`). The
    waiting-list rules (`seat_status`, `promote_waiting`) count the rows of the database: call them inside a
    transaction, after locking the row (`people.signup.lock`).
    """

    # The stored values of `bookable_statuses`: planned, done, cancelled (core.status draws the badge).
    STATUS_COLOURS = {"planned": "primary", "done": "success"}

    capacity = models.PositiveIntegerField(_("places"), default=12)
    cancel_reason = models.CharField(_("raison de l'annulation"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def count_places_taken(self) -> int:
        """Places of the confirmed sign-ups, counted in the database now."""
        return self.registrations.confirmed().places()

    @property
    def places_left(self) -> int:
        """Free places: from `with_counts()` when the row was read with it (no query), else counted."""
        annotated = "places_taken" in self.__dict__
        taken = (self.places_taken or 0) if annotated else self.count_places_taken()
        return max(self.capacity - taken, 0)

    @property
    def accepts_signups(self) -> bool:
        """Planned, not cancelled and not started yet."""
        return self.is_planned and not self.is_cancelled and self.starts_at > timezone.now()

    def seat_status(self, party_size: int) -> str:
        """Confirmed while the places allow, else on the waiting list. Call after locking this row."""
        full = self.count_places_taken() + party_size > self.capacity
        return RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED

    def promote_waiting(self) -> None:
        """Move people up from the waiting list, first come first served, while places allow. Call after locking."""
        free = self.capacity - self.count_places_taken()
        for waiting in self.registrations.waiting():
            if waiting.party_size <= free:
                waiting.status = RegistrationStatus.CONFIRMED
                waiting.save()
                free -= waiting.party_size


class RegistrationQuerySet(models.QuerySet):
    def live(self):
        """Not cancelled: confirmed or waiting."""
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "id")

    def to_tell(self):
        """The people to tell when the event is cancelled: everyone registered or waiting, in sign-up order."""
        return self.live().select_related("participant").order_by("created_at", "id")

    def to_remind(self, now=None):
        """Confirmed, not reminded yet, and not given up on: no failed attempt, or the next one is due (whether the
        person wants reminders is `people.signup.wants_reminders`; the retries are `people.signup.remind`'s)."""
        now = now or timezone.now()
        return self.confirmed().filter(
            Q(reminder_retry_at__isnull=True) | Q(reminder_retry_at__lte=now),
            reminded_at__isnull=True,
            reminder_attempts__lt=REMINDER_ATTEMPTS,
        )

    def reminder_failed(self):
        """Live rows whose reminder the provider refused at least once and that never went out: the coordinator's
        list (retried later, or given up after REMINDER_ATTEMPTS)."""
        return self.live().filter(reminded_at__isnull=True, reminder_attempts__gt=0)

    def places(self) -> int:
        """The people these rows count (their party sizes)."""
        return self.aggregate(n=Sum("party_size"))["n"] or 0


class RegistrationBase(models.Model):
    """A resident (and the people with them) signed up for a `Bookable`.

    A concrete model adds its key to the bookable (`related_name="registrations"`, named by `bookable_field`), its
    key to the participant, the name of its public cancel URL (`cancel_url_name`) and its own extras.
    """

    Status = RegistrationStatus
    bookable_field = ""  # the concrete model's key to its Bookable: "workshop", "outing"
    cancel_url_name = ""  # the public cancel page, by URL name, taking the token

    party_size = models.PositiveSmallIntegerField(_("nombre de personnes"), default=1)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    attended = models.BooleanField(_("présent"), default=False)
    token = models.CharField(_("lien personnel"), max_length=32, unique=True, default=new_token, editable=False)
    # The key of the public form that made this row: the same form sent twice (a double click, a resubmission)
    # finds this row again instead of making a second one (`people.signup.person_signup`).
    idempotency_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True, editable=False)
    # A reminder no channel accepted (the SMS provider refused it, the mail server was down): how many attempts, why
    # the last one failed (a short code, never a number or a link: core/sms.py) and when the next one may go.
    reminder_attempts = models.PositiveSmallIntegerField(_("essais de rappel"), default=0, editable=False)
    reminder_error = models.CharField(_("raison de l'échec du rappel"), max_length=40, blank=True, editable=False)
    reminder_retry_at = models.DateTimeField(_("prochain essai de rappel"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1), name="%(app_label)s_%(class)s_party_size_min"),
        ]

    def __str__(self):
        return f"{self.participant} → {self.bookable}"

    @property
    def bookable(self) -> Bookable:
        return getattr(self, self.bookable_field)

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == RegistrationStatus.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def can_cancel_online(self) -> bool:
        """The personal link cancels until the event starts."""
        return not self.is_cancelled and self.bookable.starts_at > timezone.now()

    def cancel_url(self) -> str:
        """The personal link to cancel, in full (e-mails, text messages, the confirmation page)."""
        return settings.SITE_URL.rstrip("/") + reverse(self.cancel_url_name, args=[self.token])
