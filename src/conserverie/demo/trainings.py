"""The HACCP training the demo's costs pay for (« Formation HACCP de deux animatrices », economics.py): both
animators of Romans are trained and sign the schedules and the releases; the coordinator is not, and cannot.
Vercors' coordinator, who does everything there, holds a training of her own."""

from datetime import date, timedelta

from conserverie.territories.models import TrainingKind
from conserverie.territories.trainings import training_record

TRAINED_ON = date(2026, 2, 10)
ORGANISATION = "Organisme de formation en hygiène alimentaire (fictif)"


def train(*, actor, territory, people, today) -> None:
    """A HACCP training of three years for each person; the last one's hygiene training expires in 40 days (the
    trainings page warns 60 days ahead)."""
    obtained = min(TRAINED_ON, today - timedelta(days=1))
    for person in people:
        training_record(
            actor=actor,
            territory=territory,
            user=person,
            kind=TrainingKind.HACCP,
            obtained_on=obtained,
            organisation=ORGANISATION,
            expires_on=obtained + timedelta(days=3 * 365),
        )
    training_record(
        actor=actor,
        territory=territory,
        user=people[-1],
        kind=TrainingKind.HYGIENE,
        obtained_on=today - timedelta(days=3 * 365 - 40),
        organisation=ORGANISATION,
        expires_on=today + timedelta(days=40),
    )
