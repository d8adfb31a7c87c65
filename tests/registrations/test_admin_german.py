"""The office's admin in German: history in the office's words, mail kinds by name, amounts in
German notation, and a phone form that speaks about the caller (issue 17)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from registrations.domain import lifecycle, outbox
from registrations.models import OutgoingMail, Registration
from registrations.models.outbox import MAIL_KINDS
from registrations.office.roles import OFFICE
from tests.factories import ConferenceFactory, StaffFactory, binding_data, office_binding_form

pytestmark = pytest.mark.django_db

MAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "registrations" / "mails"


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


def test_the_history_shows_field_labels_choice_labels_and_berlin_time(office, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 20, 24, tzinfo=dt.UTC), tick=False)
    conference = ConferenceFactory(places=1)
    holder, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(2))
    assert waiting.status == Registration.Status.WAITING
    lifecycle.cancel(registration=holder)

    html = office.get(reverse("admin:registrations_registration_history", args=[waiting.pk])).content.decode()

    assert "<strong>Status:</strong>\n                    Warteliste" in html
    assert "Platz gesichert" in html
    assert "Nachgerückt am:</strong>\n                    –" in html
    assert "01.12.2026 21:24" in html  # 20:24 UTC is 21:24 in Berlin
    for raw in ("holds_place", "waiting →", "+00:00", "2026-12-01", "None", "View history", "Changes"):
        assert raw not in html, raw
    assert "Verlauf: " in html


def test_the_history_shows_amounts_in_german_notation(office):
    conference = ConferenceFactory(places=5)
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    registration.fee = "1234.56"
    registration.save()

    html = office.get(
        reverse("admin:registrations_registration_history", args=[registration.pk])
    ).content.decode()

    assert "1.234,56\xa0€" in html
    assert "1234.56" not in html


def test_every_kind_of_mail_has_a_german_name():
    templates = {path.name.removesuffix("_subject.txt") for path in MAIL_TEMPLATES.glob("*_subject.txt")}
    assert templates  # the folder is where the test looks
    assert templates - set(MAIL_KINDS) == set()


def test_the_outbox_names_the_kind_of_mail(office):
    conference = ConferenceFactory(places=1)
    lifecycle.register_binding(conference=conference, data=binding_data(1))
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(2))
    outbox.queue_mail(registration=waiting, template="link_resent")
    assert OutgoingMail.objects.filter(kind="registration_waiting").exists()

    changelist = reverse("admin:registrations_outgoingmail_changelist")
    html = office.get(changelist).content.decode()
    assert "Verbindliche Anmeldung auf der Warteliste" in html
    assert "Persönlicher Link" in html
    assert ">registration_waiting<" not in html
    filtered = office.get(changelist, {"kind": "link_resent"}).content.decode()
    assert "0 von 1 ausgewählt" in filtered
    mail = OutgoingMail.objects.get(kind="link_resent")
    page = office.get(reverse("admin:registrations_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "Persönlicher Link" in page


def test_the_office_phone_form_speaks_about_the_caller(office):
    conference = ConferenceFactory(places=5)
    url = reverse("admin:registrations_registration_binding", kwargs={"conference_id": conference.pk})
    html = office.get(url).content.decode()
    assert "Ist Mitglied im VSOP e.V." in html
    assert "die Person selbst" in html
    assert "Ist einverstanden, dass Name und Organisation" in html
    for first_person in ("Ich bin Mitglied", "mich persönlich", "Ich bin einverstanden", "Ihrer Verwaltung"):
        assert first_person not in html, first_person


def test_the_office_binding_message_states_the_fee_in_german_notation(office):
    conference = ConferenceFactory(places=5, non_member_fee="1234.50")
    url = reverse("admin:registrations_registration_binding", kwargs={"conference_id": conference.pk})
    response = office.post(url, office_binding_form(is_member="", member_number=""), follow=True)
    assert Registration.objects.get().fee == pytest.approx(1234.5)
    html = response.content.decode()
    assert "(1.234,50\xa0€)" in html
    assert "1234.50 €" not in html
