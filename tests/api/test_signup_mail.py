"""A sign-up through the API sends the confirmation e-mail of the public form, with the personal cancel link, and
records the consents the form records (people/signup_views.py)."""

from django.core import mail

from conserverie.gleaning.models import GleaningRegistration
from conserverie.people.models import Consent
from conserverie.workshops.models import Registration
from tests.api.conftest import new_token


def person(**changes) -> dict:
    return {"first_name": "Nadia", "email": "nadia@example.org", "consent": True, "reminders": True, **changes}


def test_an_api_sign_up_sends_the_public_forms_confirmation_with_the_cancel_link(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    mail.outbox.clear()
    done = api.post(f"/api/v1/workshops/{world.workshop.pk}/signups", token, person())
    assert done.status_code == 201, done.content
    registration = Registration.objects.get(pk=done.json()["registration_id"])
    [sent] = mail.outbox
    assert sent.to == ["nadia@example.org"]
    assert sent.subject == f"Votre inscription : {world.workshop.title}"
    assert "Bonjour Nadia" in sent.body
    assert registration.cancel_url() in sent.body
    scopes = Consent.objects.filter(participant=registration.participant, withdrawn_at__isnull=True)
    assert sorted(scopes.values_list("scope", flat=True)) == ["contact", "reminders"]

    outing = api.post(f"/api/v1/outings/{world.outing.pk}/signups", token, person(email="sam@example.org"))
    assert outing.status_code == 201, outing.content
    gleaning = GleaningRegistration.objects.get(pk=outing.json()["registration_id"])
    assert [m.to for m in mail.outbox] == [["nadia@example.org"], ["sam@example.org"]]
    assert world.farm.name in mail.outbox[1].subject
    assert gleaning.cancel_url() in mail.outbox[1].body


def test_no_mail_without_an_address_and_none_for_a_refused_sign_up(api, world, coordinator):
    token = new_token(coordinator, world.territory)
    mail.outbox.clear()
    url = f"/api/v1/workshops/{world.workshop.pk}/signups"
    assert api.post(url, token, person(email="", phone="0611223344", reminders=False)).status_code == 201
    assert api.post(url, token, person(consent=False)).status_code == 422
    assert mail.outbox == []
