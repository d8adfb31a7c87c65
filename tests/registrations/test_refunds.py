"""Overpayments and refunds due are their own states; refunds are recorded and paid by SEPA file (issue 16)."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from registrations.documents.sepa import refund_transfer_file
from registrations.domain import lifecycle, payments
from registrations.models import Registration
from tests.factories import ConferenceFactory, invoiced_registration

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Status = Registration.PaymentStatus
JULY_3 = dt.date(2025, 7, 3)
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    )


def status_of(registration):
    registration.refresh_from_db()
    return registration.payment_status


def test_an_overpayment_is_flagged_not_silently_paid(conference):
    """Issue 16: an overpayment became "bezahlt" silently."""
    registration = invoiced_registration(conference)
    payments.record_payment(registration=registration, amount=Decimal("250.00"), received_on=JULY_3)
    payments.record_payment(registration=registration, amount=Decimal("250.00"), received_on=JULY_3)
    assert status_of(registration) == Status.OVERPAID
    assert registration.get_payment_status_display() == "überzahlt"


def test_a_storno_of_a_paid_registration_makes_a_refund_due(conference):
    """Issue 16: after a storno of a paid registration the status still said "bezahlt"."""
    registration = invoiced_registration(conference)
    payments.record_payment(registration=registration, amount=Decimal("250.00"), received_on=JULY_3)
    lifecycle.cancel(registration=registration)
    assert status_of(registration) == Status.REFUND_DUE
    assert registration.get_payment_status_display() == "Erstattung fällig"


def test_mark_refunded_records_the_credit_and_skips_the_rest(conference):
    cancelled = invoiced_registration(conference, 1)
    payments.record_payment(registration=cancelled, amount=Decimal("250.00"), received_on=JULY_3)
    lifecycle.cancel(registration=cancelled)
    overpaid = invoiced_registration(conference, 2)
    payments.record_payment(registration=overpaid, amount=Decimal("300.00"), received_on=JULY_3)
    still_open = invoiced_registration(conference, 3)

    refunds = payments.mark_refunded(
        registrations=[cancelled, overpaid, still_open], refunded_on=dt.date(2025, 7, 20)
    )

    assert sorted(r.amount for r in refunds) == [Decimal("-250.00"), Decimal("-50.00")]
    assert [status_of(r) for r in (cancelled, overpaid, still_open)] == [
        Status.REFUNDED,
        Status.PAID,
        Status.OPEN,
    ]


def test_the_refund_iban_is_checked():
    registration = Registration(refund_iban="DE89 3704 0044 0532 0130 01")
    with pytest.raises(ValidationError) as error:
        registration.clean_fields(
            exclude=[f.name for f in Registration._meta.fields if f.name != "refund_iban"]
        )
    assert "IBAN" in str(error.value)
    Registration(refund_iban="DE89 3704 0044 0532 0130 00").clean_fields(
        exclude=[f.name for f in Registration._meta.fields if f.name != "refund_iban"]
    )


def test_the_sepa_file_pays_each_selected_refund_from_the_association(conference):
    umlauts = {"last_name": "Müller-Lüdenscheidt"}  # the bank file writes them out
    first = invoiced_registration(conference, 1, refund_iban="DE89370400440532013000", **umlauts)
    second = invoiced_registration(
        conference,
        2,
        refund_iban="DE02 1203 0000 0000 2020 51",
        refund_account_holder="Stadtkasse Köln",
        **umlauts,
    )

    xml = refund_transfer_file(
        [(first, Decimal("250.00")), (second, Decimal("49.50"))], execution_date=dt.date(2025, 7, 21)
    )

    root = ET.fromstring(xml)  # noqa: S314 - our own file
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}Document"
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "299.50"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE02120300000000202051"
    assert root.findtext(".//p:ReqdExctnDt/p:Dt", namespaces=NS) == "2025-07-21"
    transfers = [
        (
            t.findtext("p:Cdtr/p:Nm", namespaces=NS),
            t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            t.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            t.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
        )
        for t in root.iterfind(".//p:CdtTrfTxInf", namespaces=NS)
    ]
    assert transfers == [
        (
            "Landkreis Beispiel",
            "DE89370400440532013000",
            "250.00",
            "Erstattung VSOP-Jahrestagung 2025 Dr. Anna-Lena Mueller-Luedenscheidt",
        ),
        (
            "Stadtkasse Koeln",
            "DE02120300000000202051",
            "49.50",
            "Erstattung VSOP-Jahrestagung 2025 Dr. Anna-Lena Mueller-Luedenscheidt",
        ),
    ]
