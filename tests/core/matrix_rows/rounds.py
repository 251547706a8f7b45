"""Permission-matrix rows of the collection rounds (issue #3): coordinators plan, staff drive and read."""

from conserverie.sourcing.rounds.services import round_confirm

from ...sourcing.rounds_world import planned_round
from ..matrix_base import ALLOWED, COORD, OK, Row, coordinators, post_staff, staff


def proposed(w):
    return {"pk": planned_round(w.users[COORD], w.territory, w.tomato, n=2).pk}


def confirmed(w):
    collection_round = planned_round(w.users[COORD], w.territory, w.tomato, n=2)
    round_confirm(actor=w.users[COORD], collection_round=collection_round)
    return {"pk": collection_round.pk}


ROWS = {
    "rounds:list": Row(staff()),
    "rounds:new": Row(coordinators(OK)),
    "rounds:detail": Row(staff(), proposed),
    "rounds:sheet": Row(staff(), proposed),
    "rounds:driver": Row(staff(), confirmed),
    "rounds:confirm": Row(coordinators(ALLOWED), proposed, method="post"),
    "rounds:cancel": Row(coordinators(ALLOWED), confirmed, method="post"),
    "rounds:finish": Row(post_staff(), confirmed, method="post"),
}
