"""Surveys, answers and testimonies (Agora contributions): the voices behind the flower.

Nothing here holds personal data: a response is anonymous (no name, no contact, no address kept), and the
author of a testimony is described only by a role ("habitante du quartier de la Monnaie"), never by a name.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conserverie.core.scoping import scoped_manager
from conserverie.core.status import StatusColours
from conserverie.impact.models.flower import Dimension, Indicator
from conserverie.territories.models import Territory

__all__ = ["Answer", "Audience", "Question", "Response", "Survey", "Testimony"]


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("Habitants")
    FARMERS = "farmers", _("Producteurs")
    STAFF = "staff", _("Équipe salariée")
    BOARD = "board", _("Conseil d'administration")
    PARTNERS = "partners", _("Partenaires")


def new_survey_token() -> str:
    """The secret part of the anonymous answer link (/q/<token>/)."""
    return secrets.token_urlsafe(12)


class SurveyQuerySet(models.QuerySet):
    def of(self, territory):
        return self.filter(territory=territory)

    def with_counts(self):
        return self.annotate(
            responses_n=models.Count("responses", distinct=True),
            questions_n=models.Count("questions", distinct=True),
        )


class Survey(StatusColours, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        OPEN = "open", _("Ouverte")
        CLOSED = "closed", _("Fermée")

    STATUS_COLOURS = {Status.OPEN: "success", Status.CLOSED: "secondary", Status.DRAFT: "warning"}

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("titre"), max_length=150)
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices)
    intro = models.TextField(
        _("mot d'accueil"),
        blank=True,
        max_length=5000,
        help_text=_("Ce que lit la personne avant de répondre : pourquoi on demande, combien de temps cela prend."),
    )
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    token = models.CharField(_("lien de réponse"), max_length=24, unique=True, default=new_survey_token, editable=False)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager("territory", SurveyQuerySet)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Échelle de 1 à 5")
        YES_NO = "yes_no", _("Oui ou non")
        NUMBER = "number", _("Nombre")
        TEXT = "text", _("Réponse libre")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=250)
    kind = models.CharField(_("type de réponse"), max_length=8, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("indicateur nourri"),
        help_text=_("La moyenne (échelle, nombre) ou la part de « oui » devient la valeur de cet indicateur."),
    )

    history = HistoricalRecords()

    objects = scoped_manager("survey__territory")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One person's answers to a survey: anonymous, dated, online or typed in from paper."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("En ligne")
        PAPER = "paper", _("Sur papier")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answered_on = models.DateField(_("date de la réponse"))
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The key of the online form that made this answer: the same form sent twice records one answer (issue 17).
    idempotency_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager("survey__territory")

    class Meta:
        verbose_name = _("réponse à un questionnaire")
        verbose_name_plural = _("réponses aux questionnaires")
        ordering = ["-answered_on", "-pk"]

    def __str__(self):
        return f"{self.survey} {self.answered_on:%d/%m/%Y}"


class Answer(models.Model):
    """One answer: a Likert 1–5, yes (1) / no (0) or a number in `value`; a free text in `text`."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("texte"), blank=True, max_length=2000)

    objects = scoped_manager("response__survey__territory")

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="impact_answer_one_per_question"),
            models.CheckConstraint(condition=Q(value__isnull=False) | ~Q(text=""), name="impact_answer_not_empty"),
        ]


class TestimonyQuerySet(models.QuerySet):
    def of(self, territory):
        return self.filter(territory=territory)

    def in_period(self, period):
        return self.filter(said_on__range=(period.start, period.end))

    def selected(self):
        return self.filter(selected=True)

    def for_dimension(self, dimension, period=None):
        """The quotes about one petal (in a period when given), those chosen for reports first, newest first."""
        rows = self.filter(territory_id=dimension.territory_id, dimensions=dimension)
        if period is not None:
            rows = rows.in_period(period)
        return rows.order_by("-selected", "-said_on", "-pk")

    def search(self, text: str):
        if not text:
            return self
        return self.filter(Q(text__icontains=text) | Q(role__icontains=text) | Q(event__icontains=text))


class Testimony(models.Model):
    __test__ = False  # not a pytest test class, whatever its name

    class Kind(models.TextChoices):
        TESTIMONY = "testimony", _("Témoignage")
        AGORA = "agora", _("Contribution d'Agora")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="testimonies")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TESTIMONY)
    text = models.TextField(_("paroles"), max_length=5000)
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices)
    role = models.CharField(
        _("qui parle"),
        max_length=120,
        blank=True,
        help_text=_("Un rôle, jamais un nom : « habitante de la Monnaie », « maraîcher de Peyrins »."),
    )
    said_on = models.DateField(_("date"))
    event = models.CharField(
        _("occasion"), max_length=150, blank=True, help_text=_("Agora, atelier, fête de quartier…")
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="testimonies",
        verbose_name=_("atelier"),
    )
    dimensions = models.ManyToManyField(Dimension, related_name="testimonies", verbose_name=_("dimensions"))
    selected = models.BooleanField(_("retenu pour les rapports"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager("territory", TestimonyQuerySet)
    history = HistoricalRecords(m2m_fields=[dimensions])

    class Meta:
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")
        ordering = ["-said_on", "-pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def occasion(self) -> str:
        if self.event:
            return self.event
        return self.workshop.title if self.workshop_id else ""
