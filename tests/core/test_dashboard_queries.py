from datetime import timedelta

from django.utils import timezone

from ..pages import add_distributions, add_stock_activity, add_workshops, assert_flat_queries


def test_dashboard_query_count_does_not_grow(client, chain, django_assert_num_queries):
    client.force_login(chain.actor)

    def grow(n):
        add_stock_activity(chain, n)
        add_distributions(chain, n)
        add_workshops(chain, n)

    assert_flat_queries(client, "/t/romans/", grow, django_assert_num_queries)


def test_staff_see_raw_lots_about_to_spoil_and_viewers_do_not(client, chain, coordinator, viewer):
    chain.raw.use_before = timezone.localdate() + timedelta(days=1)
    chain.raw.save(update_fields=["use_before"])
    client.force_login(coordinator)
    assert "1 lot brut est à transformer dans les deux jours." in client.get("/t/romans/").content.decode()
    client.force_login(viewer)
    assert "à transformer" not in client.get("/t/romans/").content.decode()
    chain.raw.use_before = timezone.localdate() + timedelta(days=5)
    chain.raw.save(update_fields=["use_before"])
    client.force_login(coordinator)
    assert "à transformer" not in client.get("/t/romans/").content.decode()
