"""The public « Vos données » page (RGPD art. 13): the controller (each territory's organisation and address),
what a sign-up keeps and why, how long, the rights and whom to ask, nothing sold; in the four public languages."""

import pytest
from django.test import override_settings

from conserverie.territories.models import Territory

from ..pages import assert_flat_queries, queries_on, text
from ..workshops.public_data import future_workshop

URL = "/vos-donnees/"


@pytest.fixture
def territories(romans, other):
    Territory.objects.filter(pk=romans.territory.pk).update(
        organisation="Association Conserverie Romans", address="1 place de l'Exemple, 26100 Romans-sur-Isère"
    )
    Territory.objects.filter(pk=other.territory.pk).update(organisation="Centre social Autre", address="2 rue Fictive")
    return romans, other


def test_the_page_names_the_controller_what_is_kept_how_long_and_the_rights(client, territories):
    page = text(client.get(URL))
    assert '<html lang="fr" dir="ltr">' in page
    assert "Association Conserverie Romans</strong>, 1 place de l'Exemple, 26100 Romans-sur-Isère" in page
    assert "Centre social Autre</strong>, 2 rue Fictive" in page
    for kept in ("Votre prénom", "Votre téléphone ou votre e-mail", "Votre quartier ou votre commune"):
        assert kept in page
    assert "consentement, article 6 du RGPD" in page
    assert "retirer votre accord" in page
    assert "Sans participation pendant 24 mois" in page
    assert "jamais vendues" in page
    for right in ("voir", "corriger", "effacer", "limiter", "opposer", "recevoir dans un fichier"):
        assert right in page[page.index('data-testid="rights"') :]
    assert "coordinatrice ou au coordinateur" in page
    assert "https://www.cnil.fr/fr/plaintes" in page


@override_settings(PARTICIPANT_RETENTION_MONTHS=36)
def test_the_retention_said_is_the_one_the_retention_job_applies(client, territories):
    assert "Sans participation pendant 36 mois" in text(client.get(URL))


def test_the_signup_link_names_only_the_workshops_territory(client, chain, territories):
    workshop = future_workshop(chain)
    page = text(client.get(f"/ateliers/{workshop.pk}/"))
    link = f'href="/vos-donnees/?t={chain.territory.pk}"'
    assert link in page
    page = text(client.get(URL, {"t": chain.territory.pk}))
    assert "Association Conserverie Romans" in page
    assert "Centre social Autre" not in page
    # An unknown or malformed territory shows every controller rather than none.
    assert "Centre social Autre" in text(client.get(URL, {"t": "999999"}))
    assert "Centre social Autre" in text(client.get(URL, {"t": "x"}))


def test_every_page_links_to_it_from_the_footer(client, territories):
    assert 'href="/vos-donnees/" data-testid="privacy-link"' in text(client.get("/"))


@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [
        ("fr", "Vos données", "Sans participation pendant 24 mois"),
        ("en", "Your data", "With no participation for 24 months"),
        ("ar", "بياناتك", "24"),
        ("tr", "Verileriniz", "24 ay"),
    ],
)
def test_the_page_speaks_the_four_public_languages(client, territories, language, heading, sentence):
    client.cookies["django_language"] = language
    page = text(client.get(URL))
    assert f'<html lang="{language}"' in page
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in page
    assert sentence in page[page.index('data-testid="retention"') :]
    assert "Association Conserverie Romans" in page
    if language != "fr":
        assert "Seule l'équipe de la conserverie" not in page  # the French source is translated


def test_one_query_whatever_the_number_of_territories(client, territories, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            k = Territory.objects.count()
            Territory.objects.create(slug=f"t{k}", code=f"X{k:03d}", name=f"Territoire {k}", hub_lat=45, hub_lon=5)

    count = assert_flat_queries(client, URL, grow, django_assert_num_queries)
    assert count == queries_on(client, URL) <= 2
