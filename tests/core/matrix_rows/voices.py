"""Permission-matrix rows of the surveys, testimonies and reports (issue #7).

Staff build surveys and keep testimonies; viewers (board, funders) read the results and the reports, which hold
no personal data and no group under 5; anyone may answer an open survey through its anonymous link.
"""

from datetime import date

from conserverie.impact.models import Dimension, Question, Survey, Testimony
from conserverie.impact.services import dimensions_create_defaults
from conserverie.impact.surveys.services import (
    TestimonyData,
    question_add,
    survey_create,
    survey_open,
    testimony_save,
)

from ..matrix_base import COORD, OK, REDIRECT, Row, coordinators, everyone, post_staff, readers, staff


def _survey(w) -> Survey:
    """An open survey with one question (created once per world)."""
    survey = Survey.objects.filter(territory=w.territory, title="Matrice").first()
    if survey is None:
        survey = survey_create(actor=w.actor, territory=w.territory, title="Matrice", audience="residents")
        question_add(actor=w.actor, survey=survey, text="Content ?", kind=Question.Kind.YES_NO)
        survey = survey_open(actor=w.actor, survey=survey)
    return survey


def _testimony(w) -> Testimony:
    existing = Testimony.objects.filter(territory=w.territory).first()
    if existing:
        return existing
    dimensions_create_defaults(w.territory)
    data = TestimonyData(
        text="Un atelier joyeux.",
        audience="residents",
        said_on=date(2026, 6, 1),
        dimensions=list(Dimension.objects.filter(territory=w.territory)[:1]),
    )
    return testimony_save(actor=w.actor, territory=w.territory, data=data)


def survey_pk(w):
    return {"pk": _survey(w).pk}


def survey_token(w):
    return {"token": _survey(w).token}


def question_pks(w):
    # The survey is open: deleting its question is refused with a message (a redirect), so every persona
    # meets the same question.
    survey = _survey(w)
    return {"pk": survey.pk, "question_pk": survey.questions.first().pk}


def _contract_term(w):
    from decimal import Decimal

    from conserverie.impact.models import Indicator
    from conserverie.impact.services import contract_indicator_set

    dimensions_create_defaults(w.territory)
    dimension = Dimension.objects.filter(territory=w.territory).order_by("order").first()
    indicator, _created = Indicator.objects.get_or_create(
        dimension=dimension, name="Familles accompagnées", defaults={"source": "manual", "target": Decimal("10")}
    )
    term = contract_indicator_set(
        actor=w.users[COORD],
        territory=w.territory,
        indicator=indicator,
        threshold=Decimal("1"),
        target=Decimal("10"),
        payment_eur=Decimal("100"),
    )
    return {"pk": term.pk}


ROWS = {
    "surveys:list": Row(staff()),
    "surveys:new": Row(staff()),
    "surveys:detail": Row(staff(), survey_pk),
    "surveys:edit": Row(staff(), survey_pk),
    "surveys:question_add": Row(post_staff(), survey_pk, method="post"),
    "surveys:question_delete": Row(post_staff(), question_pks, method="post"),
    "surveys:status": Row(post_staff(), survey_pk, method="post"),
    "surveys:paper": Row(staff(), survey_pk),
    "surveys:paper_pdf": Row(staff(), survey_pk),
    # Results: viewers read them with small groups masked and without the free texts.
    "surveys:results": Row(readers(), survey_pk),
    "surveys:testimonies": Row(staff()),
    "surveys:testimony_new": Row(staff()),
    "surveys:testimony_edit": Row(staff(), lambda w: {"pk": _testimony(w).pk}),
    "surveys:testimony_toggle": Row(post_staff(), lambda w: {"pk": _testimony(w).pk}, method="post"),
    "surveys:reports": Row(readers()),
    "surveys:report_pdf": Row(readers(), lambda w: {"kind": "utilite-sociale"}),
    "surveys:report_xlsx": Row(readers(), lambda w: {"kind": "activite"}),
    # The Contrat d'impact social: coordinators choose its indicators and record the evaluator's sign-off.
    "surveys:contract": Row(coordinators()),
    "surveys:contract_term_delete": Row(coordinators(REDIRECT), _contract_term, method="post"),
    # The anonymous answer link: no account.
    "survey_public:answer": Row(everyone(OK), survey_token),
    "survey_public:thanks": Row(everyone(OK), survey_token),
}
