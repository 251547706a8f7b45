"""The SMS provider refuses the day-before reminder; the coordinator finds it in *Messages non envoyés* and has the
number to call (issue 17, item 7)."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from conserverie.territories.models import Role

from ..conftest import make_user
from ..workshops.public_data import future_workshop, person
from .menu import open_menu_entry

PASSWORD = "Rappels-non-partis-2026"

pytestmark = pytest.mark.browser


def test_a_refused_reminder_is_listed_for_the_coordinator_to_call(live_server, romans, tomato, page, settings):
    from playwright.sync_api import expect

    from ..conftest import build_chain

    coordinator = make_user("coordinatrice", romans.territory, Role.COORDINATOR)
    coordinator.set_password(PASSWORD)
    coordinator.save()
    chain = build_chain(romans, coordinator, tomato)
    workshop = future_workshop(chain, days=1, title="Atelier confitures")
    from conserverie.workshops.services import registration_create

    registration_create(workshop=workshop, participant=person(chain, "Aïcha", phone="06 11 22 33 44", reminders=True))
    settings.SMS_BACKEND, settings.SMS_API_KEY = "conserverie.core.sms.BrevoBackend", "test-key"
    with mock.patch("conserverie.core.sms.post_json", return_value=(503, b"")):
        day = timezone.localtime(workshop.starts_at).date().isoformat()
        call_command("reminders", "--date", day, stdout=StringIO())

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "coordinatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    open_menu_entry(page, "Participants")
    page.get_by_role("link", name="Messages non envoyés").click()
    row = page.get_by_test_id("failed-messages").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Aïcha")
    expect(row).to_contain_text("Atelier confitures")
    expect(row).to_contain_text("sms-http-503")
    expect(row).to_contain_text("Nouvel essai après")
    expect(row.get_by_role("link", name="06 11 22 33 44")).to_have_attribute("href", "tel:+33611223344")
