"""Finding 7 of the trust review: stored exports after an anonymisation, the admin's e-mail rule,
hard deletes from the admin and unthrottled PDF downloads behind a personal link."""

import pytest
from django.contrib import admin
from django.urls import reverse

from exports.models import ExportJob
from registrations.domain import lifecycle, outbox
from registrations.models import Registration
from registrations.office.roles import OFFICE
from tests.factories import ConferenceFactory, RegistrationFactory, StaffFactory, binding_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


def changelist():
    return reverse("admin:registrations_registration_changelist")


# ---------------------------------------------------------------- anonymisation scrubs exports


def test_anonymising_on_request_deletes_the_conferences_stored_exports(office_client):
    conference, other = ConferenceFactory(), ConferenceFactory()
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    lifecycle.cancel(registration=registration)
    stored = ExportJob.objects.create(
        conference=conference, kind="participants", format="csv", status="done", content=b"Beispiel;Person1"
    )
    elsewhere = ExportJob.objects.create(conference=other, kind="participants", format="csv", content=b"x")
    office_client.post(
        changelist(), {"action": "anonymise_action", "_selected_action": [registration.pk], "apply": "1"}
    )
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert not ExportJob.objects.filter(pk=stored.pk).exists()
    assert ExportJob.objects.filter(pk=elsewhere.pk).exists()


# ---------------------------------------------------------------- e-mail rule when editing


def edit_form(registration, **changes):
    """The registration's admin change form as the office would post it, with `changes`."""
    request = type("Request", (), {"user": StaffFactory(roles=[OFFICE])})()
    model_admin = admin.site._registry[Registration]
    form_class = model_admin.get_form(request, registration, change=True)
    unbound = form_class(instance=registration)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if value not in (None, False):
            data[name] = value
    return form_class({**data, **changes}, instance=registration)


def test_editing_a_registration_in_the_admin_lower_cases_the_email():
    registration = RegistrationFactory(email="alt@example.org")
    form = edit_form(registration, email="  Neu.Adresse@Example.ORG ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "neu.adresse@example.org"


def test_editing_refuses_a_case_variant_of_another_active_registrations_person():
    conference = ConferenceFactory()
    RegistrationFactory(conference=conference, email="anna@example.org", first_name="Anna", last_name="A")
    registration = RegistrationFactory(
        conference=conference, email="bernd@example.org", first_name="Anna", last_name="A"
    )
    form = edit_form(registration, email="Anna@Example.org")
    assert not form.is_valid()
    assert form.errors["email"] == [
        "Für diese Person (Name und E-Mail-Adresse) gibt es schon eine Anmeldung zu dieser Tagung."
    ]
    assert edit_form(registration, email="Bernd@Example.org").is_valid()  # its own address, any case
    # A colleague with the same address is another person (issue 15).
    assert edit_form(registration, email="Anna@Example.org", first_name="Bernd").is_valid()


# ---------------------------------------------------------------- deleting is cancelling


def test_a_registration_with_history_is_not_deleted_but_the_office_is_sent_to_cancel(office_client):
    registration = RegistrationFactory()
    outbox.queue_mail(registration=registration, template="link_resent")
    delete = reverse("admin:registrations_registration_delete", args=[registration.pk])
    response = office_client.post(delete, {"post": "yes"}, follow=True)
    assert "bitte stornieren sie die anmeldung" in response.content.decode().lower()
    response = office_client.post(
        changelist(), {"action": "delete_selected", "_selected_action": [registration.pk], "post": "yes"}
    )
    assert Registration.objects.filter(pk=registration.pk).exists()
    change = office_client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))
    assert delete not in change.content.decode()


def test_a_changed_registration_has_a_history_too(office_client):
    registration = RegistrationFactory(last_name="Vorher")
    registration.last_name = "Nachher"
    registration.save()
    delete = reverse("admin:registrations_registration_delete", args=[registration.pk])
    office_client.post(delete, {"post": "yes"})
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_a_mistyped_entry_without_any_history_can_still_be_deleted(office_client):
    registration = RegistrationFactory()
    delete = reverse("admin:registrations_registration_delete", args=[registration.pk])
    office_client.post(delete, {"post": "yes"})
    assert not Registration.objects.filter(pk=registration.pk).exists()


# ---------------------------------------------------------------- downloads per link


def test_pdf_and_data_downloads_are_limited_per_link(client, settings):
    settings.DOWNLOAD_LIMIT = 3
    conference = ConferenceFactory()
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    other, _ = lifecycle.register_binding(conference=conference, data=binding_data(2))
    registration = lifecycle.confirm_address(registration=registration)  # invoices come with confirmation
    other = lifecycle.confirm_address(registration=other)
    invoice = registration.invoices.get()
    token = registration.token
    urls = [
        reverse("registrations:personal_invoice_pdf", kwargs={"token": token, "number": invoice.number}),
        reverse("registrations:personal_confirmation_pdf", kwargs={"token": token}),
        reverse("registrations:personal_data_export", kwargs={"token": token}),
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    refused = client.get(urls[0])
    assert refused.status_code == 429
    assert "Zu viele Downloads" in refused.content.decode()
    assert client.get(urls[2]).status_code == 429
    # Another person's link has its own budget.
    number = other.invoices.get().number
    url = reverse("registrations:personal_invoice_pdf", kwargs={"token": other.token, "number": number})
    assert client.get(url).status_code == 200
