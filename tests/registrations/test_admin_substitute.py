"""The office names a substitute (Ersatzperson) for a binding registration, e.g. after a phone call."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from registrations.domain.lifecycle import register_binding
from registrations.models import Invoice, Registration
from registrations.office.roles import ORGANISATION
from tests.factories import ConferenceFactory, RegistrationFactory, StaffFactory, office_binding_form

pytestmark = pytest.mark.django_db

SUBSTITUTE = {
    "salutation": "herr",
    "first_name": "Bernd",
    "last_name": "Ersatz",
    "email": "Bernd.Ersatz@example.org",
    "organisation": "Kreis Düren",
    "confirm": "on",
}


@pytest.fixture
def registration():
    registered, _ = register_binding(
        conference=ConferenceFactory(),
        data={**office_binding_form(), "is_member": True, "terms_accepted": True},
        source=Registration.Source.OFFICE,  # taken on the phone: confirmed by the office
    )
    return registered


def substitute_url(registration):
    return reverse("admin:registrations_registration_substitute", args=[registration.pk])


def test_office_hands_the_place_over_from_the_change_page(
    admin_client, registration, django_capture_on_commit_callbacks
):
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    assert substitute_url(registration) in admin_client.get(change).content.decode()
    form = admin_client.get(substitute_url(registration)).content.decode()
    assert "Telefon Anruferin (Kreis Düren) ist für „" in form and "verbindlich angemeldet" in form
    old_token = registration.token
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(substitute_url(registration), SUBSTITUTE, follow=True)

    # New rule (trust round 2): the substitute gets a new registration, and the office lands on it.
    substitute = Registration.objects.get(substitute_for=registration)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:registrations_registration_change", args=[substitute.pk]
    )
    page = response.content.decode()
    assert "Der Platz von Telefon Anruferin ist an Bernd Ersatz übergeben." in page
    assert "Die Gebühr ist jetzt 300,00\xa0€." in page  # not a member: the non-member fee
    assert "Die Rechnung wurde storniert und neu ausgestellt." in page
    registration.refresh_from_db()
    assert (registration.first_name, registration.status) == ("Telefon", "cancelled")
    assert (substitute.first_name, substitute.email) == ("Bernd", "bernd.ersatz@example.org")
    assert (substitute.status, substitute.fee) == ("holds_place", Decimal("300.00"))
    assert substitute.token != old_token
    assert "Ersatzperson für Telefon Anruferin" in substitute.substitution_note
    assert "an Bernd Ersatz <bernd.ersatz@example.org> übergeben" in registration.substitution_note
    # Each person gets their own document: the Stornorechnung goes with the previous person's mail,
    # the substitute's new invoice with the confirmation (they used to share one correction mail).
    sent = sorted(
        (m.to[0], m.subject.split(":")[0], sorted(name for name, *_ in m.attachments)) for m in mail.outbox
    )
    assert sent == [
        (
            "bernd.ersatz@example.org",
            "Ihre verbindliche Anmeldung",
            ["Rechnung_2026-0003.pdf", f"{registration.conference.slug}.ics"],
        ),
        ("telefon@example.org", "Ihr Platz wurde übergeben", ["Stornorechnung_2026-0002.pdf"]),
    ]
    invoices = Invoice.objects.filter(registration__in=[registration, substitute]).order_by("pk")
    assert [(i.registration_id, i.kind, i.amount) for i in invoices] == [
        (registration.pk, "invoice", Decimal("250.00")),
        (registration.pk, "cancellation", Decimal("-250.00")),
        (substitute.pk, "invoice", Decimal("300.00")),
    ]


def test_the_action_opens_the_form_for_exactly_one_registration(admin_client, registration):
    changelist = reverse("admin:registrations_registration_changelist")
    response = admin_client.post(
        changelist, {"action": "office_substitute_action", "_selected_action": [registration.pk]}
    )
    assert response["Location"] == substitute_url(registration)
    other = RegistrationFactory(conference=registration.conference)
    response = admin_client.post(
        changelist,
        {"action": "office_substitute_action", "_selected_action": [registration.pk, other.pk]},
        follow=True,
    )
    assert "genau eine verbindliche Anmeldung" in response.content.decode()


def test_missing_confirmation_and_taken_person_are_shown_and_nothing_changes(admin_client, registration):
    other = RegistrationFactory(
        conference=registration.conference, email="schon@example.org", first_name="Bernd", last_name="Ersatz"
    )
    response = admin_client.post(substitute_url(registration), {**SUBSTITUTE, "confirm": ""})
    assert response.status_code == 200
    assert "Bitte bestätigen Sie die Übergabe des Platzes." in response.content.decode()
    response = admin_client.post(substitute_url(registration), {**SUBSTITUTE, "email": other.email})
    assert "Für diese Person (Name und E-Mail-Adresse) gibt es schon eine Anmeldung zu dieser Tagung." in (
        response.content.decode()
    )
    registration.refresh_from_db()
    assert registration.first_name == "Telefon"


def test_office_may_substitute_after_the_conference_has_begun(admin_client, registration, time_machine):
    time_machine.move_to(registration.conference.starts_at + dt.timedelta(hours=2), tick=False)
    admin_client.force_login(get_user_model().objects.get(username="admin"))  # the session would have expired
    response = admin_client.post(substitute_url(registration), {**SUBSTITUTE, "is_member": "on"})
    assert response.status_code == 302
    substitute = Registration.objects.get(substitute_for=registration)
    assert (substitute.last_name, substitute.fee) == ("Ersatz", Decimal("250.00"))


def test_pre_registration_gets_no_button_and_is_sent_back(admin_client):
    pre = RegistrationFactory(conference=ConferenceFactory())
    change = reverse("admin:registrations_registration_change", args=[pre.pk])
    assert substitute_url(pre) not in admin_client.get(change).content.decode()
    response = admin_client.get(substitute_url(pre), follow=True)
    assert response.redirect_chain[-1][0] == change
    assert "nur für eine verbindliche, nicht stornierte Anmeldung" in response.content.decode()


def test_organiser_may_not_name_a_substitute(client, registration):
    client.force_login(StaffFactory(username="orga", roles=[ORGANISATION]))
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    assert substitute_url(registration) not in client.get(change).content.decode()
    assert client.get(substitute_url(registration)).status_code == 403
    assert client.post(substitute_url(registration), SUBSTITUTE).status_code == 403
    registration.refresh_from_db()
    assert registration.first_name == "Telefon"
