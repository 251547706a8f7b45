"""The log of staff readings of participants' social-situation fields (issue 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conserverie.people.audit import SOCIAL_FIELDS, log_participant_read
from conserverie.people.models import AccessLog, Household, Participant


def make_participants(territory, n):
    return Participant.objects.bulk_create(
        Participant(territory=territory, first_name=f"Personne {i}", consent_at=timezone.now()) for i in range(n)
    )


def test_social_fields_are_read_through_the_participant():
    # The home's size and priority area are the household's fields, read through the participant (issue 17).
    household = {field.name for field in Household._meta.get_fields()}
    assert {"size", "priority_area"} <= household
    assert all(isinstance(getattr(Participant, name), property) for name in SOCIAL_FIELDS)
    assert {"household_size", "priority_area"} <= set(SOCIAL_FIELDS)


@pytest.mark.django_db
def test_a_page_of_25_participants_writes_25_rows_in_one_query(romans, coordinator):
    people = make_participants(romans.territory, 25)
    with CaptureQueriesContext(connection) as queries:
        log_participant_read(
            actor=coordinator,
            territory=romans.territory,
            participants=people,
            fields=list(SOCIAL_FIELDS),
            purpose="registre",
        )
    assert len(queries) == 1
    rows = AccessLog.objects.filter(territory=romans.territory)
    assert rows.count() == 25
    assert {row.participant_id for row in rows} == {p.pk for p in people}
    row = rows.first()
    assert row.user == coordinator
    assert row.fields == "household_size,priority_area"
    assert row.purpose == "registre"
    assert row.at is not None


@pytest.mark.django_db
def test_primary_keys_are_accepted_and_an_empty_list_writes_nothing(romans, coordinator):
    (person,) = make_participants(romans.territory, 1)
    with CaptureQueriesContext(connection) as queries:
        log_participant_read(actor=coordinator, territory=romans.territory, participants=[], fields=[], purpose="x")
    assert len(queries) == 0
    log_participant_read(
        actor=coordinator, territory=romans.territory, participants=[person.pk], fields=["household_size"], purpose="x"
    )
    assert AccessLog.objects.get().participant == person


@pytest.mark.django_db
def test_erasing_the_participant_keeps_the_row(romans, coordinator):
    (person,) = make_participants(romans.territory, 1)
    log_participant_read(
        actor=coordinator, territory=romans.territory, participants=[person], fields=["priority_area"], purpose="x"
    )
    Participant.objects.filter(pk=person.pk).delete()
    row = AccessLog.objects.get()
    assert row.participant is None
    assert row.user == coordinator
