"""A coordinator notes volunteer hours and reads them: the page opens on the current season, "Toutes les saisons"
and last season are one choice away, a name narrows the list (docs/performance.md, f21: ten seasons of every
volunteer's hours made the page slow)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from conserverie.territories.models import Role
from conserverie.workshops.volunteers import volunteer_hours_record

from ..conftest import make_user
from ..pages import add_participant
from .test_network_journey import PASSWORD, login


def test_hours_open_on_this_season_and_every_season_is_a_choice_away(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("coordinatrice", chain.territory, Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    today = timezone.localdate()
    last_year = today.year - 1
    amina, odile = add_participant(chain, "Amina"), add_participant(chain, "Odile")
    volunteer_hours_record(
        actor=chain.actor,
        territory=chain.territory,
        participant=odile,
        date=date(last_year, 6, 10),
        hours=Decimal("4"),
        activity="Épluchage",
    )
    login(page, live_server, "coordinatrice")
    page.goto(f"{live_server.url}/t/romans/participants/benevoles/")
    expect(page.get_by_label("Saison", exact=True)).to_have_value(str(today.year))
    expect(page.get_by_text("Aucune heure notée pour la saison")).to_be_visible()

    page.get_by_label("Participant", exact=True).select_option(label=f"Amina #{amina.pk}")
    page.get_by_label("Heures", exact=True).fill("2")
    page.get_by_label("Activité").fill("Vaisselle")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"2 h notées pour Amina #{amina.pk}")).to_be_visible()
    hours = page.get_by_test_id("hours")
    expect(hours).to_contain_text(f"Amina #{amina.pk}")
    expect(hours).not_to_contain_text("Odile")
    expect(page.get_by_test_id(f"season-{today.year}")).to_contain_text("2 h données par 1 personne(s)")

    page.get_by_label("Saison", exact=True).select_option(label="Toutes les saisons")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_test_id(f"season-{last_year}")).to_contain_text("4 h données par 1 personne(s)")
    expect(hours).to_contain_text(f"Odile #{odile.pk}")
    expect(hours).to_contain_text(f"Amina #{amina.pk}")

    page.get_by_label("Rechercher").fill("odi")
    page.get_by_role("button", name="Filtrer").click()
    expect(hours).to_contain_text(f"Odile #{odile.pk}")
    expect(hours).not_to_contain_text("Amina")
    expect(page.get_by_label("Saison", exact=True)).to_have_value("all")

    page.get_by_label("Saison", exact=True).select_option(str(last_year))
    page.get_by_label("Rechercher").fill("")
    page.get_by_role("button", name="Filtrer").click()
    expect(hours).to_contain_text(f"Odile #{odile.pk}")
    expect(hours).not_to_contain_text("Amina")
    expect(page.get_by_test_id(f"season-{today.year}")).to_have_count(0)
