import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """These tests post many public forms from one address: each starts and ends with no rate-limit count."""
    cache.clear()
    yield
    cache.clear()
