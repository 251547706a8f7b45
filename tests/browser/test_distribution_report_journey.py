"""A board member reads the distribution report: it opens on the current season; every season is one click away,
and dates narrow it (issue 20: the default no longer reads ten seasons of the jar ledger)."""

from decimal import Decimal

from django.utils import timezone

from conserverie.distribution.models import Distribution, PaymentMode
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.territories.models import Role

from ..conftest import DAY, make_user
from ..helpers import released_lot
from .test_network_journey import PASSWORD, login


def test_the_report_opens_on_this_season_and_all_seasons_is_one_click_away(live_server, chain, page):
    from playwright.sync_api import expect

    user = make_user("tresoriere", chain.territory, Role.VIEWER)
    user.set_password(PASSWORD)
    user.save()
    lot = released_lot(chain, jars=20)
    today = timezone.localdate()
    for day, mode in ((DAY, PaymentMode.CARD), (today, PaymentMode.CHEQUE)):
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.GROUP_SALE,
            location=chain.truck,
            day=day,
            lines=[LineSpec(lot, chain.jar, 2, Decimal("3.50"))],
            payment_mode=mode,
        )
    login(page, live_server, "tresoriere")
    page.goto(f"{live_server.url}/t/romans/cessions/bilan/")
    period = page.get_by_test_id("period")
    expect(period).to_contain_text(f"Période : saison {today.year} (année civile).")
    expect(page.get_by_label("Du")).to_have_value(f"{today.year}-01-01")
    sales = page.get_by_test_id("sales_day")  # today's sale by cheque; the card sale of 10 June 2026
    expect(sales).to_contain_text("Chèque")

    page.get_by_role("link", name="Toutes les saisons").click()
    expect(period).to_contain_text("Période : toutes les saisons, depuis la première cession.")
    expect(sales).to_contain_text("10 juin 2026")
    expect(sales).to_contain_text("Carte bancaire")
    expect(sales).to_contain_text("Chèque")

    page.get_by_label("Du").fill(DAY.isoformat())
    page.get_by_label("Au").fill(DAY.isoformat())
    page.get_by_role("button", name="Filtrer").click()
    expect(period).to_contain_text(f"Période : du {DAY:%d/%m/%Y} au {DAY:%d/%m/%Y}.")
    expect(sales).to_contain_text("Carte bancaire")
    expect(sales).not_to_contain_text("Chèque")

    page.get_by_role("link", name=f"Saison {today.year}").click()
    expect(period).to_contain_text(f"Période : saison {today.year} (année civile).")
    expect(sales).to_contain_text("Chèque")
