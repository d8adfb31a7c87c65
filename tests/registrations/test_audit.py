"""Audit trail: the office sees who changed what and when (django-simple-history)."""

import pytest
from django.urls import reverse

from registrations.office.roles import OFFICE, ORGANISATION
from tests.factories import RegistrationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def form_data(response):
    """The change form as the browser would send it back, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_a_change_by_the_office_records_the_user_and_the_changed_field(client):
    registration = RegistrationFactory(organisation="Stadt Alt")
    office = StaffFactory(username="buero", roles=[OFFICE])
    client.force_login(office)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data(client.get(url))
    data["organisation"] = "Stadt Neu"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest, previous = registration.history.all()[:2]
    assert latest.history_user == office
    assert latest.history_type == "~"
    delta = latest.diff_against(previous)
    assert delta.changed_fields == ["organisation"]
    assert (delta.changes[0].old, delta.changes[0].new) == ("Stadt Alt", "Stadt Neu")


def test_the_history_page_shows_who_changed_it(client):
    registration = RegistrationFactory(organisation="Stadt Alt")
    office = StaffFactory(username="buero", roles=[OFFICE])
    client.force_login(office)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data(client.get(url))
    data["organisation"] = "Stadt Neu"
    client.post(url, data)
    page = client.get(reverse("admin:registrations_registration_history", args=[registration.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "buero" in content
    assert "Organisation" in content


def test_organisers_may_read_the_history(client):
    registration = RegistrationFactory()
    registration.organisation = "Geändert"
    registration.save()
    client.force_login(StaffFactory(username="orga", roles=[ORGANISATION]))
    page = client.get(reverse("admin:registrations_registration_history", args=[registration.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize("role", [ORGANISATION, OFFICE])
def test_nobody_reverts_through_the_history_form(client, role):
    """A revert would bypass the services; simple-history would even save it for view-only users."""
    registration = RegistrationFactory(organisation="Stadt Alt")
    registration.organisation = "Stadt Neu"
    registration.save()
    office = StaffFactory(username="buero", roles=[OFFICE])
    client.force_login(office)
    old = registration.history.earliest()
    url = reverse("admin:registrations_registration_simple_history", args=[registration.pk, old.history_id])
    data = form_data(client.get(url))
    assert data["organisation"] == "Stadt Alt"
    client.force_login(StaffFactory(username="jemand", roles=[role]))
    assert client.post(url, data).status_code == 403
    registration.refresh_from_db()
    assert registration.organisation == "Stadt Neu"


def test_the_token_never_enters_the_history():
    registration = RegistrationFactory()
    assert not hasattr(registration.history.first(), "token")
