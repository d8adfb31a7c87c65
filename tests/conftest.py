import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; every test starts with a clean one."""
    cache.clear()
    yield
    cache.clear()
