"""English participants get English mails and documents (issue 15, defect 9); the office's stay German."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from registrations.documents.confirmation import confirmation_pdf
from registrations.domain import lifecycle, outbox
from registrations.models import OutgoingMail, Registration
from registrations.rules.personal import registration_language
from tests.factories import ConferenceFactory, binding_data, pre_registration_data

pytestmark = pytest.mark.django_db


def pdf_text(data):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def test_registration_language_is_one_the_site_offers():
    assert registration_language("en") == "en"
    assert registration_language("en-gb") == "en"
    assert registration_language("fr") == "de"
    assert registration_language(None) == "de"


def test_english_pre_registration_gets_an_english_mail_and_confirmation():
    conference = ConferenceFactory()
    registration, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(language="en"))
    assert registration.language == "en"
    sent = OutgoingMail.objects.get(registration=registration)
    assert sent.subject == f"Your pre-registration: {conference.title}"
    assert "thank you for your non-binding pre-registration" in sent.body_text
    assert "Voranmeldung" not in sent.body_text
    assert '<html lang="en">' in sent.body_html
    text = pdf_text(confirmation_pdf(registration))
    assert "Confirmation of pre-registration" in text
    assert "Page 1 of 1" in text


def test_english_binding_registration_gets_english_mail_and_registration_confirmation():
    conference = ConferenceFactory()
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(language="en"))
    sent = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert sent.subject == f"Your binding registration: {conference.title}"
    assert "Your place is confirmed" in sent.body_text
    text = pdf_text(confirmation_pdf(registration))
    assert "Registration confirmation" in text
    assert "registered bindingly, place confirmed" in text


def test_german_stays_the_default_and_the_accounts_office_is_written_to_in_german():
    conference = ConferenceFactory()
    german, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    assert german.language == "de"
    assert OutgoingMail.objects.get(registration=german).subject.startswith("Ihre Voranmeldung")
    english, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2, language="en"))
    rendered = outbox.render_for(registration=english, template="link_resent", to="rechnung@example.org")
    assert rendered.subject.startswith("Ihr persönlicher Link")
    assert outbox.mail_language(english) == "en"


def test_public_form_stores_the_visitors_language(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.org",
        "organisation": "City of York",
        "privacy_consent": "on",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registrations:pre_register", kwargs={"slug": conference.slug}), data)
    registration = Registration.objects.get(email="jane@example.org")
    assert registration.language == "en"
    assert mail.outbox[-1].subject == f"Your pre-registration: {conference.title}"


def test_office_texts_carry_an_english_note(client):
    conference = ConferenceFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(
        reverse("registrations:binding_register", kwargs={"slug": conference.slug})
    ).content.decode()
    assert (
        "This text from the office is available in German only; the German version is authoritative." in html
    )


def test_every_english_mail_template_renders_for_an_english_registration():
    """Each mail written out in English renders (subject, text, HTML) without falling back to German."""
    from pathlib import Path

    conference = ConferenceFactory(places=1)
    lifecycle.register_binding(conference=conference, data=binding_data(1, language="en"))
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(2, language="en"))
    sent = OutgoingMail.objects.get(registration=waiting, kind="registration_waiting")
    assert sent.subject == f"Waiting list: your binding registration for {conference.title}"
    folder = Path(settings.BASE_DIR) / "templates" / "registrations" / "mails" / "en"
    names = sorted(path.stem for path in folder.glob("*_subject.txt"))
    assert names
    for name in names:
        template = name.removesuffix("_subject")
        if template == "circular":
            continue  # the office's own words, closing included (test_english_mails renders it as written)
        rendered = outbox.render_for(registration=waiting, template=template, context={"position": 1})
        assert "Geschäftsstelle des VSOP" not in rendered.text, template
        assert "The VSOP e.V. office" in rendered.text, template
        assert '<html lang="en">' in rendered.html, template
