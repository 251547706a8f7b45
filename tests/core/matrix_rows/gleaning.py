"""Gleaning outings: staff pages of Romans (coordinators and animators), public pages for everyone."""

from datetime import time, timedelta

from django.utils import timezone

from conserverie.gleaning.services import outing_create, outing_register
from conserverie.workshops.services import participant_create

from ..matrix_base import OK, Row, everyone, post_staff, staff


def outing(w):
    if not hasattr(w, "outing"):
        w.outing = outing_create(
            actor=w.users["coordinator"],
            territory=w.territory,
            producer=w.farm,
            date=timezone.localdate() + timedelta(days=10),
            start_time=time(9),
            end_time=time(12),
            meeting_point="Devant le hangar",
        )
        person = participant_create(territory=w.territory, first_name="Glaneuse", consent=True)
        w.outing_registration = outing_register(outing=w.outing, participant=person)
    return w.outing


def outing_pk(w):
    return {"pk": outing(w).pk}


def registration_pks(w):
    return {"pk": outing(w).pk, "registration_pk": w.outing_registration.pk}


def token(w):
    outing(w)
    return {"token": w.outing_registration.token}


ROWS = {
    "gleaning:list": Row(staff()),
    "gleaning:new": Row(staff()),
    "gleaning:detail": Row(staff(), outing_pk),
    "gleaning:edit": Row(staff(), outing_pk),
    "gleaning:harvest": Row(staff(), outing_pk),
    "gleaning:cancel": Row(post_staff(), outing_pk, method="post"),
    "gleaning:checkin": Row(post_staff(), registration_pks, method="post"),
    "gleaning_public:list": Row(everyone(OK)),
    "gleaning_public:detail": Row(everyone(OK), outing_pk),
    "gleaning_public:confirmation": Row(everyone(OK), token),
    "gleaning_public:cancel": Row(everyone(OK), token),
    "gleaning_public:cancel_code": Row(everyone(OK)),
}
