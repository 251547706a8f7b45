"""What a receipt of a cession or a sale says (arrêté n° 83-50/A du 3 octobre 1983, art. 3; docs/guide-fr.md §6):
the date it is written, the name and address of the seller, the client's name, the date and place of the cession,
each product with its unit price and quantity, the total, and why no VAT is added. The seller is the territory's
legal person (`LegalEntity`), which the coordination records through `legal_entity_set`."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.sourcing.receipts import legal_entity_set
from conserverie.territories.models import LegalEntity

from ..conftest import DAY
from ..helpers import released_lot
from ..pages import add_participant, queries_on, text
from ..workshops.public_data import future_workshop

MENTION = "TVA non applicable, art. 293 B du CGI"
ENTITY_PAGE = "/t/romans/collectes/entite-juridique/"


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


VALUES = {
    "name": "Association Bocaux Solidaires",
    "legal_form": "association déclarée (loi du 1er juillet 1901)",
    "siren": "732829320",
    "address": "1 place du Marché, 26100 Romans-sur-Isère",
    "city": "Romans-sur-Isère",
    "purpose": "Transformer les surplus agricoles en conserves avec les habitants",
    "eligibility": "Organisme d'intérêt général à caractère social (article 238 bis 1 a du CGI)",
    "signatory_name": "Camille Exemple",
    "signatory_role": "Présidente",
    "vat_mention": MENTION,
}


def entity(**extra):
    return LegalEntity(**{**VALUES, **extra})


def sale(chain, n=1, **extra):
    lot = released_lot(chain)
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 1, Decimal("3.50")) for _ in range(n)],
        **extra,
    )


def test_the_receipt_names_the_legal_person_the_place_the_dates_and_the_vat_mention(coordinator_client, chain):
    legal_entity_set(actor=chain.actor, territory=chain.territory, entity=entity())
    participant = add_participant(chain, name="Samira")
    lot = released_lot(chain)
    workshop = future_workshop(chain)
    gift = distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 2)],
        participant=participant,
        workshop=workshop,
    )
    response = coordinator_client.get(f"/t/romans/cessions/{gift.pk}/")
    page = text(response)
    assert response.status_code == 200
    seller = "Association Bocaux Solidaires (association déclarée (loi du 1er juillet 1901)) — 1 place du Marché"
    assert seller in page
    assert "SIREN 732829320" in page
    assert f"Reçu établi le {gift.created_at:%d/%m/%Y}" in page
    assert f"Samira #{participant.pk}" in page  # the client, by the name the centre knows
    assert DAY.strftime("%d/%m/%Y") in page
    assert f"{workshop.site.name}, {workshop.site.city}" in page  # where the workshop was held, not the truck
    assert MENTION in page
    assert "ne nomme pas la personne morale" not in page
    assert "ne dit pas le régime de TVA" not in page


def test_a_sale_away_from_a_workshop_is_placed_where_it_was_made(coordinator_client, chain):
    legal_entity_set(actor=chain.actor, territory=chain.territory, entity=entity())
    page = text(coordinator_client.get(f"/t/romans/cessions/{sale(chain).pk}/"))
    assert chain.truck.name in page


def test_the_staff_are_told_what_the_receipt_lacks(coordinator_client, chain):
    receipt = f"/t/romans/cessions/{sale(chain).pk}/"
    page = text(coordinator_client.get(receipt))
    assert "Ce reçu ne nomme pas la personne morale qui vend" in page
    legal_entity_set(actor=chain.actor, territory=chain.territory, entity=entity(vat_mention=""))
    page = text(coordinator_client.get(receipt))
    assert "Ce reçu ne dit pas le régime de TVA" in page
    assert "Association Bocaux Solidaires" in page


def test_an_animator_is_told_whom_to_ask_not_sent_to_a_page_that_refuses_them(
    client, coordinator_client, chain, animator
):
    receipt = f"/t/romans/cessions/{sale(chain).pk}/"
    assert ENTITY_PAGE in coordinator_client.get(receipt).content.decode()
    client.force_login(animator)
    response = client.get(receipt)
    assert response.status_code == 200
    assert "Ce reçu ne nomme pas la personne morale qui vend" in text(response)
    assert "Demandez-le à la coordination." in text(response)
    assert ENTITY_PAGE not in response.content.decode()
    assert client.get(ENTITY_PAGE).status_code in (403, 404)  # the page is not theirs


def test_only_the_coordination_sets_the_legal_entity_and_a_wrong_siren_writes_nothing(chain, animator):
    with pytest.raises(PermissionDenied):
        legal_entity_set(actor=animator, territory=chain.territory, entity=entity())
    with pytest.raises(ValidationError) as refused:
        legal_entity_set(actor=chain.actor, territory=chain.territory, entity=entity(siren="732829321"))
    assert "siren" in refused.value.message_dict
    assert not LegalEntity.objects.exists()


def test_the_entity_page_saves_the_mention_with_history_and_keeps_the_form_on_an_error(coordinator_client, chain):
    fields = dict(VALUES)
    response = coordinator_client.post(ENTITY_PAGE, {**fields, "siren": "12345"})
    assert response.status_code == 422
    assert "Le SIREN compte 9 chiffres." in text(response)
    assert MENTION in response.content.decode()  # what was typed stays in the form
    assert not LegalEntity.objects.exists()
    response = coordinator_client.post(ENTITY_PAGE, fields)
    assert response.status_code == 302
    saved = LegalEntity.objects.get(territory=chain.territory)
    assert saved.vat_mention == MENTION
    assert saved.history.get().history_user == chain.actor


def test_the_receipt_costs_the_same_queries_with_six_lines_as_with_one(coordinator_client, chain):
    legal_entity_set(actor=chain.actor, territory=chain.territory, entity=entity())
    one, six = sale(chain, n=1), sale(chain, n=6)
    with_one = queries_on(coordinator_client, f"/t/romans/cessions/{one.pk}/")
    assert queries_on(coordinator_client, f"/t/romans/cessions/{six.pk}/") == with_one
    assert with_one <= 12
