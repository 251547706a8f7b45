"""Producer network (#3): the network pages, the offer photo, the producer's own pages."""

from ..matrix_base import ANIM, ANON, COORD, LOGIN, OK, Row, coordinators, everyone, pk, post_staff, staff


def farm(w):
    return {"pk": w.farm.pk}


# Only a person with a producer membership has a producer space: none of the matrix personas (tests/producers).
PRODUCER_ONLY = {**everyone(404), ANON: LOGIN}

ROWS = {
    "network:list": Row(staff()),
    "network:map": Row(staff()),
    "network:calendar": Row(staff()),
    "network:new": Row(coordinators()),
    "network:import": Row(coordinators()),
    "network:export": Row(staff(), lambda w: {"ext": "csv"}),
    "network:detail": Row(staff(), farm),
    "network:edit": Row(coordinators(), farm),
    "network:season_edit": Row(post_staff(), farm, method="post"),
    # The world's offer has no photo: 404 for everyone allowed in; tests/producers/test_portal.py shows one.
    "producers:offer_photo": Row({**staff(OK), COORD: 404, ANIM: 404}, pk("offer")),
    "producer_offer": Row(PRODUCER_ONLY, pk("offer")),
    "producer_offer_photo": Row(PRODUCER_ONLY, pk("offer")),
    "producer_certificate": Row(PRODUCER_ONLY, lambda w: {"year": 2026}),
}
