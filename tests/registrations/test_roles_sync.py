"""Models added after the roles migration join the roles, because migrate re-applies them."""

import pytest
from django.contrib.auth.models import Group

from registrations.office.roles import OFFICE, ORGANISATION

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_the_bank_import_models_of_a_later_migration_are_in_the_roles():
    assert {"add_banktransaction", "change_banktransaction", "view_banktransaction"} <= codenames(OFFICE)
    assert "view_banktransaction" in codenames(ORGANISATION)
    assert "add_banktransaction" not in codenames(ORGANISATION)
    assert "change_banktransaction" not in codenames(ORGANISATION)
