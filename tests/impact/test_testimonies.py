"""Testimonies and Agora contributions: record, search by dimension / public / year, choose for reports."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conserverie.impact.models import Dimension, Testimony
from conserverie.impact.periods import Period
from conserverie.impact.services import dimensions_create_defaults
from conserverie.impact.surveys.services import TestimonyData
from conserverie.impact.surveys.services import testimony_save as save_testimony

from ..pages import assert_flat_queries, text
from .voices_data import add_testimony


@pytest.fixture
def petals(romans):
    dimensions_create_defaults(romans.territory)
    return list(Dimension.objects.filter(territory=romans.territory))


def test_a_testimony_is_recorded_with_its_dimensions(romans, coordinator, petals):
    t = add_testimony(romans.territory, coordinator, petals[:2], text="On a ri ensemble.", kind=Testimony.Kind.AGORA)
    assert list(t.dimensions.all()) == petals[:2]
    assert t.role == "habitante de la Monnaie"
    assert t.history.first().history_user == coordinator  # the dimensions are in the history too


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "  "}, "text"),
        ({"dimensions": []}, "dimensions"),
        ({"said_on": timezone.localdate() + timedelta(days=3)}, "said_on"),
        ({"audience": "martians"}, "audience"),
    ],
)
def test_a_wrong_testimony_is_refused(romans, coordinator, petals, change, field):
    data = {"text": "Bien.", "audience": "residents", "said_on": date(2026, 5, 2), "dimensions": petals[:1], **change}
    with pytest.raises(ValidationError) as exc:
        save_testimony(actor=coordinator, territory=romans.territory, data=TestimonyData(**data))
    assert field in exc.value.message_dict
    assert Testimony.objects.count() == 0


def test_a_dimension_of_another_territory_is_refused(romans, other, coordinator, petals):
    dimensions_create_defaults(other.territory)
    theirs = Dimension.objects.filter(territory=other.territory).first()
    with pytest.raises(PermissionDenied):
        add_testimony(romans.territory, coordinator, [theirs])
    assert Testimony.objects.count() == 0


def test_for_dimension_gives_the_quotes_of_a_petal_in_a_period(romans, coordinator, petals):
    old = add_testimony(romans.territory, coordinator, petals[:1], said_on=date(2025, 6, 1))
    chosen = add_testimony(romans.territory, coordinator, petals[:1], said_on=date(2026, 4, 1), selected=True)
    recent = add_testimony(romans.territory, coordinator, petals[:2], said_on=date(2026, 8, 1))
    add_testimony(romans.territory, coordinator, petals[2:3], said_on=date(2026, 8, 1))
    assert list(Testimony.objects.for_dimension(petals[0], Period.year(2026))) == [chosen, recent]
    assert list(Testimony.objects.for_dimension(petals[0])) == [chosen, recent, old]
    assert list(Testimony.objects.for_dimension(petals[1], Period.year(2026))) == [recent]


def test_the_list_filters_by_text_dimension_public_and_year(client, romans, coordinator, petals):
    add_testimony(
        romans.territory, coordinator, petals[:1], text="Les confitures de Mme Reine", said_on=date(2026, 5, 1)
    )
    add_testimony(
        romans.territory, coordinator, petals[3:4], text="Mes tomates servent", audience="farmers", role="maraîcher"
    )
    add_testimony(romans.territory, coordinator, petals[:1], text="Une belle Agora", said_on=date(2025, 9, 1))
    client.force_login(coordinator)
    url = reverse("surveys:testimonies", args=[romans.territory.slug])

    def shown(**params):
        page = text(client.get(url, params))
        return sorted(t for t in ("confitures", "tomates", "belle Agora") if t in page)

    assert shown() == ["belle Agora", "confitures", "tomates"]
    assert shown(q="tomate") == ["tomates"]
    assert shown(q="maraîcher") == ["tomates"]
    assert shown(dimension=petals[0].pk) == ["belle Agora", "confitures"]
    assert shown(public="farmers") == ["tomates"]
    assert shown(annee="2025") == ["belle Agora"]
    assert shown(annee="junk", dimension="x") == ["belle Agora", "confitures", "tomates"]


def test_the_list_pages_and_the_report_flag(client, romans, coordinator, petals):
    for i in range(23):
        add_testimony(romans.territory, coordinator, petals[:1], text=f"Parole numéro {i:02d}")
    client.force_login(coordinator)
    url = reverse("surveys:testimonies", args=[romans.territory.slug])
    first = text(client.get(url))
    assert "23 témoignages" in first
    assert "Page 1 sur 2" in first
    assert "Parole numéro 22" in first
    assert "Parole numéro 02" not in first
    assert "Parole numéro 02" in text(client.get(url, {"page": 2}))
    target = Testimony.objects.get(text="Parole numéro 05")
    toggle = reverse("surveys:testimony_toggle", args=[romans.territory.slug, target.pk])
    response = client.post(toggle, {"selected": "1", "next": "?page=2"})
    assert response["Location"] == url + "?page=2"
    target.refresh_from_db()
    assert target.selected
    assert client.post(toggle, {"selected": "0", "next": "//evil.example"})["Location"] == url


def test_the_form_records_and_refuses(client, romans, coordinator, petals):
    client.force_login(coordinator)
    url = reverse("surveys:testimony_new", args=[romans.territory.slug])
    bad = client.post(url, {"text": "Super", "kind": "agora", "audience": "residents", "said_on": "2026-05-01"})
    assert bad.status_code == 422
    assert "Choisissez au moins une dimension de la fleur." in text(bad)
    assert Testimony.objects.count() == 0
    ok = client.post(
        url,
        {
            "text": "On se sent utiles",
            "kind": "agora",
            "audience": "residents",
            "said_on": "2026-05-01",
            "event": "Agora de printemps",
            "dimensions": [petals[2].pk],
        },
    )
    assert ok.status_code == 302
    saved = Testimony.objects.get()
    edit = reverse("surveys:testimony_edit", args=[romans.territory.slug, saved.pk])
    assert "On se sent utiles" in text(client.get(edit))
    client.post(
        edit,
        {
            "text": "On se sent très utiles",
            "kind": "agora",
            "audience": "residents",
            "said_on": "2026-05-01",
            "dimensions": [petals[2].pk, petals[1].pk],
            "selected": "on",
        },
    )
    saved.refresh_from_db()
    assert saved.selected
    assert saved.dimensions.count() == 2
    assert saved.text == "On se sent très utiles"


def test_another_territory_never_sees_the_testimonies(client, romans, coordinator, other_coordinator, petals):
    t = add_testimony(romans.territory, coordinator, petals[:1], text="Secret de Romans")
    client.force_login(other_coordinator)
    assert client.get(reverse("surveys:testimonies", args=["romans"])).status_code == 404
    assert client.get(reverse("surveys:testimony_edit", args=["vercors", t.pk])).status_code == 404
    assert (
        client.post(reverse("surveys:testimony_toggle", args=["vercors", t.pk]), {"selected": "1"}).status_code == 404
    )
    assert "Secret de Romans" not in text(client.get(reverse("surveys:testimonies", args=["vercors"])))


def test_the_list_queries_do_not_grow(client, romans, coordinator, petals, django_assert_num_queries):
    client.force_login(coordinator)

    def grow(n):
        for i in range(n):
            add_testimony(romans.territory, coordinator, petals[i % 3 : i % 3 + 2], text=f"Parole {i}")

    url = reverse("surveys:testimonies", args=[romans.territory.slug])
    assert_flat_queries(client, url, grow, django_assert_num_queries)
