"""A corrected invoice after a part-payment states what was paid and asks only for the rest (issue 16)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest

from registrations.documents import invoice as invoice_documents
from registrations.domain import invoicing, payments
from registrations.models import OutgoingMail
from tests.documents import decode_qr, pdf_text, squeezed
from tests.factories import BindingRegistrationFactory, ConferenceFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def registration(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)
    conference = ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    )
    registration = BindingRegistrationFactory(conference=conference, fee=Decimal("300.00"))
    invoicing.issue_invoice(registration=registration)
    payments.record_payment(
        registration=registration, amount=Decimal("100.00"), received_on=dt.date(2025, 7, 3)
    )
    return registration


def girocode_lines(invoice):
    from PIL import Image

    buffer = BytesIO()
    invoice_documents.girocode(invoice).save(buffer, kind="png", scale=5)
    buffer.seek(0)
    return decode_qr(Image.open(buffer))


def test_the_corrected_invoice_states_the_part_payment_and_the_remainder(registration):
    corrected = invoicing.reissue_invoice(registration=registration)

    assert (corrected.amount, corrected.credited_payments, corrected.amount_due) == (
        Decimal("300.00"),
        Decimal("100.00"),
        Decimal("200.00"),
    )
    _, text = pdf_text(invoice_documents.invoice_pdf(corrected))
    assert "Rechnungsbetrag 300,00 €" in text
    assert "abzüglich bereits gezahlt 100,00 €" in text
    assert "noch zu zahlen 200,00 €" in text
    assert squeezed("den Restbetrag von 200,00 €") in squeezed(text)


def test_the_girocode_of_the_corrected_invoice_asks_for_the_remainder(registration):
    """Issue 16: the reissued invoice's GiroCode asked for the full 300 € after 100 € was paid."""
    corrected = invoicing.reissue_invoice(registration=registration)
    assert girocode_lines(corrected)[7] == "EUR200"


def test_the_correction_mail_says_what_was_paid_and_what_remains(registration):
    invoicing.reissue_invoice(registration=registration)
    mail = OutgoingMail.objects.get(kind="invoice_documents")
    assert "Bereits gezahlt sind 100,00\u00a0€" in mail.body_text
    assert "Restbetrag von 200,00\u00a0€" in mail.body_text


def test_a_corrected_invoice_fully_covered_by_payments_asks_for_nothing(registration):
    payments.record_payment(
        registration=registration, amount=Decimal("200.00"), received_on=dt.date(2025, 7, 4)
    )
    registration.fee = Decimal("250.00")
    registration.save()
    corrected = invoicing.reissue_invoice(registration=registration)

    assert (corrected.credited_payments, corrected.amount_due) == (Decimal("250.00"), Decimal("0.00"))
    assert invoice_documents.girocode(corrected) is None
    _, text = pdf_text(invoice_documents.invoice_pdf(corrected))
    assert "Bitte überweisen Sie nichts mehr" in text
    registration.refresh_from_db()
    assert registration.payment_status == "overpaid"  # 50 € to pay back


def test_a_first_invoice_credits_nothing(registration):
    invoice = registration.invoices.get()
    assert (invoice.credited_payments, invoice.amount_due) == (Decimal("0.00"), Decimal("300.00"))
    assert girocode_lines(invoice)[7] == "EUR300"
