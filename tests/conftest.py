import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; every test starts with a clean one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person_data():
    return {
        "salutation": "frau",
        "academic_title": "Dr.",
        "first_name": "Anna-Lena",
        "last_name": "Müller-Lüdenscheidt",
        "email": "Anna.Mueller@Landkreis-Beispiel.de",
        "organisation": "Landkreis Beispiel",
        "position": "Sozialplanerin",
        "is_member": True,
        "member_number": "1234",
        "note": "",
    }
