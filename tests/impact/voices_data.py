"""Surveys, answers and testimonies built with the services, for the tests of the voices (issue #7)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from conserverie.impact.models import Audience, Dimension, Indicator, Question, Testimony
from conserverie.impact.services import dimensions_create_defaults, indicator_create
from conserverie.impact.surveys.services import (
    TestimonyData,
    question_add,
    response_enter,
    response_submit,
    survey_create,
    survey_open,
)
from conserverie.impact.surveys.services import testimony_save as save_testimony

SUMMER = date(2026, 7, 1)


def _indicator(actor, dimension, name, target, unit):
    existing = Indicator.objects.filter(dimension=dimension, name=name).first()
    return existing or indicator_create(
        actor=actor, dimension=dimension, name=name, source=Indicator.Source.SURVEY, target=target, unit=unit
    )


def survey_world(territory, actor, *, open_it=True):
    """A resident survey: a Likert question and a yes/no one tied to survey indicators, a number, a free text."""
    dimensions_create_defaults(territory)
    dimensions = list(Dimension.objects.filter(territory=territory))
    link = _indicator(actor, dimensions[1], "Liens créés (note moyenne)", Decimal("4"), "/5")
    power = _indicator(actor, dimensions[2], "Se sentent écoutés", Decimal("80"), "%")
    survey = survey_create(actor=actor, territory=territory, title="Questionnaire habitants", audience="residents")
    likert = question_add(
        actor=actor, survey=survey, text="Avez-vous rencontré des voisins ?", kind=Question.Kind.LIKERT, indicator=link
    )
    yes_no = question_add(
        actor=actor, survey=survey, text="Vous sentez-vous écouté ?", kind=Question.Kind.YES_NO, indicator=power
    )
    number = question_add(actor=actor, survey=survey, text="Combien d'ateliers ?", kind=Question.Kind.NUMBER)
    text = question_add(actor=actor, survey=survey, text="Un mot ?", kind=Question.Kind.TEXT)
    if open_it:
        survey = survey_open(actor=actor, survey=survey)
    return SimpleNamespace(
        survey=survey,
        dimensions=dimensions,
        link=link,
        power=power,
        likert=likert,
        yes_no=yes_no,
        number=number,
        text=text,
    )


def answer(world, likert=None, yes=None, number=None, text="", day=SUMMER, actor=None):
    answers = {
        world.likert.pk: "" if likert is None else str(likert),
        world.yes_no.pk: "" if yes is None else ("oui" if yes else "non"),
        world.number.pk: "" if number is None else str(number),
        world.text.pk: text,
    }
    if actor is not None:
        return response_enter(actor=actor, survey=world.survey, answers=answers, day=day)
    return response_submit(survey=world.survey, answers=answers, day=day)


def add_testimony(territory, actor, dimensions, text="On s'est bien amusés.", **kwargs):
    data = TestimonyData(
        text=text,
        audience=kwargs.pop("audience", Audience.RESIDENTS),
        said_on=kwargs.pop("said_on", SUMMER),
        dimensions=dimensions,
        kind=kwargs.pop("kind", Testimony.Kind.TESTIMONY),
        role=kwargs.pop("role", "habitante de la Monnaie"),
        **kwargs,
    )
    return save_testimony(actor=actor, territory=territory, data=data)
