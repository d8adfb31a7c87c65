"""Delivery to the accounts office: invoices, corrections and reminders go to the billing e-mail,
the participant in copy, and carry no personal link (issue 16)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from registrations.domain import dunning, invoicing, lifecycle, outbox, payments
from registrations.models import OutgoingMail
from tests.factories import BindingRegistrationFactory, ConferenceFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = "rechnung@landkreis-beispiel.de"


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    )


@pytest.fixture
def registration(conference):
    return BindingRegistrationFactory(conference=conference, email="anna@example.org", billing_email=OFFICE)


def assert_for_the_accounts_office(mail, registration):
    assert (mail.to, mail.cc) == (OFFICE, "anna@example.org")
    for body in (mail.body_text, mail.body_html):
        assert registration.token not in body
        assert "/anmeldung/" not in body
        assert "persönlicher Link" not in body
        assert "Sehr geehrte Damen und Herren," in body
        assert "Dr. Anna-Lena Müller-Lüdenscheidt" in body
        assert "BE-2025-77" in body  # the order number the accounts office books against


def test_the_invoice_goes_to_the_billing_email_with_the_participant_in_copy(registration):
    """Issue 16: the billing e-mail was stored but never used to send."""
    invoice = invoicing.issue_invoice(registration=registration)
    mail = invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)

    assert mail.kind == "invoice_documents"
    assert mail.subject == "Rechnung 2025-0001: VSOP-Jahrestagung 2025"
    assert_for_the_accounts_office(mail, registration)
    # With a Leitweg-ID the XRechnung goes along for the accounts office.
    assert [(a.invoice, a.mimetype) for a in mail.attachments.order_by("pk")] == [
        (invoice, "application/pdf"),
        (invoice, "application/xml"),
    ]


def test_storno_and_corrected_invoice_go_to_the_accounts_office(registration):
    invoicing.issue_invoice(registration=registration)
    registration.fee = Decimal("300.00")
    registration.save()
    invoicing.reissue_invoice(registration=registration)
    lifecycle.cancel(registration=registration)

    mails = list(OutgoingMail.objects.filter(kind="invoice_documents").order_by("pk"))
    assert [m.subject.split(":")[0] for m in mails] == [
        "Korrigierte Rechnung 2025-0003 und Stornorechnung 2025-0002",
        "Stornorechnung 2025-0004 zu Rechnung 2025-0003",
    ]
    for mail in mails:
        assert_for_the_accounts_office(mail, registration)


def test_the_reminder_goes_to_the_accounts_office(registration, time_machine):
    invoicing.issue_invoice(registration=registration)
    time_machine.move_to(dt.datetime(2025, 7, 23, 12, 0, tzinfo=BERLIN), tick=False)

    mail = dunning.send_payment_reminder(registration=registration)

    assert mail.kind == "payment_reminder"
    assert_for_the_accounts_office(mail, registration)
    assert "Offener Betrag:   250,00\u00a0€" in mail.body_text


def test_without_a_billing_email_the_participant_gets_the_mail_with_the_personal_link(conference):
    registration = BindingRegistrationFactory(
        conference=conference, email="anna@example.org", billing_email=""
    )
    invoice = invoicing.issue_invoice(registration=registration)
    mail = invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)

    assert (mail.to, mail.cc) == ("anna@example.org", "")
    assert registration.token in mail.body_text


def test_the_same_address_as_the_participant_is_no_accounts_office(conference):
    registration = BindingRegistrationFactory(
        conference=conference, email="anna@example.org", billing_email="Anna@Example.org"
    )
    invoice = invoicing.issue_invoice(registration=registration)
    mail = invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)
    assert (mail.to, mail.cc) == ("anna@example.org", "")


def test_delivery_sends_the_copy_to_the_participant(registration, mailoutbox):
    invoice = invoicing.issue_invoice(registration=registration)
    payments.record_payment(
        registration=registration, amount=Decimal("1.00"), received_on=dt.date(2025, 7, 1)
    )
    mail = invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)

    assert outbox.deliver_mail(mail.pk) is True

    (message,) = mailoutbox
    assert (message.to, message.cc) == ([OFFICE], ["anna@example.org"])
    assert [a.filename for a in message.attachments] == ["Rechnung_2025-0001.pdf", "XRechnung_2025-0001.xml"]
