"""The confirmation for the employer follows the registration's state (issue 15, defect 2)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from registrations.documents.confirmation import (
    confirmation_filename,
    confirmation_pdf,
    pre_registration_confirmation_pdf,
)
from registrations.domain import lifecycle
from tests.factories import ConferenceFactory, binding_data, pre_registered

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def binding(conference, n=1, **extra):
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(n, **extra))
    return registration


def test_binding_registration_gets_a_registration_confirmation_with_its_own_fee():
    conference = ConferenceFactory(venue_name="Kongresshalle am Zoo", city="Leipzig", payment_due_days=21)
    registration = binding(conference, is_member=False)
    text = pdf_text(confirmation_pdf(registration))
    assert "Anmeldebestätigung" in text
    assert "verbindlich angemeldet, Platz zugesagt" in text
    assert "300,00 € (Nicht-Mitglied)" in text
    assert "250,00" not in text  # only the person's own fee
    assert "Kongresshalle am Zoo, Leipzig" in text
    assert f"Die Rechnung {registration.invoices.get().number}" in text
    assert "zu überweisen" in text
    assert "kostenfrei" in text
    assert "unverbindlich" not in text
    assert "Voranmeldung" not in text


def test_binding_registration_on_the_waiting_list_says_so_and_asks_for_no_payment():
    conference = ConferenceFactory(places=1)
    binding(conference, 1)
    waiting = binding(conference, 2)
    text = pdf_text(confirmation_pdf(waiting))
    assert "Warteliste Platz 1" in text
    assert "nichts zu zahlen" in text


def test_pre_registration_keeps_its_confirmation():
    registration = pre_registered(ConferenceFactory())
    assert confirmation_filename(registration) == f"Voranmeldung_{registration.conference.slug}.pdf"
    text = pdf_text(confirmation_pdf(registration))
    assert text == pdf_text(pre_registration_confirmation_pdf(registration))
    assert "Bestätigung der Voranmeldung" in text


def test_personal_page_offers_the_registration_confirmation_after_binding(client):
    registration = binding(ConferenceFactory())
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Anmeldebestätigung für Dienstreiseantrag und Reisekostenabrechnung (PDF)" in page
    response = client.get(
        reverse("registrations:personal_confirmation_pdf", kwargs={"token": registration.token})
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="Anmeldebestaetigung_{registration.conference.slug}.pdf"'
    )
    assert "Anmeldebestätigung" in pdf_text(response.content)
