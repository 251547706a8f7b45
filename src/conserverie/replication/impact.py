"""The replication kit's copy of the flower and the questionnaires: the frame, never what was measured or said.

Dimensions and indicators are copied with their targets and weights but no value; questionnaires as drafts
(a new token, so no answer link of the template works for them) with their questions tied to the copied
indicators, and no response. Testimonies belong to the people of the template territory: never copied.
"""

from conserverie.core.history import save_as
from conserverie.impact.models import Dimension, Indicator, Question, Survey
from conserverie.territories.models import Territory
from conserverie.territories.permissions import require

INDICATOR_FIELDS = (
    "name",
    "unit",
    "source",
    "computation",
    "target",
    "weight",
    "higher_is_better",
    "manual_source",
    "order",
)


def copy_impact(*, actor, source: Territory, target: Territory) -> dict[int, Indicator]:
    """Copy the dimensions and indicators of `source`; returns the new indicators by the source's primary key."""
    require(actor, target, "territory.replicate")
    copied = {}
    for dimension in Dimension.objects.filter(territory=source).prefetch_related("indicators"):
        new = save_as(
            Dimension(
                territory=target,
                name=dimension.name,
                description=dimension.description,
                colour=dimension.colour,
                order=dimension.order,
            ),
            actor,
        )
        for indicator in dimension.indicators.all():
            values = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
            copied[indicator.pk] = save_as(Indicator(dimension=new, **values), actor)
    return copied


def copy_surveys(*, actor, source: Territory, target: Territory) -> list[Survey]:
    """Copy the questionnaires of `source` as drafts; a question keeps its indicator when it was copied too."""
    require(actor, target, "territory.replicate")
    indicators = {
        (i.dimension.name, i.name): i
        for i in Indicator.objects.filter(dimension__territory=target).select_related("dimension")
    }
    surveys = []
    for survey in Survey.objects.filter(territory=source).prefetch_related("questions__indicator__dimension"):
        new = save_as(
            Survey(
                territory=target,
                title=survey.title,
                audience=survey.audience,
                intro=survey.intro,
                status=Survey.Status.DRAFT,
                created_by=actor,
            ),
            actor,
        )
        for question in survey.questions.all():
            tied = question.indicator
            save_as(
                Question(
                    survey=new,
                    text=question.text,
                    kind=question.kind,
                    order=question.order,
                    required=question.required,
                    indicator=indicators.get((tied.dimension.name, tied.name)) if tied else None,
                ),
                actor,
            )
        surveys.append(new)
    return surveys
