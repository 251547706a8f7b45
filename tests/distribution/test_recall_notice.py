"""A recall told to the authorities: the DDPP notification (PDF read back), the RappelConso fields, the public lot
page, who may decide, and the bad inputs (Regulation (EC) 178/2002 art. 19; docs/safety-en.md « Recall »)."""

import json
import re
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from conserverie.distribution.models import Distribution
from conserverie.production.models import Hazard, LotStatus, ProductionLot, RecallScope
from conserverie.production.services import lot_block, lot_recall, recall_withdraw
from conserverie.territories.models import Role

from ..conftest import DAY, aware, make_user
from ..helpers import forbidden, refused
from ..pages import queries_on, text
from ..production.scenario import distribute, released

RECALL = dict(
    reason="Couvercle bombé sur 2 bocaux, analyse en cours au laboratoire",
    scope=RecallScope.RECALL,
    hazard=Hazard.MICROBIOLOGICAL,
    public_reason="Risque de botulisme : couvercles bombés constatés",
    measures="Cause recherchée : joint de l'autoclave.\nFournée suivante refaite à 121 °C.",
    contact="Camille Martin (coordination), 04 75 00 00 00, contact@example.org",
)


@pytest.fixture
def lot(chain):
    chain.territory.organisation = "Association Conserverie mobile des Tests"
    chain.territory.address = "1 rue des Bocaux, 26100 Romans-sur-Isère"
    chain.territory.save()
    return released(chain, [(chain.raw, "10")])


@pytest.fixture
def recalled(chain, lot):
    """Jars given to two households and a structure, then the lot recalled and 5 jars pulled off the truck."""
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=2, name="Nadia")
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=1, name="Yanis")
    distribute(chain, lot, Distribution.Kind.INTERNAL, quantity=3)
    recall = lot_recall(actor=chain.actor, lot=lot, at=aware(DAY + timedelta(days=3), 9), **RECALL)
    recall_withdraw(actor=chain.actor, recall=recall, lot=lot, jar_format=chain.jar, location=chain.truck, quantity=5)
    return recall


def pdf_text(content: bytes) -> tuple[str, int]:
    pages = PdfReader(BytesIO(content)).pages
    return "\n".join(page.extract_text() for page in pages), len(pages)


def flat(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_the_ddpp_notification_carries_every_particular(client, chain, lot, recalled, animator):
    client.force_login(animator)  # the team reads the sheet; the coordinator decided
    url = f"/t/romans/lots/{lot.code}/rappel/notification-ddpp.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"notification-ddpp-{lot.code}.pdf" in response["Content-Disposition"]
    content, pages = pdf_text(response.content)
    body = flat(content)
    for particular in [
        "règlement (CE) n° 178/2002",
        "DDPP",
        # the operator
        "Association Conserverie mobile des Tests",
        "1 rue des Bocaux, 26100 Romans-sur-Isère",
        # the product and its lots
        "Coulis de tomate (recette version 1)",
        "Bocal 375 ml, 350 g net",
        lot.code,
        f"{lot.produced_on:%d/%m/%Y}",
        f"{lot.best_before:%d/%m/%Y}",
        # quantities made, distributed, in stock
        "Total fabriqué : 30 bocaux ; remis hors de la conserverie : 6 ; encore en stock : 19.",
        # where: households counted, never named; the structure by name and town
        "2 foyer(s)",
        chain.structure.name,
        f"{DAY:%d/%m/%Y}",
        # upstream traceability (guide d'aide à la gestion des alertes, annexe V point 4): the raw lot and its farm
        "Cerfa n° 16243*01",
        "Traçabilité amont",
        chain.raw.code,
        "Ferme des Tests ROM (Peyrins)",
        "investigations en cours ou prévues",
        # the hazard, the decision, the decider
        "Microbiologique",
        RECALL["reason"],
        "Rappel : des bocaux sont chez des consommateurs",
        f"{DAY + timedelta(days=3):%d/%m/%Y} 09:00",
        "coord — coordination du territoire ; formation HACCP du 01/03/2025",
        # measures: counted by the platform, then written by the decider
        "Bocaux retirés des étagères et détruits depuis le rappel : 5 ; encore en stock à retirer : 19.",
        "Cause recherchée : joint de l'autoclave.",
        "Fournée suivante refaite à 121 °C.",
        # what consumers are told, and the contact
        "Ne pas consommer le produit",
        f"/l/{lot.code}/",
        RECALL["contact"],
        f"page 1 / {pages}",
        "Imprimé le",
    ]:
        assert particular in body, particular
    assert "Nadia" not in body
    assert "Yanis" not in body
    assert "06 12 34 56 78" not in body


def test_the_rappelconso_fields_are_ready_to_copy(client, chain, lot, recalled, coordinator):
    client.force_login(coordinator)
    response = client.get(f"/t/romans/lots/{lot.code}/rappel/rappelconso.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "retrait simple" not in body
    fields = json.loads(client.get(f"/t/romans/lots/{lot.code}/rappel/rappelconso.json").content)
    assert fields["Catégorie de produit"] == "Alimentation"
    assert fields["Nom de la marque du produit"] == "Association Conserverie mobile des Tests"
    assert fields["Noms des modèles ou références"].startswith("Coulis de tomate")
    assert fields["Identification des produits"] == (
        f"Lot {lot.code} ; DDM {lot.best_before:%d/%m/%Y} ; fabriqué le {lot.produced_on:%d/%m/%Y}"
    )
    assert fields["Date début/Fin de commercialisation"] == f"{DAY:%d/%m/%Y}"
    assert fields["Zone géographique de vente"] == "Romans"
    assert fields["Distributeurs"] == f"Camion Romans; {chain.structure.name}"
    assert fields["Motif du rappel"] == RECALL["public_reason"]
    assert "botulique" in fields["Risques encourus par le consommateur"]
    assert "15" in fields["Préconisations sanitaires"]
    assert "Ne pas consommer" in fields["Conduites à tenir par le consommateur"]
    assert fields["Numéro de contact"] == RECALL["contact"]
    assert fields["Date de fin de la procédure de rappel"] == f"{lot.best_before:%d/%m/%Y}"
    for name, value in fields.items():  # the text file says the same, field by field
        assert f"{name} :\n{value}\n" in body


def test_a_withdrawal_says_rappelconso_does_not_apply(client, chain, lot, coordinator):
    lot_recall(actor=chain.actor, lot=lot, reason="Étiquette sans allergène", scope=RecallScope.WITHDRAWAL)
    client.force_login(coordinator)
    body = client.get(f"/t/romans/lots/{lot.code}/rappel/rappelconso.txt").content.decode()
    assert "retrait simple" in body
    assert "Date début/Fin de commercialisation :\naucun bocal remis" in body
    content, _pages = pdf_text(client.get(f"/t/romans/lots/{lot.code}/rappel/notification-ddpp.pdf").content)
    assert "Aucun bocal n'est sorti de la conserverie" in flat(content)
    assert "Autre (décrit dans le motif)" in flat(content)


def test_the_public_page_tells_a_recall_and_a_block(client, chain, lot):
    ProductionLot.objects.filter(pk=lot.pk).update(
        recipe_snapshot={**lot.recipe_snapshot, "serving_ideas": "Sur des pâtes fraîches."}
    )
    url = f"/l/{lot.code}/"
    page = text(client.get(url))
    assert "Sur des pâtes fraîches." in page
    assert "ne pas consommer" not in page.lower()

    other = released(chain, [(chain.raw, "10")])
    lot_block(actor=chain.actor, lot=other, reason="Thermomètre à vérifier")
    blocked = text(client.get(f"/l/{other.code}/"))
    assert "Lot bloqué — ne pas consommer" in blocked
    assert "ne doivent pas être consommés" in blocked
    assert "Thermomètre" not in blocked  # the internal reason stays inside

    lot_recall(actor=chain.actor, lot=lot, at=aware(DAY + timedelta(days=3), 9), **RECALL)
    page = text(client.get(url))
    assert "Rappel — ne pas consommer" in page
    assert RECALL["public_reason"] in page
    assert "Rappel du 13 juin 2026" in flat(page)
    assert "Rapportez-le fermé" in page
    assert "Sur des pâtes fraîches." not in page  # no serving ideas for a jar not to be eaten
    assert "analyse en cours" not in page  # the team's reason is not the public's


def test_who_decides_a_recall_and_bad_input_is_refused_at_the_field(client, chain, lot, animator, romans):
    with forbidden():  # an animator without a HACCP training
        lot_recall(actor=animator, lot=lot, reason="x")
    with refused("scope"):
        lot_recall(actor=chain.actor, lot=lot, reason="x", scope="everything")
    with refused("hazard"):
        lot_recall(actor=chain.actor, lot=lot, reason="x", hazard="")
    with refused("public_reason", "250"):
        lot_recall(actor=chain.actor, lot=lot, reason="x", public_reason="x" * 251)

    cook = make_user("cuisiniere", romans.territory, Role.ANIMATOR, trained=True)
    client.force_login(cook)
    url = f"/t/romans/lots/{lot.code}/rappel/"
    page = text(client.get(url))
    assert "Retrait ou rappel" in page
    assert "Nature du danger" in page
    assert "cuisiniere" in page  # the contact is prefilled with the decider
    response = client.post(url, {"reason": "  ", "scope": "recall", "hazard": "physical", "contact": "x"})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["reason"] == ["Indiquez le motif du rappel."]
    assert 'value="x"' in text(response)  # nothing lost
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.RELEASED
    response = client.post(url, {"reason": "Éclat de verre trouvé", "scope": "recall", "hazard": "physical"})
    assert response.status_code == 302
    recall = ProductionLot.objects.get(pk=lot.pk).recalled_in.get()
    assert (recall.recalled_by, recall.hazard, recall.public_text) == (
        cook,
        Hazard.PHYSICAL,
        str(Hazard.PHYSICAL.label),
    )
    sheet = text(client.get(url))
    assert "Notification à la DDPP (PDF)" in sheet
    content, _pages = pdf_text(client.get(url + "notification-ddpp.pdf").content)
    assert "cuisiniere — formation HACCP du 01/03/2025" in flat(content)


def test_another_territory_or_a_viewer_gets_nothing(client, chain, lot, recalled, viewer, other_coordinator):
    for user in (viewer, other_coordinator):
        client.force_login(user)
        for suffix in ("notification-ddpp.pdf", "rappelconso.txt", "rappelconso.json"):
            assert client.get(f"/t/romans/lots/{lot.code}/rappel/{suffix}").status_code in (403, 404)
    client.force_login(other_coordinator)
    assert client.get(f"/t/vercors/lots/{lot.code}/rappel/notification-ddpp.pdf").status_code == 404


def test_no_recall_no_notification(client, lot, coordinator):
    client.force_login(coordinator)
    assert client.get(f"/t/romans/lots/{lot.code}/rappel/notification-ddpp.pdf").status_code == 404


def test_the_notification_and_the_public_page_cost_the_same_queries_with_more_distributions(
    client, chain, lot, coordinator
):
    recall = lot_recall(actor=chain.actor, lot=lot, **RECALL)
    client.force_login(coordinator)
    urls = [
        f"/t/romans/lots/{lot.code}/rappel/notification-ddpp.pdf",
        f"/t/romans/lots/{lot.code}/rappel/rappelconso.txt",
        f"/l/{lot.code}/",
    ]
    before = [queries_on(client, url) for url in urls]
    # More recipients of jars of the lot: the lot is recalled, so its lines are written before, by hand.
    ProductionLot.objects.filter(pk=lot.pk).update(status=LotStatus.RELEASED)
    for i in range(4):
        distribute(chain, lot, Distribution.Kind.PARTICIPANT, name=f"P{i}")
        distribute(chain, lot, Distribution.Kind.PARTNER)
    ProductionLot.objects.filter(pk=lot.pk).update(status=LotStatus.RECALLED)
    assert recall.lots.count() == 1
    assert [queries_on(client, url) for url in urls] == before


def test_the_recall_command_records_scope_and_hazard_and_writes_the_notice(chain, lot, tmp_path):
    path = tmp_path / "notification.pdf"
    out = StringIO()
    call_command(
        "recall",
        lot.code,
        "--reason",
        "Éclat de verre dans un bocal",
        "--scope",
        "withdrawal",
        "--hazard",
        "physical",
        "--notice",
        str(path),
        stdout=out,
    )
    recall = ProductionLot.objects.get(pk=lot.pk).recalled_in.get()
    assert (recall.scope, recall.hazard) == (RecallScope.WITHDRAWAL, Hazard.PHYSICAL)
    assert "Notification à la DDPP écrite" in out.getvalue()
    content, _pages = pdf_text(path.read_bytes())
    assert "Éclat de verre dans un bocal" in flat(content)
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("recall", lot.code, "--reason", "x", "--hazard", "alien", stdout=StringIO())
