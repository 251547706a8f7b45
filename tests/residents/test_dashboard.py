"""The dashboard states its period and lists what staff must act on (issue 19, item 7)."""

from django.utils import timezone

from conserverie.core.formats import human_date

from ..pages import add_lots, add_offers, add_raw_lots, assert_flat_queries, text


def todo(page: str) -> str:
    if 'data-testid="dashboard-todo"' not in page:
        return ""
    return page[page.index('data-testid="dashboard-todo"') : page.index("</section>", page.index("dashboard-todo"))]


def test_the_dashboard_says_its_period(client, chain, coordinator, viewer):
    client.force_login(viewer)
    page = text(client.get("/t/romans/"))
    assert "depuis le premier enregistrement du territoire" in page
    assert human_date(timezone.localdate(), "j F Y") in page
    assert todo(page) == ""  # viewers read figures, they have nothing to do here


def test_the_dashboard_lists_offers_raw_lots_and_lots_waiting(client, chain, coordinator):
    client.force_login(coordinator)
    add_offers(chain, 2)
    items = todo(text(client.get("/t/romans/")))
    assert "2 offres de fermes attendent une réponse" in items
    assert 'href="/t/romans/offres/"' in items
    assert "1 lot brut encore en stock" in items  # the chain's raw lot
    add_lots(chain, 1)
    items = todo(text(client.get("/t/romans/")))
    assert "attend son résultat" in items or "attendent leur résultat" in items


def test_another_territorys_work_is_not_counted(client, chain, other_chain, other_coordinator):
    add_offers(chain, 3)
    client.force_login(other_coordinator)
    page = text(client.get(f"/t/{other_chain.territory.slug}/"))
    assert "3 offres" not in page


def test_the_dashboard_query_count_does_not_grow_with_work_to_do(client, chain, coordinator, django_assert_num_queries):
    client.force_login(coordinator)

    def grow(n):
        add_offers(chain, n)
        add_raw_lots(chain, n)

    assert_flat_queries(client, "/t/romans/", grow, django_assert_num_queries)


def test_the_dashboard_lists_trainings_about_to_expire(client, chain, coordinator, other_chain):
    """Without a valid food-safety training nobody signs a schedule or releases a lot (issue 14): 60 days' notice."""
    from datetime import timedelta

    from conserverie.territories.models import Training, TrainingKind

    today = timezone.localdate()

    def train(territory, expires_in):
        Training.objects.create(
            territory=territory,
            user=coordinator,
            kind=TrainingKind.HACCP,
            obtained_on=today - timedelta(days=300),
            organisation="Organisme",
            expires_on=today + timedelta(days=expires_in),
            recorded_by=coordinator,
        )

    client.force_login(coordinator)
    train(chain.territory, 90)
    assert "formation" not in todo(text(client.get("/t/romans/")))
    train(chain.territory, 30)
    train(other_chain.territory, 10)  # another territory's training is not counted here
    items = todo(text(client.get("/t/romans/")))
    assert "1 formation expire dans moins de 60 jours" in items
    assert 'href="/t/romans/formations/"' in items
