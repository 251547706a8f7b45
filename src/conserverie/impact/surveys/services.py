"""Writes on surveys and testimonies: create, add questions, open and close, record an answer, keep a quote.

A survey's questions change only while it is a draft: once people have answered, the questions stay as they
were asked. A response is anonymous; it is refused whole (nothing written) when one answer is wrong.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.impact.models import Answer, Audience, Question, Response, Survey, Testimony
from conserverie.territories.models import STAFF_ROLES
from conserverie.territories.permissions import require_role, require_same_territory

NUMBER_MAX = Decimal("1000000")


def survey_create(*, actor, territory, title: str, audience: str, intro: str = "") -> Survey:
    require_role(actor, territory, STAFF_ROLES)
    survey = Survey(territory=territory, title=title.strip(), audience=audience, intro=intro.strip(), created_by=actor)
    with transaction.atomic():
        return save_as(survey, actor)


def survey_update(*, actor, survey: Survey, title: str, audience: str, intro: str = "") -> Survey:
    require_role(actor, survey.territory, STAFF_ROLES)
    survey.title, survey.audience, survey.intro = title.strip(), audience, intro.strip()
    with transaction.atomic():
        return save_as(survey, actor)


def _check_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(
            {
                "survey": _(
                    "Les questions ne changent plus une fois le questionnaire ouvert : les réponses en dépendent."
                )
            }
        )


def question_add(
    *, actor, survey: Survey, text: str, kind: str, required: bool = False, indicator=None, order: int | None = None
) -> Question:
    require_role(actor, survey.territory, STAFF_ROLES)
    if indicator is not None and indicator.dimension.territory_id != survey.territory_id:
        require_same_territory(survey.territory, indicator.dimension)
    _check_draft(survey)
    if indicator is not None and kind == Question.Kind.TEXT:
        raise ValidationError({"indicator": _("Une réponse libre ne peut pas nourrir un indicateur chiffré.")})
    if order is None:
        order = survey.questions.count() + 1
    question = Question(
        survey=survey, text=text.strip(), kind=kind, required=required, indicator=indicator, order=order
    )
    with transaction.atomic():
        return save_as(question, actor)


def question_delete(*, actor, question: Question) -> None:
    survey = question.survey
    require_role(actor, survey.territory, STAFF_ROLES)
    _check_draft(survey)
    with transaction.atomic():
        question._history_user = actor
        question.delete()


def survey_open(*, actor, survey: Survey) -> Survey:
    require_role(actor, survey.territory, STAFF_ROLES)
    if survey.status == Survey.Status.OPEN:
        return survey
    if not survey.questions.exists():
        raise ValidationError({"survey": _("Ajoutez au moins une question avant d'ouvrir le questionnaire.")})
    survey.status = Survey.Status.OPEN
    survey.opened_at = survey.opened_at or timezone.now()
    survey.closed_at = None
    with transaction.atomic():
        return save_as(survey, actor)


def survey_close(*, actor, survey: Survey) -> Survey:
    require_role(actor, survey.territory, STAFF_ROLES)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError({"survey": _("Seul un questionnaire ouvert peut être fermé.")})
    survey.status = Survey.Status.CLOSED
    survey.closed_at = timezone.now()
    with transaction.atomic():
        return save_as(survey, actor)


def _clean_value(question: Question, raw) -> tuple[Decimal | None, str]:
    """(value, text) of one raw answer; ValidationError with a French message at the question's field."""
    field = f"q{question.pk}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if question.required:
            raise ValidationError({field: _("Merci de répondre à cette question.")})
        return None, ""
    if question.kind == Question.Kind.TEXT:
        text = str(raw).strip()
        if len(text) > 2000:
            raise ValidationError({field: _("Votre réponse est trop longue (2 000 caractères au plus).")})
        return None, text
    if question.kind == Question.Kind.YES_NO:
        mapping = {"oui": Decimal(1), "yes": Decimal(1), "1": Decimal(1), "non": Decimal(0), "no": Decimal(0)}
        mapping["0"] = Decimal(0)
        key = str(raw).strip().lower()
        if isinstance(raw, bool):
            return Decimal(int(raw)), ""
        if key not in mapping:
            raise ValidationError({field: _("Répondez par oui ou par non.")})
        return mapping[key], ""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({field: _("Écrivez un nombre, par exemple 3.")})
    if question.kind == Question.Kind.LIKERT:
        if value != value.to_integral_value() or not 1 <= value <= 5:
            raise ValidationError({field: _("Choisissez une note de 1 à 5.")})
        return value, ""
    if value < 0 or value >= NUMBER_MAX:
        raise ValidationError({field: _("Écrivez un nombre positif, plus petit qu'un million.")})
    return value.quantize(Decimal("0.01")), ""


def _answers(survey: Survey, questions, raw_answers: dict) -> list[Answer]:
    errors, rows = {}, []
    for question in questions:
        try:
            value, text = _clean_value(question, raw_answers.get(question.pk))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if value is not None or text:
            rows.append(Answer(question=question, value=value, text=text))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError({"__all__": _("Répondez à au moins une question avant d'envoyer.")})
    return rows


@transaction.atomic
def _record(
    survey: Survey, rows: list[Answer], *, day: date, channel: str, actor=None, idempotency_key: str = ""
) -> Response:
    response = Response.objects.create(
        survey=survey, answered_on=day, channel=channel, entered_by=actor, idempotency_key=idempotency_key
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


def response_submit(*, survey: Survey, answers: dict, day: date | None = None, idempotency_key: str = "") -> Response:
    """An anonymous answer through the link: only while the survey is open. `answers` = {question pk: raw value}.

    The same form sent twice (`idempotency_key`: a double click, a resubmission) gives back the answer recorded the
    first time and records nothing (issue 17): the survey's row is locked while the key is looked for."""
    if survey.status != Survey.Status.OPEN:
        raise ValidationError({"__all__": _("Ce questionnaire est fermé : merci, mais il ne prend plus de réponses.")})
    questions = list(survey.questions.all())
    rows = _answers(survey, questions, answers)
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        if idempotency_key:
            done = survey.responses.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                return done
        return _record(
            survey,
            rows,
            day=day or timezone.localdate(),
            channel=Response.Channel.ONLINE,
            idempotency_key=idempotency_key,
        )


def response_enter(*, actor, survey: Survey, answers: dict, day: date) -> Response:
    """A paper questionnaire typed in by staff: also once the survey is closed (the papers come back late)."""
    require_role(actor, survey.territory, STAFF_ROLES)
    if survey.status == Survey.Status.DRAFT:
        raise ValidationError({"__all__": _("Ouvrez d'abord le questionnaire : ses questions seront alors fixées.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("La date de la réponse ne peut pas être dans le futur.")})
    questions = list(survey.questions.all())
    rows = _answers(survey, questions, answers)
    return _record(survey, rows, day=day, channel=Response.Channel.PAPER, actor=actor)


@dataclass
class TestimonyData:
    __test__ = False

    text: str
    audience: str
    said_on: date
    dimensions: list
    kind: str = Testimony.Kind.TESTIMONY
    role: str = ""
    event: str = ""
    workshop: object = None
    selected: bool = False


def _check_testimony(territory, data: TestimonyData) -> None:
    require_same_territory(territory, data.workshop, *[d for d in data.dimensions])
    if not data.text.strip():
        raise ValidationError({"text": _("Écrivez les paroles rapportées.")})
    if not data.dimensions:
        raise ValidationError({"dimensions": _("Choisissez au moins une dimension de la fleur.")})
    if data.audience not in Audience.values:
        raise ValidationError({"audience": _("Choisissez un public.")})
    if data.said_on > timezone.localdate():
        raise ValidationError({"said_on": _("La date ne peut pas être dans le futur.")})


def testimony_save(*, actor, territory, data: TestimonyData, testimony: Testimony | None = None) -> Testimony:
    """Create (`testimony` None) or change a testimony; the author is a role, never a name."""
    require_role(actor, territory, STAFF_ROLES)
    if testimony is not None:
        require_same_territory(territory, testimony)
    _check_testimony(territory, data)
    testimony = testimony or Testimony(territory=territory, created_by=actor)
    testimony.text = data.text.strip()
    testimony.kind = data.kind
    testimony.audience = data.audience
    testimony.role = data.role.strip()
    testimony.said_on = data.said_on
    testimony.event = data.event.strip()
    testimony.workshop = data.workshop
    testimony.selected = data.selected
    with transaction.atomic():
        save_as(testimony, actor)
        testimony.dimensions.set(data.dimensions)
    return testimony


def testimony_select(*, actor, testimony: Testimony, selected: bool) -> Testimony:
    require_role(actor, testimony.territory, STAFF_ROLES)
    testimony.selected = selected
    with transaction.atomic():
        return save_as(testimony, actor)
