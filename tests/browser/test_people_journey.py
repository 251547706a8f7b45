"""The coordinator finds a likely duplicate and merges it, then erases a person who asked to be forgotten
(issue 17; docs/privacy-fr.md)."""

from datetime import timedelta

from django.utils import timezone

from conserverie.people.models import Participant
from conserverie.workshops.models import Registration
from conserverie.workshops.services import participant_create, registration_create, workshop_open

from .menu import open_menu_entry
from .test_production_journey import PASSWORD


def test_coordinator_merges_a_duplicate_then_erases_a_person(live_server, chain, page):
    from playwright.sync_api import expect

    chain.actor.set_password(PASSWORD)
    chain.actor.save()
    keep = participant_create(territory=chain.territory, first_name="Nadia", phone="06 11 22 33 44", consent=True)
    dup = participant_create(territory=chain.territory, first_name="nadia", phone="+33 6 11 22 33 44", consent=True)
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    soon = workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title="Atelier compote",
        site=chain.site,
        structure=chain.structure,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=1,
        animators=[chain.actor],
        planned_recipes=[chain.recipe],
    )
    zoe = participant_create(territory=chain.territory, first_name="Zoé", phone="06 55 44 33 22", consent=True)
    registration_create(workshop=soon, participant=zoe)
    waiting = registration_create(workshop=soon, participant=dup)
    assert waiting.status == Registration.Status.WAITING

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", chain.actor.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    open_menu_entry(page, "Participants")
    page.get_by_role("link", name="Doublons probables").click()
    expect(page.get_by_role("heading", name="Doublons probables")).to_be_visible()
    pairs = page.get_by_test_id("duplicates")
    expect(pairs).to_contain_text(f"Nadia #{keep.pk}")
    expect(pairs.get_by_test_id("reasons")).to_have_text("même numéro de téléphone")
    pairs.get_by_role("link", name="Comparer et fusionner").click()

    expect(page.get_by_role("heading", name="Fusionner deux fiches")).to_be_visible()
    expect(page.get_by_test_id("merge-effects")).to_contain_text("passent sur la fiche gardée")
    page.get_by_role("button", name="Fusionner").click()  # not confirmed: said at the box and in the summary
    expect(page.get_by_test_id("error-summary")).to_contain_text("Cochez la case pour confirmer la fusion.")
    page.get_by_label("J'ai vérifié : ces deux fiches sont la même personne.").check()
    page.get_by_role("button", name="Fusionner").click()
    expect(page.get_by_text(f"Fiches fusionnées : n° {dup.pk} est maintenant n° {keep.pk}.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Nadia #{keep.pk}")).to_be_visible()
    assert Participant.objects.get(pk=dup.pk).merged_into_id == keep.pk
    assert soon.registrations.get(participant=keep).status == Registration.Status.WAITING

    # Zoé asked to be forgotten: her seat goes to Nadia, who waited.
    open_menu_entry(page, "Participants")
    page.get_by_label("Rechercher").fill("Zoé")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name=f"Zoé #{zoe.pk}").click()
    page.get_by_role("link", name="Effacer").click()
    effects = page.get_by_test_id("erase-effects")
    expect(effects).to_contain_text("Son inscription à venir est annulée")
    page.get_by_label("Motif").fill("Demande de la personne")
    page.get_by_label("J'ai compris : l'identité de cette personne sera effacée pour toujours.").check()
    page.get_by_role("button", name="Effacer").click()
    expect(page.get_by_text(f"Identité effacée (n° {zoe.pk}).")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Anonyme #{zoe.pk}")).to_be_visible()
    assert soon.registrations.get(participant=keep).status == Registration.Status.CONFIRMED
