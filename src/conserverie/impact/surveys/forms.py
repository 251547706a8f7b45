"""Forms of the surveys and testimonies: the team's forms, and the public answer form built from the questions."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conserverie.core.forms import BoundedForm, IdempotentForm
from conserverie.core.pages import DateInput
from conserverie.impact.models import Audience, Dimension, Indicator, Question, Survey, Testimony
from conserverie.impact.surveys.services import TestimonyData
from conserverie.workshops.models import Workshop


class SurveyForm(BoundedForm):
    title = forms.CharField(
        label=_("Titre"), max_length=150, error_messages={"required": _("Donnez un titre au questionnaire.")}
    )
    audience = forms.ChoiceField(label=_("Pour qui"), choices=Audience.choices)
    intro = forms.CharField(
        label=_("Mot d'accueil"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Survey._meta.get_field("intro").help_text,
    )


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.dimension.name} — {obj.name}"


class QuestionForm(BoundedForm):
    text = forms.CharField(label=_("Question"), max_length=250, error_messages={"required": _("Écrivez la question.")})
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
    indicator = IndicatorChoiceField(
        label=_("Indicateur nourri (si vous voulez)"), queryset=Indicator.objects.none(), required=False
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(dimension__territory=territory, source=Indicator.Source.SURVEY)
            .select_related("dimension")
            .order_by("dimension__order", "order", "pk")
        )


LIKERT_LABELS = {
    1: _("1 — Pas du tout"),
    2: _("2 — Un peu"),
    3: _("3 — Moyennement"),
    4: _("4 — Beaucoup"),
    5: _("5 — Tout à fait"),
}


class BigRadio(forms.RadioSelect):
    """Radio buttons the template draws as large Bootstrap buttons (a phone in one hand)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"class": "btn-check", **(attrs or {})}, choices=choices)


class AnswerForm(IdempotentForm):
    """One field per question, named q<pk>; the service checks the values again."""

    # The honeypot: hidden from people, filled in by robots that fill every field.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, questions, with_day: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if with_day:
            self.fields["day"] = forms.DateField(
                label=_("Date de la réponse sur papier"),
                widget=DateInput,
                initial=timezone.localdate,
                error_messages={"required": _("Indiquez la date de la réponse.")},
            )
            del self.fields["website"]
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question)

    @staticmethod
    def _field(question: Question):
        common = {"label": question.text, "required": False}
        if question.kind == Question.Kind.LIKERT:
            return forms.ChoiceField(
                choices=list(LIKERT_LABELS.items()),
                widget=BigRadio,
                error_messages={"invalid_choice": _("Choisissez une note de 1 à 5.")},
                **common,
            )
        if question.kind == Question.Kind.YES_NO:
            return forms.ChoiceField(
                choices=[("oui", _("Oui")), ("non", _("Non"))],
                widget=BigRadio,
                error_messages={"invalid_choice": _("Répondez par oui ou par non.")},
                **common,
            )
        if question.kind == Question.Kind.NUMBER:
            return forms.CharField(
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}), max_length=20, **common
            )
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)

    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def field_items(self):
        for question in self.questions:
            yield question, self[f"q{question.pk}"]

    def raw_answers(self) -> dict:
        """{question pk: raw text}: the service validates and converts (one set of rules, French messages)."""
        return {q.pk: self.data.get(f"q{q.pk}", "") for q in self.questions}


class DimensionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TestimonyForm(BoundedForm):
    text = forms.CharField(
        label=_("Paroles rapportées"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez les paroles rapportées.")},
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Testimony.Kind.choices)
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    role = forms.CharField(
        label=_("Qui parle (un rôle, jamais un nom)"),
        max_length=120,
        required=False,
        help_text=Testimony._meta.get_field("role").help_text,
    )
    said_on = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages={"required": _("Indiquez la date."), "invalid": _("Date illisible.")},
    )
    event = forms.CharField(
        label=_("Occasion"), max_length=150, required=False, help_text=_("Agora, fête de quartier…")
    )
    workshop = forms.ModelChoiceField(label=_("Ou un atelier"), queryset=Workshop.objects.none(), required=False)
    dimensions = DimensionsField(
        label=_("Dimensions de la fleur"),
        queryset=Dimension.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une dimension de la fleur.")},
    )
    selected = forms.BooleanField(label=_("Retenir cette citation pour les rapports"), required=False)

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimensions"].queryset = Dimension.objects.filter(territory=territory)
        # The workshops of the last months (and the one already chosen, however old).
        recent = Q(starts_at__lte=timezone.now(), starts_at__gte=timezone.now() - timedelta(days=500))
        chosen = self.initial.get("workshop")
        self.fields["workshop"].queryset = (
            Workshop.objects.filter(territory=territory)
            .filter(recent | Q(pk=chosen) if chosen else recent)
            .exclude(status=Workshop.Status.CANCELLED)
            .order_by("-starts_at")
        )

    def data_object(self) -> TestimonyData:
        return TestimonyData(**self.cleaned_data)

    @staticmethod
    def initial_of(testimony: Testimony) -> dict:
        return {
            "text": testimony.text,
            "kind": testimony.kind,
            "audience": testimony.audience,
            "role": testimony.role,
            "said_on": testimony.said_on,
            "event": testimony.event,
            "workshop": testimony.workshop_id,
            "dimensions": list(testimony.dimensions.all()),
            "selected": testimony.selected,
        }
