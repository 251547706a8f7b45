"""Permission-matrix rows of the coordinator's pages on people (issue 17): likely duplicates and their merge, a
person's export and erasure. Coordinators of Romans only; animators, viewers and other territories get 404."""

from conserverie.people.models import Participant
from conserverie.workshops.services import participant_create

from ..matrix_base import Row, coordinators, pk


def _pair(w) -> dict:
    """The world's participant and a second record of Romans to compare it with (created once per world)."""
    other = Participant.objects.filter(territory=w.territory, first_name="Doublon").first()
    if other is None:
        other = participant_create(territory=w.territory, first_name="Doublon", consent=True)
    return {"keep": w.participant.pk, "duplicate": other.pk}


ROWS = {
    "people:duplicates": Row(coordinators()),
    "people:merge": Row(coordinators(), data=_pair),
    "people:export": Row(coordinators(), pk("participant")),
    "people:erase": Row(coordinators(), pk("participant")),
}
