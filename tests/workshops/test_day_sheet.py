"""Paper as a fallback: the workshop's day sheet (attendance with blank lines, recipes and quantities, HACCP readings
to take) and the one screen that types it back."""

import io
import re

import pytest
from pypdf import PdfReader

from conserverie.people.models import Participant
from conserverie.workshops.day_sheet import BLANK_LINES, READING_LINES
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_cancel, registration_create

from ..pages import assert_flat_queries, row_counts, text
from .public_data import future_workshop, person


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def workshop(chain):
    workshop = future_workshop(chain, capacity=2, title="Atelier coulis")
    workshop.planned_recipes.set([chain.recipe])
    return workshop


def sheet_url(workshop):
    return f"/t/romans/ateliers/{workshop.pk}/feuille-du-jour.pdf"


def entry_url(workshop):
    return f"/t/romans/ateliers/{workshop.pk}/feuille-du-jour/saisie/"


def test_the_day_sheet_lists_people_blank_lines_recipe_and_readings(staff_client, chain, workshop):
    registration_create(workshop=workshop, participant=person(chain, "Amina", neighbourhood="Les Ors"), party_size=2)
    registration_create(workshop=workshop, participant=person(chain, "Bernard"))
    registration_create(workshop=workshop, participant=person(chain, "Chantal"))  # full: waiting
    gone = registration_create(workshop=workshop, participant=person(chain, "Dylan"))
    registration_cancel(registration=gone)
    response = staff_client.get(sheet_url(workshop))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    page = " ".join(pdf_text(response.content).split())
    assert "Feuille d'émargement" in page
    for shown in ("Amina", "Les Ors", "Bernard"):
        assert shown in page
    assert "Chantal (attente)" in page
    assert "Dylan" not in page
    # Numbered lines: the three people, then the blank ones for walk-ins.
    assert f" {3 + BLANK_LINES} " in page
    assert f" {4 + BLANK_LINES} " not in page
    assert "Coulis de tomate" in page
    assert "Tomate 10 kg" in page  # the recipe's 10 kg of tomatoes per batch
    assert "20 bocaux" in page  # jars per batch of the 375 ml format
    assert "Relevés HACCP à prendre" in page
    assert "110 °C pendant 45 min au moins" in page  # the validated schedule to reach
    assert len(re.findall(r"Fournée \d", page)) == READING_LINES  # a line per batch to write the thermometer's reading
    assert "pH de Coulis de tomate (limite 4,4)" in page


def test_the_day_sheet_costs_the_same_queries_whatever_the_people(
    staff_client, chain, workshop, django_assert_num_queries
):
    workshop.capacity = 200
    workshop.save()

    def grow(n):
        start = workshop.registrations.count()
        for i in range(start, start + n):
            registration_create(workshop=workshop, participant=person(chain, f"P{i}"))

    assert assert_flat_queries(staff_client, sheet_url(workshop), grow, django_assert_num_queries) <= 10


def test_the_paper_sheet_typed_back_in_one_screen(staff_client, chain, workshop):
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    bernard = registration_create(workshop=workshop, participant=person(chain, "Bernard"))
    page = text(staff_client.get(entry_url(workshop)))
    assert page.count('data-testid="paper-line"') == 8
    data = {
        "present": [str(amina.pk)],
        "walkin-TOTAL_FORMS": "8",
        "walkin-INITIAL_FORMS": "0",
        "walkin-0-first_name": "Karim",
        "walkin-0-household_size": "3",
        "walkin-0-neighbourhood": "Les Ors",
        "walkin-1-first_name": "Léa",
    }
    response = staff_client.post(entry_url(workshop), data)
    assert response.status_code == 302
    amina.refresh_from_db()
    bernard.refresh_from_db()
    assert (amina.attended, bernard.attended) == (True, False)
    walk_ins = Registration.objects.filter(workshop=workshop, walk_in=True).order_by("participant__first_name")
    assert [(r.participant.first_name, r.participant.household_size, r.attended) for r in walk_ins] == [
        ("Karim", 3, True),
        ("Léa", 1, True),
    ]
    # Typed again with Amina unticked: her presence is taken back.
    staff_client.post(
        entry_url(workshop),
        {
            **data,
            "present": [],
            "walkin-0-first_name": "",
            "walkin-0-household_size": "",
            "walkin-0-neighbourhood": "",
            "walkin-1-first_name": "",
        },
    )
    amina.refresh_from_db()
    assert not amina.attended


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"walkin-0-household_size": "3"}, "Indiquez le prénom écrit sur la ligne, ou videz la ligne."),
        ({"walkin-0-first_name": "Karim", "walkin-0-household_size": "0"}, "supérieure ou égale à 1"),
        ({"present": ["999999"]}, "Une présence cochée ne correspond à aucune inscription de cet atelier."),
        ({"present": ["abc"]}, "Une case de présence est illisible."),
    ],
)
def test_a_wrong_paper_entry_says_why_and_writes_nothing(staff_client, chain, workshop, extra, message):
    registration_create(workshop=workshop, participant=person(chain, "Amina"))
    data = {"walkin-TOTAL_FORMS": "8", "walkin-INITIAL_FORMS": "0", "walkin-1-first_name": "Léa", **extra}
    before = row_counts()
    response = staff_client.post(entry_url(workshop), data)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'value="Léa"' in page  # what was typed is kept
    assert row_counts() == before


def test_the_day_sheet_stays_in_its_territory(client, chain, workshop, other_coordinator, viewer):
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    for user in (other_coordinator, viewer):
        client.force_login(user)
        assert client.get(sheet_url(workshop)).status_code == 404
        assert client.get(entry_url(workshop)).status_code == 404
        assert client.post(entry_url(workshop), {"present": [amina.pk]}).status_code == 404
        assert client.get(f"/t/vercors/ateliers/{workshop.pk}/feuille-du-jour.pdf").status_code == 404
    amina.refresh_from_db()
    assert not amina.attended
    assert Participant.objects.count() == 1


def test_the_entry_screen_costs_the_same_queries_whatever_the_people(
    staff_client, chain, workshop, django_assert_num_queries
):
    workshop.capacity = 200
    workshop.save()

    def grow(n):
        start = workshop.registrations.count()
        for i in range(start, start + n):
            registration_create(workshop=workshop, participant=person(chain, f"P{i}"))

    assert assert_flat_queries(staff_client, entry_url(workshop), grow, django_assert_num_queries) <= 8
