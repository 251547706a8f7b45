"""HACCP plan per recipe version (issue 14 item 4; Regulation (EC) 852/2004, art. 5; docs/safety-en.md)."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conserverie.producers.models import Product
from conserverie.recipes.models import CcpKind, HaccpPlan, HeatTreatment
from conserverie.recipes.services import (
    FormatSpec,
    haccp_plan_for,
    haccp_plan_save,
    haccp_plan_validate,
    recipe_create,
)
from conserverie.territories.models import Role, TrainingKind
from conserverie.territories.trainings import training_record

from ..conftest import make_user
from ..helpers import refused
from ..pages import queries_on, text

TODAY = timezone.localdate()


@pytest.fixture
def trained_animator(chain):
    user = make_user("cuisiniere-formee", chain.territory, Role.ANIMATOR)
    training_record(
        actor=chain.actor,
        territory=chain.territory,
        user=user,
        kind=TrainingKind.HACCP,
        obtained_on=TODAY - timedelta(days=30),
        organisation="Organisme agréé (fictif)",
        expires_on=TODAY + timedelta(days=1000),
    )
    return user


@pytest.fixture
def celeriac(db):
    return Product.objects.get_or_create(
        name="Céleri-rave",
        defaults={"category": Product.Category.VEGETABLE, "shelf_life_days": 20, "allergens": ["celery"]},
    )[0]


def _soup(chain, celeriac, code="SCEL", minutes=40, **kwargs):
    """A low-acid soup sterilised at 121 °C."""
    return recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code=code,
        name="Soupe de céleri",
        category="low_acid",
        ingredients=[(celeriac, Decimal("8")), (chain.tomato, Decimal("2"))],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("121"), minutes)],
        **kwargs,
    )


def _jam(chain):
    return recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="CONF",
        name="Confiture de tomate",
        category="acid",
        ph_limit=Decimal("3.5"),
        ingredients=[(chain.tomato, Decimal("5"))],
        formats=[FormatSpec(chain.jar, 20, 310, HeatTreatment.PASTEURISATION, Decimal("90"), 10)],
    )


def kinds(plan):
    return [c["kind"] for c in plan.ccps]


def test_every_recipe_version_gets_its_default_plan_from_its_category(chain, celeriac):
    jam = _jam(chain)
    plan = jam.haccp_plan
    assert plan.validated_at is None
    assert kinds(plan) == [CcpKind.PH, CcpKind.PASTEURISATION, CcpKind.SEAL]
    assert plan.ccps[0]["critical_limit"] == "pH ≤ 3,5"
    assert "90,0 °C pendant 10 min" in plan.ccps[1]["critical_limit"]
    assert "Aucun des 14 allergènes" in plan.hazards["allergens"]

    soup = _soup(chain, celeriac, stability_at_55=True)
    plan = soup.haccp_plan
    assert kinds(plan) == [CcpKind.STERILISATION, CcpKind.SEAL, CcpKind.STABILITY]
    assert plan.ccps[0]["critical_limit"].startswith("F0 ≥ 3,0 min à cœur")
    assert "7 jours à 37 °C et 7 jours à 55 °C" in plan.ccps[2]["critical_limit"]
    assert "Céleri" in plan.hazards["allergens"]  # derived from the celeriac
    assert "botulinum" in plan.hazards["biological"]
    # Each of the seven principles of art. 5 §2 is filled in.
    assert all(plan.hazards[k] for k in ("biological", "chemical", "physical", "allergens"))
    for ccp in plan.ccps:
        assert all(ccp[f] for f in ("step", "hazard", "critical_limit", "what", "how", "frequency", "who"))
        assert ccp["corrective_action"]
    assert plan.verification
    assert plan.records

    # The chain's coulis is acid (pH 4.4) but sterilised: pH and sterilisation are both critical.
    assert kinds(haccp_plan_for(chain.recipe)) == [CcpKind.PH, CcpKind.STERILISATION, CcpKind.SEAL]


def test_only_a_trained_person_writes_or_validates_the_plan(chain, celeriac, trained_animator):
    soup = _soup(chain, celeriac)
    untrained = make_user("coord-sans-formation", chain.territory, Role.COORDINATOR, trained=False)
    other_territory_trained = make_user("anim-ailleurs", None)
    for user in (untrained, other_territory_trained):
        with refused(exc=PermissionDenied):
            haccp_plan_validate(actor=user, recipe=soup)
        with refused(exc=PermissionDenied):
            haccp_plan_save(actor=user, recipe=soup, **_values(soup.haccp_plan))
    plan = haccp_plan_validate(actor=trained_animator, recipe=soup)
    assert plan.validated_by == trained_animator
    assert plan.history.first().history_user == trained_animator
    with refused(match="déjà validé"):
        haccp_plan_validate(actor=trained_animator, recipe=soup)


def _values(plan, **changes):
    values = {
        "hazards": dict(plan.hazards),
        "ccps": [dict(c) for c in plan.ccps],
        "verification": plan.verification,
        "records": plan.records,
    }
    values.update(changes)
    return values


def test_a_validated_plan_is_never_edited_and_a_new_version_carries_a_plan_to_review(chain, celeriac, trained_animator):
    soup = _soup(chain, celeriac)
    plan = soup.haccp_plan
    edited = _values(plan)
    edited["hazards"]["physical"] = "Éclats de verre : bocaux mirés un à un."
    edited["ccps"][1]["who"] = "Fatou ou la coordinatrice formée"
    haccp_plan_save(actor=trained_animator, recipe=soup, **edited)
    haccp_plan_validate(actor=trained_animator, recipe=soup)
    with refused(match="nouvelle version"):
        haccp_plan_save(actor=trained_animator, recipe=soup, **edited)

    v2 = _soup(chain, celeriac, minutes=50)
    assert v2.version == 2
    new_plan = v2.haccp_plan
    assert new_plan.pk != plan.pk
    assert new_plan.validated_at is None
    # What the trained person wrote is carried over, to be read again; the limits follow the new schedule.
    assert new_plan.hazards["physical"] == "Éclats de verre : bocaux mirés un à un."
    assert new_plan.ccps[1]["who"] == "Fatou ou la coordinatrice formée"
    assert "50 min" in new_plan.ccps[0]["critical_limit"]
    # The old version keeps its signed plan.
    plan.refresh_from_db()
    assert plan.validated_by == trained_animator
    assert "40 min" in plan.ccps[0]["critical_limit"]
    HaccpPlan.objects.filter(pk=plan.pk).update(validated_at=None, validated_by=None)
    with refused(match="plus active"):
        haccp_plan_validate(actor=trained_animator, recipe=soup)


def test_a_plan_missing_a_principle_or_a_control_point_is_refused(chain, celeriac, trained_animator):
    soup = _soup(chain, celeriac)
    plan = soup.haccp_plan
    blank_hazard = _values(plan)
    blank_hazard["hazards"]["chemical"] = "  "
    with refused(field="hazards", match="chimique"):
        haccp_plan_save(actor=trained_animator, recipe=soup, **blank_hazard)
    no_limit = _values(plan)
    no_limit["ccps"][0]["critical_limit"] = ""
    with refused(field="ccps", match="limite critique"):
        haccp_plan_save(actor=trained_animator, recipe=soup, **no_limit)
    with refused(field="ccps", match="ne se retirent pas"):
        haccp_plan_save(actor=trained_animator, recipe=soup, **_values(plan, ccps=plan.ccps[:1]))
    with refused(field="verification"):
        haccp_plan_save(actor=trained_animator, recipe=soup, **_values(plan, verification=""))
    # A plan stored without the stability test (written by hand) cannot be signed.
    HaccpPlan.objects.filter(pk=plan.pk).update(ccps=plan.ccps[:2])
    soup.refresh_from_db()
    with refused(field="ccps", match="Test de stabilité"):
        haccp_plan_validate(actor=trained_animator, recipe=soup)


def test_the_haccp_sheet_pdf_has_every_section_the_signer_and_page_numbers(client, chain, celeriac, trained_animator):
    soup = _soup(chain, celeriac)
    haccp_plan_validate(actor=trained_animator, recipe=soup)
    client.force_login(trained_animator)
    response = client.get(reverse("recipes:haccp_pdf", args=[chain.territory.slug, soup.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(BytesIO(response.content))
    content = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(content.split())
    for section in (
        "Plan HACCP — Soupe de céleri (SCEL, version 1)",
        "1. Dangers",
        "Biologiques",
        "Chimiques",
        "Physiques",
        "Allergènes",
        "2. Points critiques",
        "Limite critique",
        "Action corrective",
        "3. Vérification",
        "4. Documents et enregistrements",
        "Validé par cuisiniere-formee",
        f"imprimé le {timezone.localdate():%d/%m/%Y}",
        f"page 1 / {len(reader.pages)}",
    ):
        assert section in flat, section
    assert "F0 ≥ 3,0 min" in flat
    assert "Céleri" in flat


def test_the_plan_pages_review_edit_and_sign(client, chain, celeriac, trained_animator, other_coordinator):
    soup = _soup(chain, celeriac)
    url = reverse("recipes:haccp", args=[chain.territory.slug, soup.pk])
    edit = reverse("recipes:haccp_edit", args=[chain.territory.slug, soup.pk])
    # An untrained coordinator reads the plan but is offered no signing, and cannot write it.
    untrained = make_user("coord-sans-formation", chain.territory, Role.COORDINATOR, trained=False)
    client.force_login(untrained)
    page = text(client.get(url))
    assert "Plan pas encore validé" in page
    assert "Valider le plan HACCP" not in page
    assert client.get(edit).status_code == 403
    assert client.post(reverse("recipes:haccp_validate", args=[chain.territory.slug, soup.pk])).status_code == 403

    client.force_login(trained_animator)
    form = client.get(edit)
    assert form.status_code == 200
    data = {name: field.initial for name, field in form.context["form"].fields.items()}
    data["hazard_physical"] = ""
    response = client.post(edit, data)
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in text(response)
    assert HaccpPlan.objects.get(pk=soup.haccp_plan.pk).hazards["physical"] != ""
    data["hazard_physical"] = "Verre : bocaux mirés."
    assert client.post(edit, data).status_code == 302
    assert HaccpPlan.objects.get(pk=soup.haccp_plan.pk).hazards["physical"] == "Verre : bocaux mirés."
    client.post(reverse("recipes:haccp_validate", args=[chain.territory.slug, soup.pk]))
    page = text(client.get(url))
    assert "Plan validé par cuisiniere-formee" in page
    assert "Modifier le plan" not in page

    # Another territory never sees it.
    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404
    assert client.get(reverse("recipes:haccp_pdf", args=[chain.territory.slug, soup.pk])).status_code in (403, 404)


def test_the_plan_page_costs_the_same_queries_whatever_the_ingredients(client, chain, celeriac, coordinator):
    small = _jam(chain)
    onion = Product.objects.create(name="Oignon", category=Product.Category.VEGETABLE, shelf_life_days=30)
    garlic = Product.objects.create(name="Ail", category=Product.Category.VEGETABLE, shelf_life_days=30)
    big = recipe_create(
        actor=chain.actor,
        territory=chain.territory,
        code="SBIG",
        name="Soupe garnie",
        category="low_acid",
        ingredients=[(celeriac, Decimal("6")), (chain.tomato, Decimal("2")), (onion, Decimal("1")), (garlic, 1)],
        formats=[FormatSpec(chain.jar, 20, 350, HeatTreatment.STERILISATION, Decimal("121"), 40)],
    )
    client.force_login(coordinator)
    counts = {queries_on(client, reverse("recipes:haccp", args=[chain.territory.slug, r.pk])) for r in (small, big)}
    assert len(counts) == 1, counts
