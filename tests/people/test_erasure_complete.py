"""Complete export and erasure (issue 17, item 2; RGPD art. 15, 17 and 20).

The key test puts one person, with a name, a phone and an e-mail found nowhere else, in every kind of record that
holds a key to a participant (the list is read from the model meta, so a new app's record must be added here), with
free text that quotes them, merges an older record of theirs in, erases them, then reads every text column of
every table of the database, history tables included, and finds none of it.
"""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conserverie.distribution.models import Distribution, TruckAction
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import territory_figures
from conserverie.gleaning.models import GleaningRegistration
from conserverie.gleaning.services import outing_register
from conserverie.people.audit import log_participant_read
from conserverie.people.merge import participant_merge
from conserverie.people.models import AccessLog, ErasureRecord, Participant
from conserverie.people.privacy import consent_record, covered_models, participant_erase, person_export
from conserverie.people.relations import participant_links
from conserverie.purchasing.services import member_add
from conserverie.stock.services import deposit_return, movement_reverse
from conserverie.workshops.models import Registration, Workshop
from conserverie.workshops.services import participant_create, registration_checkin, registration_create
from conserverie.workshops.volunteers import volunteer_hours_record

from ..conftest import DAY
from ..pages import add_lots, add_workshops, queries_on, text
from ..sourcing.gleaning_data import make_outing
from .test_merge import future_workshop

NAME = "Zéphyrine"
PHONE, PHONE_E164 = "06 98 76 54 32", "+33698765432"
OLD_PHONE, OLD_PHONE_E164 = "07 55 44 33 22", "+33755443322"
EMAIL = "zephyrine.k@example.org"
# What must be found nowhere after the erasure: the name, both phones in both formats, the e-mail.
NEEDLES = [NAME, PHONE, PHONE_E164, "0698765432", OLD_PHONE, OLD_PHONE_E164, "0755443322", EMAIL]


def every_text_value():
    """(table, column, text) for every non-empty text value of every table (history tables included)."""
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the schema)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and value:
                        found.append((table, column, value))
    return found


def quoting(needles):
    lowered = [n.casefold() for n in needles]
    return [(t, c, v) for t, c, v in every_text_value() if any(n in v.casefold() for n in lowered)]


@pytest.fixture
def zephyrine(chain, coordinator):
    """Zéphyrine in every kind of record, quoted in free text; an older record of hers (another phone) merged in;
    a seat of a full workshop and of a full outing next week, each with someone waiting."""
    old = participant_create(
        territory=chain.territory, first_name=NAME, phone=OLD_PHONE, neighbourhood="Les Ors", consent=True
    )
    person = participant_create(
        territory=chain.territory,
        first_name=NAME,
        phone=PHONE,
        email=EMAIL,
        neighbourhood="La Monnaie",
        household_size=3,
        consent=True,
    )
    consent_record(participant=person, scopes=["photos", "reminders"])
    member_add(
        actor=coordinator,
        territory=chain.territory,
        structure=chain.structure,
        first_name=NAME,
        participant=person,
        consent=True,
    )
    add_workshops(chain, 1, registrations=0)
    past = Workshop.objects.get(territory=chain.territory)
    registration_checkin(actor=coordinator, registration=registration_create(workshop=past, participant=old))
    (lot,) = add_lots(chain, 1, jars=10, release=True)
    distribution_record(
        actor=coordinator,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=DAY,
        participant=person,
        lines=[LineSpec(lot, chain.jar, 2, Decimal("2.00"))],
        note=f"Pour {NAME}, rappeler au {PHONE} ou {EMAIL}",
    )
    returned = deposit_return(
        actor=coordinator, location=chain.truck, jar_format=chain.jar, quantity=1, participant=old
    )
    movement_reverse(actor=coordinator, movement=returned, reason=f"Bocal de {NAME} compté deux fois ({PHONE_E164})")
    volunteer_hours_record(
        actor=coordinator,
        territory=chain.territory,
        date=DAY,
        hours=Decimal("3"),
        activity=f"Tri des bocaux avec {NAME.upper()} — {OLD_PHONE}",
        participant=person,
    )
    log_participant_read(
        actor=coordinator, territory=chain.territory, participants=[person], fields=["x"], purpose=f"appel {NAME}"
    )
    TruckAction.objects.create(
        territory=chain.territory,
        workshop=past,
        client_id=uuid.uuid4(),
        kind=TruckAction.Kind.WALK_IN,
        status=TruckAction.Status.REFUSED,
        message=f"{NAME} déjà inscrite",
        payload={"first_name": NAME, "phone": "0698765432", "nested": [{"email": EMAIL}]},
        participant=person,
        recorded_at=timezone.now(),
        created_by=coordinator,
    )
    soon = future_workshop(chain, capacity=1)
    registration_create(workshop=soon, participant=person)
    waiting = registration_create(
        workshop=soon, participant=participant_create(territory=chain.territory, first_name="Bruno", consent=True)
    )
    outing = make_outing(chain, capacity=1)
    outing_register(outing=outing, participant=person)
    outing_waiting = outing_register(
        outing=outing, participant=participant_create(territory=chain.territory, first_name="Chloé", consent=True)
    )
    assert (waiting.status, outing_waiting.status) == ("waiting", "waiting")
    # Earlier versions in the history tables, then the older record merged into this one.
    person.neighbourhood = "Fontaine"
    person.save()
    participant_merge(actor=coordinator, territory=chain.territory, keep=person, duplicate=old)
    person.refresh_from_db()
    return person, waiting, outing_waiting


def test_export_gathers_every_kind_of_record_of_the_person(zephyrine, chain):
    person, *_ = zephyrine
    data = person_export(person)
    covered = covered_models()
    for link in participant_links():
        rows = link.rows([person.pk, *Participant.objects.filter(merged_into=person).values_list("pk", flat=True)])
        label = link.model._meta.label
        if link.model is ErasureRecord:  # nobody erased yet
            continue
        # Every kind of record that holds a key to a participant is in this test's person: a new app's must be added.
        assert rows.exists(), f"add a {label} to the fixture"
        if label not in covered:
            assert {row["id"] for row in data[label]} == set(rows.values_list("pk", flat=True)), label
    assert len(data["registrations"]) == 2  # the past workshop (the merged record's) and next week's
    assert len(data["gleaning_outings"]) == 1
    assert data["distributions"][0]["note"].startswith(f"Pour {NAME}")
    assert len(data["deposit_movements"]) == 3  # jars given, the jar returned, its reversal
    assert data["volunteer_hours"][0]["activity"].startswith("Tri des bocaux")
    assert [m["phone"] for m in data["merged_records"]] == [OLD_PHONE_E164]
    assert {c["scope"] for c in data["consents"]} >= {"contact", "photos", "reminders"}
    assert data["access_log"][0]["purpose"] == f"appel {NAME}"
    assert data["distribution.TruckAction"][0]["payload"]["first_name"] == NAME
    # RGPD art. 15.1 (a)–(h): what the copy must come with, besides the data.
    about = data["about"]
    for particular in ("purposes", "categories", "recipients", "retention", "rights", "complaint", "source"):
        assert about[particular], particular
    assert "Aucune décision automatisée" in about["automated_decisions"]
    assert about["controller"] == (chain.territory.organisation or chain.territory.name)


def test_export_holds_nobody_else(zephyrine, chain):
    """RGPD art. 15.4 and 20.4: the copy does not harm others: a member of the same household is not in it."""
    person, *_ = zephyrine
    participant_create(territory=chain.territory, first_name="Octavie", household=person.household, consent=True)
    data = person_export(person)
    assert data["identity"]["household_size"] == 3
    assert "Octavie" not in json.dumps(data, ensure_ascii=False)


def test_after_erasure_no_table_holds_the_name_the_phone_or_the_email(zephyrine, chain, coordinator):
    person, waiting, outing_waiting = zephyrine
    assert {table for table, _c, _v in quoting(NEEDLES)} >= {
        "people_participant",
        "people_historicalparticipant",
        "distribution_distribution",
        "distribution_historicaldistribution",
        "workshops_volunteerhours",
        "workshops_historicalvolunteerhours",
        "stock_stockmovement",
        "distribution_truckaction",
        "people_accesslog",
    }
    before = territory_figures(chain.territory).as_json()
    participant_erase(actor=coordinator, participant=person, reason=f"Demande de {NAME} au {PHONE}")

    assert quoting(NEEDLES) == []
    # The seats of next week are freed and the people waiting have them.
    waiting.refresh_from_db()
    outing_waiting.refresh_from_db()
    assert (waiting.status, outing_waiting.status) == ("confirmed", "confirmed")
    # The counts stay (the season's figures; the rows remain, anonymised).
    assert territory_figures(chain.territory).as_json() == before
    assert Registration.objects.filter(participant=person, attended=True).exists()
    assert GleaningRegistration.objects.filter(participant=person, status="cancelled").exists()
    assert Distribution.objects.get(participant=person).note == "Pour [effacé], rappeler au [effacé] ou [effacé]"
    # The merged record is erased with the person, each with its erasure record; the audit trail says who.
    assert set(Participant.objects.filter(erased_at__isnull=False).values_list("first_name", flat=True)) == {"Anonyme"}
    assert ErasureRecord.objects.filter(erased_by=coordinator).count() == 2
    assert person.history.order_by("-history_id").first().history_user == coordinator
    assert AccessLog.objects.filter(purpose="appel [effacé]", participant__isnull=True).exists()


# --- Pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_export_page_downloads_everything_and_logs_the_reading(coordinator_client, zephyrine, chain):
    person, *_ = zephyrine
    url = reverse("people:export", args=[chain.territory.slug, person.pk])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="participant-{person.pk}-')
    data = json.loads(response.content)
    assert data["identity"]["email"] == EMAIL
    assert AccessLog.objects.filter(participant=person, purpose__startswith="export").exists()
    detail = text(coordinator_client.get(reverse("participants:detail", args=[chain.territory.slug, person.pk])))
    assert "Exporter ses données" in detail
    assert "Effacer" in detail


def test_erase_page_says_what_will_happen_then_erases(coordinator_client, zephyrine, chain):
    person, waiting, _ = zephyrine
    url = reverse("people:erase", args=[chain.territory.slug, person.pk])
    page = text(coordinator_client.get(url))
    assert "Ses 2 inscriptions à venir sont annulées" in page
    assert "[effacé]" in page
    unconfirmed = coordinator_client.post(url, {"reason": "Demande"})
    assert unconfirmed.status_code == 422
    assert "Cochez la case pour confirmer l'effacement." in text(unconfirmed)
    assert Participant.objects.get(pk=person.pk).erased_at is None
    done = coordinator_client.post(url, {"reason": "Demande", "confirm": "on"})
    assert done.status_code == 302
    assert Participant.objects.get(pk=person.pk).erased_at is not None
    again = coordinator_client.post(url, {"reason": "Demande", "confirm": "on"})
    assert again.status_code == 422  # a second sending (another tab): refused, said in French
    assert "déjà effacé" in text(again)


def test_export_and_erase_pages_cost_the_same_with_more_records(
    coordinator_client, chain, coordinator, django_assert_num_queries
):
    person = participant_create(territory=chain.territory, first_name="Yara", consent=True)
    export_url = reverse("people:export", args=[chain.territory.slug, person.pk])
    erase_url = reverse("people:erase", args=[chain.territory.slug, person.pk])

    def grow(n):
        for _ in range(n):
            soon = future_workshop(chain, capacity=5, days=8 + Workshop.objects.count())
            registration_create(workshop=soon, participant=person)
            volunteer_hours_record(
                actor=coordinator,
                territory=chain.territory,
                date=DAY,
                hours=Decimal("1"),
                activity="Tri",
                participant=person,
            )

    grow(1)
    export_n, erase_n = queries_on(coordinator_client, export_url), queries_on(coordinator_client, erase_url)
    grow(3)
    assert queries_on(coordinator_client, export_url) == export_n
    assert queries_on(coordinator_client, erase_url) == erase_n
    with django_assert_num_queries(erase_n):
        coordinator_client.get(erase_url)


def test_other_territories_and_animators_get_404(client, zephyrine, chain, other_coordinator, animator):
    person, *_ = zephyrine
    for user in (other_coordinator, animator):
        client.force_login(user)
        for name in ("people:export", "people:erase"):
            assert client.get(reverse(name, args=[chain.territory.slug, person.pk])).status_code == 404
        assert (
            client.post(reverse("people:erase", args=[chain.territory.slug, person.pk]), {"confirm": "on"}).status_code
            == 404
        )
    assert Participant.objects.get(pk=person.pk).erased_at is None


def test_future_seats_are_counted_from_now(chain):
    """An erasure frees only seats of what has not started (a past workshop's attendance stays)."""
    person = participant_create(territory=chain.territory, first_name="Yara", consent=True)
    started = future_workshop(chain)
    Workshop.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    registration_create(workshop=Workshop.objects.get(pk=started.pk), participant=person)
    from conserverie.people.privacy import future_seats

    assert future_seats([person.pk]) == []


def test_identity_found_in_every_usual_spelling_and_replaced_within_the_column():
    from conserverie.people.privacy import _fit, identity_pattern, scrub
    from conserverie.workshops.models import VolunteerHours

    pattern = identity_pattern([("Léa", "+33612345678", "lea.b@example.org")])
    written = "LÉA, léa; 06 12 34 56 78 / 0612345678 / 06.12.34.56.78 / +33 6 12 34 56 78 / LEA.B@example.org"
    assert scrub(written, pattern) == "[effacé], [effacé]; [effacé] / [effacé] / [effacé] / [effacé] / [effacé]"
    assert scrub("Léandre et Azaléa", pattern) == "Léandre et Azaléa"  # whole words only
    assert scrub({"a": ["Léa", 3]}, pattern) == {"a": ["[effacé]", 3]}
    activity = VolunteerHours._meta.get_field("activity")
    long_text = "x" * 116 + " Léa"
    assert len(_fit(activity, scrub(long_text, pattern))) == activity.max_length
