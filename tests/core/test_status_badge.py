"""A status looks the same on every page: the model gives the colour, one template tag draws it."""

import pytest
from django.template import Context, Template

from conserverie.impact.models import Survey
from conserverie.producers.models import SurplusOffer
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.sourcing.rounds.models import CollectionRound


def badge(record) -> str:
    return Template("{% load status %}{% status_badge record %}").render(Context({"record": record}))


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        (LotStatus.OPEN, "primary"),
        (LotStatus.RELEASED, "success"),
        (LotStatus.NON_CONFORMING, "warning"),
        (LotStatus.BLOCKED, "danger"),
        (LotStatus.RECALLED, "danger"),
    ],
)
def test_a_lot_status_takes_its_colour(status, colour):
    html = badge(ProductionLot(status=status))
    assert f'class="badge text-bg-{colour}"' in html
    assert str(LotStatus(status).label) in html


@pytest.mark.parametrize(
    ("status", "colour", "open_", "closed"),
    [
        (SurplusOffer.Status.PROPOSED, "primary", True, False),
        (SurplusOffer.Status.ACCEPTED, "success", True, False),
        (SurplusOffer.Status.PLANNED, "success", True, False),
        (SurplusOffer.Status.COLLECTED, "success", False, False),
        (SurplusOffer.Status.DECLINED, "secondary", False, True),
        (SurplusOffer.Status.EXPIRED, "secondary", False, True),
    ],
)
def test_an_offer_says_its_colour_and_what_it_allows(status, colour, open_, closed):
    offer = SurplusOffer(status=status)
    assert f"text-bg-{colour}" in badge(offer)
    assert offer.is_open is open_
    assert offer.is_closed is closed
    assert offer.awaits_answer is (status == SurplusOffer.Status.PROPOSED)


def test_survey_and_round_states():
    assert "text-bg-warning" in badge(Survey(status=Survey.Status.DRAFT))
    assert Survey(status=Survey.Status.DRAFT).is_draft
    assert Survey(status=Survey.Status.CLOSED).is_closed
    assert "text-bg-success" in badge(CollectionRound(status=CollectionRound.Status.DONE))
    assert CollectionRound(status=CollectionRound.Status.DONE).is_done
    assert not CollectionRound(status=CollectionRound.Status.PLANNED).is_done


def test_the_label_is_escaped_and_an_extra_class_added():
    html = Template('{% load status %}{% status_badge record "fs-6" %}').render(
        Context({"record": ProductionLot(status=LotStatus.OPEN)})
    )
    assert 'class="badge text-bg-primary fs-6"' in html
