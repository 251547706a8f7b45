"""Permission-matrix rows of the purchasing group (issue 18): its staff pages are the territory's staff's; the
members' space is public (a member signs in with a link or a desk code, never with a staff account)."""

from ...purchasing.world import group
from ..matrix_base import OK, REDIRECT, Row, everyone, post_staff, staff


def _group(w):
    if not hasattr(w, "group"):
        w.group = group(w)
    return w.group


def round_pk(w):
    return {"pk": _group(w).round.pk}


def member_pk(w):
    return {"pk": _group(w).amina.pk}


def structure_pk(w):
    return {"pk": w.structure.pk}


ROWS = {
    "purchasing:rounds": Row(staff()),
    "purchasing:members": Row(staff()),
    "purchasing:member": Row(staff(), member_pk),
    "purchasing:round_new": Row(staff()),
    "purchasing:round": Row(staff(), round_pk),
    # Closed first (the pick-up page of an open round sends back to the round).
    "purchasing:pickup": Row({**staff(REDIRECT)}, round_pk),
    "purchasing:pickup_pdf": Row({**staff(REDIRECT)}, round_pk),
    "purchasing:round_act": Row(post_staff(), lambda w: {**round_pk(w), "act": "clore"}, method="post"),
    # The members' space: a visitor without a member session is sent to the member login page.
    "purchasing_public:space": Row(everyone(REDIRECT)),
    "purchasing_public:login": Row(everyone(OK)),
    "purchasing_public:link": Row(everyone(REDIRECT), lambda w: {"token": "not-a-token"}),
    "purchasing_public:logout": Row(everyone(REDIRECT), method="post"),
    "purchasing_public:stop_messages": Row(everyone(REDIRECT), method="post"),
    "purchasing_public:order": Row(everyone(REDIRECT), round_pk, method="post"),
    "purchasing_public:join": Row(everyone(OK), structure_pk),
}
