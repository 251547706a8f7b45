"""The PDF pick-up list of a round's slot: each member's order and what they pay, the jars to prepare, the print
date and « page n / total » on every sheet, no date cut across two lines; staff of the round's territory only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conserverie.core.formats import human_date
from conserverie.purchasing.pickup_sheet import pickup_sheet_pdf
from conserverie.purchasing.selectors import round_orders
from conserverie.purchasing.services import order_set, pickup_hand_over, round_close

from .world import group


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def g(chain):
    g = group(chain)
    order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    bruno = order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 1})
    return g, bruno


def test_the_pick_up_list_as_a_pdf(client, chain, animator, other_coordinator, g):
    g, bruno = g
    url = reverse("purchasing:pickup_pdf", args=[chain.territory.slug, g.round.pk])
    client.force_login(animator)
    assert client.get(url).status_code == 302  # an open round has no pick-up list yet
    round_close(actor=chain.actor, the_round=g.round)
    pickup_hand_over(actor=chain.actor, order=bruno, handed={bruno.lines.get().pk: 1})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    (page,) = pages(response.content)
    text = " ".join(page.split())
    assert "Liste de retrait — Commande de juin" in text
    assert "Maison de quartier Romans" in text
    assert "16:00 – 18:00" in text
    # Amina pays half of 4,00 € (her tier) for 2 jars, deposits apart; Bruno has collected already.
    assert "Amina" in text
    assert "4,00 € + consigne 2,00 €" in text
    assert "Retirée" in text
    assert "3 × " in text  # the jars to prepare
    assert "Imprimé le" in text
    assert "page 1 / 1" in text
    day = human_date(g.round.pickup_day, "l j F Y")
    assert any(day in line.replace("\xa0", " ") for line in page.splitlines())  # the date on one line
    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404


def test_a_long_list_numbers_its_pages_and_repeats_the_header(chain, g):
    g, _bruno = g
    round_close(actor=chain.actor, the_round=g.round)
    orders = round_orders(g.round)
    sheets = pages(pickup_sheet_pdf(g.round, orders * 20))
    assert len(sheets) >= 2
    for n, sheet in enumerate(sheets, start=1):
        assert f"page {n} / {len(sheets)}" in sheet
        assert "Imprimé le" in sheet
    assert "Membre" in sheets[1]  # the table's header on the next sheet
