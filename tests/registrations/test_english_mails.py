"""A participant who registered in English gets every mail in English (issue 15, defect 9).

The first test walks the mail templates: a German mail without an English
counterpart in registrations/mails/en/ fails it, unless it is listed in
GERMAN_ON_PURPOSE with the reason. The second renders every mail for an English
registration and looks for German salutations, closings and function words.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from registrations.domain import circulars, lifecycle, outbox
from registrations.domain.invoicing import cancel_invoice, issue_invoice
from registrations.models import PaymentReminder, Registration
from registrations.rules.cancellation import cancellation_cost
from tests.factories import (
    ConferenceFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    binding_data,
)

MAILS = Path(settings.BASE_DIR) / "templates" / "registrations" / "mails"

# Mails (and partials) that stay German, each with its reason.
GERMAN_ON_PURPOSE = {
    # Written to the office, never to a participant (outbox.mail_language: anyone but the participant
    # is written to in German).
    "deletion_requested": "to the office (Geschäftsstelle), which works in German",
    # The accounts office of a German employer gets German mails (issue 15: "An English participant's
    # accounts-office mail stays German").
    "invoice_documents_accounts": "to the employer's accounts office, German by design",
    "payment_reminder_accounts": "to the employer's accounts office, German by design",
    "_accounts_facts": "part of the accounts office's mails",
    # Language-neutral: its only words go through {% translate %}.
    "_base": "the HTML frame, translated through the catalogue",
    # Written with {% translate %} only: rendered in English through the catalogue (checked below).
    "lost_links": "every sentence is a {% translate %} string",
}


def mail_names():
    """Every mail: a template with a subject."""
    return sorted(path.name.removesuffix("_subject.txt") for path in MAILS.glob("*_subject.txt"))


def test_every_mail_template_has_an_english_counterpart():
    missing = []
    for path in sorted(MAILS.iterdir()):
        if not path.is_file():
            continue
        stem = path.name.split(".")[0].removesuffix("_subject")
        if stem in GERMAN_ON_PURPOSE:
            continue
        if not (MAILS / "en" / path.name).is_file():
            missing.append(path.name)
    assert missing == []


def test_the_list_of_german_mails_names_only_templates_that_exist():
    names = {path.name.split(".")[0].removesuffix("_subject") for path in MAILS.iterdir() if path.is_file()}
    assert set(GERMAN_ON_PURPOSE) <= names


GERMAN = re.compile(
    r"\b(Sehr geehrte|Guten Tag|Liebe|Hallo|Mit freundlichen Grüßen|Geschäftsstelle|Ihre|Ihr|Sie|und|"
    r"der|die|das|bitte|Bitte|wir|Rechnung|Anmeldung|Uhr|Platz)\b"
)


@pytest.fixture
def english_world(db):
    """An English participant with a place, an invoice and its Stornorechnung, a workshop move, a reminder."""
    conference = ConferenceFactory(
        title="Annual Conference", motto="Planning together", city="Cologne", venue_name="Hall", places=1
    )
    phase = WorkshopPhaseFactory(conference=conference, number=1, title="Practice")
    workshop, previous = (
        WorkshopFactory(phase=phase, title="Data"),
        WorkshopFactory(phase=phase, title="Maps"),
    )
    registration, _ = lifecycle.register_binding(
        conference=conference,
        data=binding_data(1, first_name="Jane", last_name="Doe", salutation="frau", language="en"),
    )
    registration = lifecycle.confirm_address(registration=registration)
    waiting, _ = lifecycle.register_binding(
        conference=conference, data=binding_data(2, first_name="John", last_name="Roe", language="en")
    )
    invoice = registration.invoices.get()
    storno = cancel_invoice(registration=registration, reason="")
    new_invoice = issue_invoice(registration=registration)
    assert registration.language == "en"
    return {
        "conference": conference,
        "registration": registration,
        "waiting": waiting,
        "context": {
            "position": 1,
            "invoice": new_invoice,
            "new_invoice": new_invoice,
            "storno": storno,
            "substitute_name": "Max Smith",
            "substitution": {"previous_name": "Max Smith"},
            "level": 2,
            "level_label": PaymentReminder.Level.FIRST_DUNNING.label,
            "open_amount": Decimal("250.00"),
            "paid": Decimal("0.00"),
            "iban": "DE02 1203 0000 0000 2020 51",
            "reference": f"{invoice.number} Jane Doe",
            "workshop": workshop,
            "previous": previous,
            "phase": phase,
            "cost": cancellation_cost(registration, invoice=new_invoice),
            "entries": [{"registration": registration, "url": outbox.personal_url(registration)}],
            "workshop_bookings": [],
            "evening_events": [],
        },
    }


def german_words(text, registration):
    """German words in a mail's text, leaving out the data (names, places) and the office's terms."""
    letter = text.split("-" * 60)[0]  # the accepted terms follow the line: German by design
    if registration.terms_consent_id:
        for line in registration.terms_consent.body.splitlines():
            if line.strip():
                letter = letter.replace(line.strip(), "")
    association = settings.ASSOCIATION
    for data in (association["name"], association["street"], association["city"], "Leitweg-ID"):
        letter = letter.replace(data, "")
    return sorted(set(GERMAN.findall(letter)))


@pytest.mark.parametrize(
    "name", [name for name in mail_names() if name not in GERMAN_ON_PURPOSE or name == "lost_links"]
)
@pytest.mark.parametrize("variant", ["binding", "waiting"])
def test_every_mail_to_an_english_participant_is_english(name, variant, english_world):
    registration = english_world["registration" if variant == "binding" else "waiting"]
    assert registration.language == "en"
    if name == "circular":
        # The office's own text, as the office would write to an English participant; the
        # salutation placeholder and the frame come in the person's language.
        rendered = circulars.render_circular_mail(
            subject="Room change: {{ tagung }}",
            body="{{ anrede }}\n\nthe workshops are now on the first floor.\n\n{{ persoenlicher_link }}",
            registration=registration,
        )
    else:
        rendered = outbox.render_for(
            registration=registration, template=name, context=english_world["context"]
        )
    assert german_words(rendered.subject, registration) == [], rendered.subject
    assert german_words(rendered.text, registration) == [], rendered.text
    assert german_words(re.sub(r"<[^>]+>", " ", rendered.html), registration) == [], rendered.html
    assert '<html lang="en">' in rendered.html
    assert rendered.text.lstrip().startswith(("Dear ", "Hello,")), rendered.text[:80]


@pytest.mark.parametrize("name", sorted(set(GERMAN_ON_PURPOSE) & set(mail_names())))
def test_the_office_and_accounts_office_mails_stay_german_for_an_english_participant(name, english_world):
    registration = english_world["registration"]
    rendered = outbox.render_for(
        registration=registration,
        template=name,
        context=english_world["context"],
        to="rechnung@example.org",
        with_personal_link=False,
    )
    assert "Geschäftsstelle" in rendered.text
    assert '<html lang="de">' in rendered.html


def test_known_mistranslations_stay_fixed():
    with translation.override("en"):
        assert str(Registration.Salutation.DIVERS.label) == "non-binary"
        assert translation.gettext("Ort") == "Place"
        assert translation.pgettext("postal address", "Ort") == "Town / city"
    po = (Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    assert 'msgstr "diverse"' not in po
    assert 'msgstr "Location"' not in po


def pdf_text(data):
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def test_an_english_participants_invoice_stays_german_with_english_headings(english_world):
    from registrations.documents.invoice import invoice_pdf

    context = english_world["context"]
    text = pdf_text(invoice_pdf(context["new_invoice"]))
    for german, english in (
        ("Rechnungsnummer", "Invoice number"),
        ("Leistungszeitraum", "Service period"),
        ("Rechnungsbetrag", "Invoice total"),
        ("Verwendungszweck", "Payment reference"),
    ):
        assert german in text and english in text, english
    storno = pdf_text(invoice_pdf(context["storno"]))
    assert "Stornorechnung" in storno and "Cancellation invoice" in storno


@pytest.mark.django_db
def test_a_german_participants_invoice_has_no_english_headings():
    from registrations.documents.invoice import invoice_pdf

    registration, _ = lifecycle.register_binding(conference=ConferenceFactory(), data=binding_data(1))
    registration = lifecycle.confirm_address(registration=registration)
    text = pdf_text(invoice_pdf(registration.invoices.get()))
    assert "Rechnungsnummer" in text
    assert "Invoice number" not in text
