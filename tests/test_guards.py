"""The guards fail, with the name of what is missing, where a test used to skip itself."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programme.models import Conference
from tests.guards import model_admin_or_fail, url_or_fail


def test_an_existing_route_gives_its_url():
    assert url_or_fail("programme:programme", slug="tagung") == reverse(
        "programme:programme", args=["tagung"]
    )


def test_a_missing_route_fails_with_its_name():
    with pytest.raises(AssertionError, match="'registrations:gone' is missing"):
        url_or_fail("registrations:gone", token="x")


def test_a_registered_model_gives_its_admin():
    assert model_admin_or_fail(Conference) is admin.site._registry[Conference]


def test_a_model_missing_from_the_admin_fails():
    # A site of its own with nothing registered: the office's site stays untouched for the
    # tests that run after this one in the same process.
    empty = admin.AdminSite(name="guard-test")
    with pytest.raises(AssertionError, match="programme.Conference is not registered in the admin"):
        model_admin_or_fail(Conference, site=empty)
