"""A participant's copy of their data and deletion request; the office's anonymise action."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from registrations.domain import outbox
from registrations.models import Invoice, OutgoingMail, Registration
from registrations.office.roles import OFFICE, ORGANISATION
from tests.factories import (
    BindingRegistrationFactory,
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    group_colleague,
    registered_group,
)

pytestmark = pytest.mark.django_db


def url(name, registration):
    return reverse(f"registrations:{name}", kwargs={"token": registration.token})


def test_personal_page_offers_the_data_copy_and_deletion(client):
    registration = RegistrationFactory()
    content = client.get(registration.get_absolute_url()).content.decode()
    assert url("personal_data_export", registration) in content
    assert url("personal_deletion_request", registration) in content


def test_my_data_holds_everything_stored_about_the_registration(client):
    registration = BindingRegistrationFactory(note="Bitte vegetarisch", dietary_needs="vegetarisch")
    outbox.queue_mail(registration=registration, template="link_resent")
    Invoice.objects.create(
        number="2025-0007",
        year=2025,
        sequence=7,
        registration=registration,
        issued_on=dt.date(2025, 8, 1),
        due_on=dt.date(2025, 8, 15),
        recipient="Landkreis Beispiel\nAm Markt 1\n50667 Köln",
        participant_name="Dr. Anna-Lena Müller-Lüdenscheidt",
        description="Teilnahme",
        service_period="25.–26.09.2025",
        service_place="Köln",
        amount=Decimal("250.00"),
    )
    response = client.get(url("personal_data_export", registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    assert "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    person = data["anmeldung"]
    assert person["last_name"] == "Müller-Lüdenscheidt"
    assert person["billing_street"] == "Am Markt 1"
    assert person["leitweg_id"] == "05315000-0001-23"
    assert person["note"] == "Bitte vegetarisch"
    assert person["fee"] == "250.00"
    assert "token" not in person
    assert registration.token not in json.dumps({k: v for k, v in data.items() if k != "emails"})
    assert data["tagung"]["titel"] == registration.conference.title
    assert [i["nummer"] for i in data["rechnungen"]] == ["2025-0007"]
    assert data["rechnungen"][0]["betrag"] == "250.00"
    assert [m["betreff"] for m in data["emails"]] == [OutgoingMail.objects.get().subject]
    assert set(data) >= {"workshops", "diskussionsgruppen", "zahlungen", "einwilligungen"}


def test_deletion_request_is_recorded_and_mailed_to_the_office(client, settings):
    registration = RegistrationFactory()
    page = client.get(url("personal_deletion_request", registration))
    assert "acht Jahre" in page.content.decode()
    refused = client.post(url("personal_deletion_request", registration), {})
    assert "Bitte bestätigen Sie den Löschantrag." in refused.content.decode()
    registration.refresh_from_db()
    assert registration.deletion_requested_at is None

    response = client.post(url("personal_deletion_request", registration), {"confirm": "on"}, follow=True)
    assert "Ihr Löschantrag ist eingegangen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.deletion_requested_at is not None
    office_mail = OutgoingMail.objects.get(kind="deletion_requested")
    assert office_mail.to == settings.ASSOCIATION["email"]
    assert f"#{registration.pk}" in office_mail.subject
    # A second request sends nothing new.
    client.post(url("personal_deletion_request", registration), {"confirm": "on"})
    assert OutgoingMail.objects.filter(kind="deletion_requested").count() == 1
    assert (
        "die Löschung Ihrer Daten beantragt" in client.get(registration.get_absolute_url()).content.decode()
    )


def test_the_office_filters_deletion_requests(client):
    asked = RegistrationFactory(
        last_name="Fragt", deletion_requested_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    RegistrationFactory(last_name="Bleibt")
    client.force_login(StaffFactory(roles=[OFFICE]))
    response = client.get(reverse("admin:registrations_registration_changelist") + "?privacy=requested")
    assert [r.pk for r in response.context["cl"].result_list] == [asked.pk]


def test_office_anonymises_a_cancelled_registration_and_the_invoice_stays(client):
    conference = ConferenceFactory()
    registration = BindingRegistrationFactory(
        conference=conference, status="cancelled", last_name="Löschmich"
    )
    invoice = Invoice.objects.create(
        number="2025-0009",
        year=2025,
        sequence=9,
        registration=registration,
        issued_on=dt.date(2025, 8, 1),
        due_on=dt.date(2025, 8, 15),
        recipient="Landkreis Beispiel",
        participant_name="Anna Löschmich",
        description="Teilnahme",
        service_period="2025",
        service_place="Köln",
        amount=Decimal("250.00"),
    )
    still_active = RegistrationFactory(conference=conference, last_name="Aktiv")
    client.force_login(StaffFactory(roles=[OFFICE]))
    response = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "anonymise_action", "_selected_action": [registration.pk, still_active.pk], "apply": "1"},
        follow=True,
    )
    content = response.content.decode()
    assert "1 Anmeldung anonymisiert." in content
    assert "Bitte stornieren Sie die Anmeldung vor dem Anonymisieren." in content
    registration.refresh_from_db()
    assert registration.last_name == "anonymisiert"
    assert Invoice.objects.get(pk=invoice.pk).participant_name == "Anna Löschmich"
    assert Registration.objects.get(pk=still_active.pk).last_name == "Aktiv"


def test_organisers_cannot_anonymise(rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = StaffFactory(roles=[ORGANISATION])
    assert "anonymise_action" not in admin.site._registry[Registration].get_actions(request)


# ---------------------------------------------------------------- group registrations (issue 15, review gap 3


def _group(conference, members):
    return registered_group(
        conference,
        [group_colleague(name, email=email) for name, email in members],
        contact_phone="0221 12345",
        billing_email="rechnungen@kreis-beispiel.de",
        order_number="PO-4711",
    )


def test_a_colleagues_copy_names_the_group_that_registered_them_but_not_the_other_colleagues(client):
    conference = ConferenceFactory(places=10)
    group = _group(conference, [("Anna", ""), ("Bernd", "bernd@kreis-beispiel.de")])
    bernd = group.members.get(first_name="Bernd")
    data = json.loads(client.get(url("personal_data_export", bernd)).content)
    assert data["gruppenanmeldung"]["kontaktperson"] == "Sabine Sekretär"
    assert data["gruppenanmeldung"]["kontakt_email"] == "sekretariat@kreis-beispiel.de"
    assert data["gruppenanmeldung"]["rechnungs_email"] == "rechnungen@kreis-beispiel.de"
    assert data["gruppenanmeldung"]["bestellnummer"] == "PO-4711"
    assert "Anna" not in json.dumps(data["gruppenanmeldung"])
    assert group.token not in json.dumps(data)


def test_the_contacts_copy_holds_the_group_billing_and_the_colleagues_they_registered(client):
    from registrations.domain import group_registrations

    conference = ConferenceFactory(places=10)
    _group(conference, [("Anna", "")])
    group = _group(conference, [("Anna", ""), ("Bernd", "bernd@kreis-beispiel.de")])
    group_registrations.confirm_group(group=group)
    page = client.get(group.get_absolute_url()).content.decode()
    export_url = reverse("registrations:group_data_export", kwargs={"token": group.token})
    assert export_url in page
    response = client.get(export_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="meine-daten-gruppe.json"'
    assert "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    own = data["gruppenanmeldung"]
    assert (own["contact_last_name"], own["contact_phone"], own["billing_email"]) == (
        "Sekretär",
        "0221 12345",
        "rechnungen@kreis-beispiel.de",
    )
    assert own["not_registered"] == [{"name": "Anna Beispiel", "own_address": False}]
    assert "token" not in own
    assert [p["vorname"] for p in data["angemeldete_personen"]] == ["Bernd"]
    assert [line["teilnehmer"] for line in data["sammelrechnungen"][0]["zeilen"]] == ["Bernd Beispiel"]
    assert data["emails"] and all(m["an"] == "sekretariat@kreis-beispiel.de" for m in data["emails"])
    assert group.token not in json.dumps({k: v for k, v in data.items() if k != "emails"})


def test_retention_clears_the_group_with_its_colleagues_it_did_not_register_and_a_group_without_members():
    from registrations.domain import lifecycle
    from registrations.domain.retention import anonymise_registration, run_retention

    conference = ConferenceFactory(places=10)
    _group(conference, [("Anna", "")])
    group = _group(conference, [("Anna", ""), ("Bernd", "")])
    assert group.not_registered
    bernd = group.members.get()
    lifecycle.cancel(registration=bernd)
    anonymise_registration(registration=bernd)
    group.refresh_from_db()
    assert group.anonymised_at is not None
    assert group.not_registered == []
    # A group whose every colleague was registered already has no member to be anonymised with.
    empty = _group(conference, [("Anna", "")])
    assert not empty.members.exists() and empty.not_registered
    mail_to_contact = OutgoingMail.objects.filter(registration__isnull=True, kind="group_registered")
    assert "Anna Beispiel" in mail_to_contact.get().body_text
    conference.starts_at -= dt.timedelta(days=800)
    conference.ends_at -= dt.timedelta(days=800)
    conference.save()
    run_retention()
    empty.refresh_from_db()
    assert (empty.contact_last_name, empty.not_registered) == ("anonymisiert", [])
    assert "Anna" not in mail_to_contact.get().body_text
    assert empty.history.count() == 1
