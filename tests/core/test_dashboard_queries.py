from ..pages import add_distributions, add_stock_activity, add_workshops, assert_flat_queries


def test_dashboard_query_count_does_not_grow(client, chain, django_assert_num_queries):
    client.force_login(chain.actor)

    def grow(n):
        add_stock_activity(chain, n)
        add_distributions(chain, n)
        add_workshops(chain, n)

    assert_flat_queries(client, "/t/romans/", grow, django_assert_num_queries)
