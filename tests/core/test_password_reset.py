"""Password reset by e-mail: the link on the login page, the French e-mail, the new password, no account disclosure."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

from ..pages import text


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(coordinator):
    coordinator.email = "coordination@example.org"
    coordinator.save(update_fields=["email"])
    return coordinator


def test_login_page_links_to_the_reset_page(client, db):
    page = text(client.get("/connexion/"))
    assert "Mot de passe oublié ?" in page
    assert 'href="/mot-de-passe/oublie/"' in page
    reset = client.get("/mot-de-passe/oublie/")
    assert reset.status_code == 200
    assert "Mot de passe oublié" in text(reset)


def test_the_whole_reset_journey(client, member):
    response = client.post("/mot-de-passe/oublie/", {"email": "coordination@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordination@example.org"]
    assert message.subject == "Conserverie : choisir un nouveau mot de passe"
    assert "« coord »" in message.body
    assert "Si vous n'avez rien demandé" in message.body
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Nouveau mot de passe" in text(form)
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Bocaux-de-coulis-2026", "new_password2": "Bocaux-de-coulis-2026"})
    assert done.status_code == 302
    assert done["Location"] == "/mot-de-passe/nouveau/fait/"
    member.refresh_from_db()
    assert member.check_password("Bocaux-de-coulis-2026")
    assert "Mot de passe changé" in text(client.get("/mot-de-passe/nouveau/fait/"))

    # The link serves once.
    again = client.get(link, follow=True)
    assert "Ce lien n'est plus valable" in text(again)


def test_weak_passwords_are_refused_in_french(client, member):
    client.post("/mot-de-passe/oublie/", {"email": "coordination@example.org"})
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in text(response)
    member.refresh_from_db()
    assert not member.check_password("12345678")


def test_unknown_address_sends_nothing_and_says_the_same(client, member):
    response = client.post("/mot-de-passe/oublie/", {"email": "personne@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert mail.outbox == []
    assert "Si un compte correspond à cette adresse" in text(client.get(response["Location"]))


def test_forged_links_are_refused(client, member):
    response = client.get("/mot-de-passe/nouveau/MQ/faux-jeton/")
    assert response.status_code == 200
    assert "Ce lien n'est plus valable" in text(response)
    assert get_user_model().objects.get(pk=member.pk).check_password("pass-for-tests-only")


def test_reset_requests_are_rate_limited(client, member, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "password_reset": "2/3600"}
    for _ in range(2):
        assert client.post("/mot-de-passe/oublie/", {"email": "coordination@example.org"}).status_code == 302
    refused = client.post("/mot-de-passe/oublie/", {"email": "coordination@example.org"})
    assert refused.status_code == 429
    assert len(mail.outbox) == 2
