"""The participant's invoices behind the personal link."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.documents import invoice as invoice_documents
from registrations.domain import invoicing, payments
from registrations.queries import invoices as invoice_queries
from tests.factories import BindingRegistrationFactory, ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    registration = BindingRegistrationFactory(conference=ConferenceFactory(title="VSOP-Jahrestagung 2025"))
    invoicing.issue_invoice(registration=registration)
    registration.refresh_from_db()
    return registration


def pdf_url(token, number):
    return reverse("registrations:personal_invoice_pdf", kwargs={"token": token, "number": number})


def girocode_url(token, number):
    return reverse("registrations:personal_girocode", kwargs={"token": token, "number": number})


def test_personal_page_shows_invoice_state_open_amount_and_bank_data(client, registration):
    payments.record_payment(
        registration=registration, amount=Decimal("100.00"), received_on=timezone.localdate()
    )
    invoice = invoice_queries.current_invoice(registration)

    response = client.get(registration.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert f"Rechnung {invoice.number} (PDF)" in content
    assert pdf_url(registration.token, invoice.number) in content
    assert "teilweise bezahlt" in content
    assert "150,00\u00a0€" in content
    assert "DE02 1203 0000 0000 2020 51" in content
    assert f"RE {invoice.number} Dr. Anna-Lena Müller-Lüdenscheidt" in content
    assert girocode_url(registration.token, invoice.number) in content


def test_personal_page_after_storno_lists_both_and_no_transfer(client, registration):
    invoicing.cancel_invoice(registration=registration, reason="Test")
    registration.refresh_from_db()
    content = client.get(registration.get_absolute_url()).content.decode()
    assert "Stornorechnung" in content
    assert "storniert" in content
    assert "GiroCode" not in content


def test_personal_page_without_invoice_has_no_invoice_box(client):
    registration = BindingRegistrationFactory(conference=ConferenceFactory())
    content = client.get(registration.get_absolute_url()).content.decode()
    assert "Rechnung und Zahlung" not in content


def test_invoice_download_with_the_personal_link(client, registration):
    invoice = invoice_queries.current_invoice(registration)
    response = client.get(pdf_url(registration.token, invoice.number))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Rechnung_{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_invoice_download_is_404_for_a_foreign_token_or_number(client, registration):
    invoice = invoice_queries.current_invoice(registration)
    other = BindingRegistrationFactory(conference=registration.conference, email="fremd@example.org")
    other_invoice = invoicing.issue_invoice(registration=other)

    responses = [
        client.get(pdf_url(other.token, invoice.number)),  # someone else's link, my invoice
        client.get(pdf_url(registration.token, other_invoice.number)),  # my link, someone else's invoice
        client.get(pdf_url("x" * 43, invoice.number)),  # unknown token
        client.get(pdf_url(registration.token, "2025-9999")),
        client.get(pdf_url(registration.token, "2025-0001%0A")),
        client.get(f"/anmeldung/{registration.token}/rechnung/..%2F{invoice.number}.pdf"),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert {r["Content-Type"] for r in responses} == {"text/html; charset=utf-8"}


def test_girocode_image_encodes_the_open_amount(client, registration):
    import zxingcpp
    from PIL import Image

    payments.record_payment(
        registration=registration, amount=Decimal("100.00"), received_on=timezone.localdate()
    )
    invoice = invoice_queries.current_invoice(registration)

    response = client.get(girocode_url(registration.token, invoice.number))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    # Decode the same code as PNG (zxing reads raster images).
    buffer = BytesIO()
    invoice_documents.girocode(invoice, amount=Decimal("150.00")).save(buffer, kind="png", scale=5)
    assert response.content == _svg(invoice, Decimal("150.00"))
    (result,) = zxingcpp.read_barcodes(Image.open(BytesIO(buffer.getvalue())))
    assert result.text.split("\n")[7] == "EUR150"


def _svg(invoice, amount):
    buffer = BytesIO()
    invoice_documents.girocode(invoice, amount=amount).save(
        buffer, kind="svg", scale=6, border=2, title="GiroCode"
    )
    return buffer.getvalue()


def test_no_girocode_when_paid_or_for_a_storno(client, registration):
    invoice = invoice_queries.current_invoice(registration)
    payments.record_payment(
        registration=registration, amount=Decimal("250.00"), received_on=timezone.localdate()
    )
    assert client.get(girocode_url(registration.token, invoice.number)).status_code == 404
    storno = invoicing.cancel_invoice(registration=registration, reason="Test")
    assert client.get(girocode_url(registration.token, storno.number)).status_code == 404
    assert client.get(girocode_url(registration.token, invoice.number)).status_code == 404


def test_personal_page_queries_do_not_grow_with_invoices(client, registration, django_assert_max_num_queries):
    url = registration.get_absolute_url()
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    baseline = len(captured)
    for _ in range(3):
        invoicing.reissue_invoice(registration=registration, notify=False)
        payments.record_payment(
            registration=registration, amount=Decimal("10.00"), received_on=timezone.localdate()
        )
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
