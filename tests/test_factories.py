"""The shared builders give what their names promise; a misspelt role or permission fails at once."""

import pytest
from django.contrib.auth.models import Group, Permission

from registrations.office.roles import OFFICE
from tests.factories import StaffFactory, UserFactory, binding_data, pre_registration_data

pytestmark = pytest.mark.django_db


def test_staff_get_their_role_and_permissions_and_a_usable_password():
    user = StaffFactory(roles=[OFFICE], permissions=["view_invoice"], password="geheim")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.all()) == [Group.objects.get(name=OFFICE)]
    assert list(user.user_permissions.values_list("codename", flat=True)) == ["view_invoice"]
    assert user.check_password("geheim")


def test_a_plain_user_is_no_staff():
    assert not UserFactory().is_staff


def test_an_unknown_role_or_permission_fails_instead_of_making_a_user_without_rights():
    with pytest.raises(Group.DoesNotExist):
        StaffFactory(roles=["Gibt es nicht"])
    with pytest.raises(Permission.DoesNotExist):
        StaffFactory(permissions=["view_nothing"])


def test_the_person_data_of_one_number_stay_the_same_and_extras_win():
    assert pre_registration_data(3)["email"] == "person3@example.org"
    data = binding_data(2, billing_city="Bonn", first_name="Eva")
    assert (data["first_name"], data["email"], data["billing_city"]) == ("Eva", "person2@example.org", "Bonn")
    assert data["terms_accepted"] is True
