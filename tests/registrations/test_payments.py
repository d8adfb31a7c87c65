"""Payments, refunds, the payment status rule, overdue selection and reminders."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.exceptions import RegistrationError
from registrations.domain import dunning, invoicing, lifecycle, payments
from registrations.models import OutgoingMail, Payment, Registration
from registrations.queries import balances
from registrations.queries import invoices as invoice_queries
from registrations.rules.payments import Balance, payment_status_for
from tests.factories import BindingRegistrationFactory, ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Status = Registration.PaymentStatus
JULY_1 = dt.date(2025, 7, 1)
# Due on 15.07.2025; the Zahlungserinnerung may go out 7 days later.
PAST_DUE = dt.datetime(2025, 7, 22, 12, 0, tzinfo=BERLIN)


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    )


@pytest.fixture
def invoiced(conference):
    registration = BindingRegistrationFactory(conference=conference, leitweg_id="")  # PDF only, no XRechnung
    invoicing.issue_invoice(registration=registration)
    registration.refresh_from_db()
    return registration


def status_of(registration):
    registration.refresh_from_db()
    return registration.payment_status


@pytest.mark.parametrize(
    ("invoiced", "paid", "has_invoice", "has_refund", "expected"),
    [
        ("0", "0", False, False, Status.NONE),
        ("250", "0", True, False, Status.OPEN),
        ("250", "100", True, False, Status.PARTLY_PAID),
        ("250", "250", True, False, Status.PAID),
        ("250", "300", True, False, Status.OVERPAID),  # issue 16: an overpayment is never silently "paid"
        ("0", "0", True, False, Status.NONE),  # invoice cancelled, nothing paid
        ("0", "250", True, False, Status.REFUND_DUE),  # issue 16: cancelled after paying is no "bezahlt"
        ("0", "0", True, True, Status.REFUNDED),
        ("250", "0", True, True, Status.REFUNDED),
        ("0", "250", False, False, Status.OVERPAID),  # paid before the invoice was issued
    ],
)
def test_payment_status_rule(invoiced, paid, has_invoice, has_refund, expected):
    balance = Balance(
        invoiced=Decimal(invoiced), paid=Decimal(paid), has_invoice=has_invoice, has_refund=has_refund
    )
    assert payment_status_for(balance) == expected


def test_payment_status_moves_from_open_to_partly_paid_to_paid(invoiced):
    assert status_of(invoiced) == Status.OPEN
    payments.record_payment(registration=invoiced, amount=Decimal("100.00"), received_on=JULY_1)
    assert status_of(invoiced) == Status.PARTLY_PAID
    assert balances.balance(invoiced).open_amount == Decimal("150.00")
    payment = payments.record_payment(registration=invoiced, amount="150", received_on=JULY_1, note="Rest")
    assert status_of(invoiced) == Status.PAID
    assert payment.amount == Decimal("150.00")
    assert balances.balance(invoiced).open_amount == Decimal("0.00")


def test_a_zero_payment_is_refused(invoiced):
    with pytest.raises(RegistrationError, match="nicht 0"):
        payments.record_payment(registration=invoiced, amount=Decimal("0"), received_on=JULY_1)
    assert Payment.objects.count() == 0


def test_cancelled_after_paying_then_refunded(invoiced):
    payments.record_payment(registration=invoiced, amount=Decimal("250.00"), received_on=JULY_1)
    lifecycle.cancel(registration=invoiced)
    assert status_of(invoiced) == Status.REFUND_DUE  # issue 16: was "bezahlt" with -250 € open
    assert balances.balance(invoiced).open_amount == Decimal("-250.00")

    with pytest.raises(RegistrationError, match="höchstens der gezahlte Betrag von 250,00"):
        payments.record_refund(registration=invoiced, amount=Decimal("300.00"), refunded_on=JULY_1)
    refund = payments.record_refund(registration=invoiced, amount=Decimal("250.00"), refunded_on=JULY_1)

    assert refund.amount == Decimal("-250.00")
    assert refund.note == "Erstattung"
    assert status_of(invoiced) == Status.REFUNDED


def test_reissued_invoice_with_higher_fee_leaves_the_difference_open(invoiced):
    payments.record_payment(registration=invoiced, amount=Decimal("250.00"), received_on=JULY_1)
    invoiced.fee = Decimal("300.00")
    invoiced.save()
    invoicing.reissue_invoice(registration=invoiced)
    assert status_of(invoiced) == Status.PARTLY_PAID
    assert balances.balance(invoiced).open_amount == Decimal("50.00")


def test_mark_paid_records_the_open_amount_and_skips_the_paid(conference, invoiced):
    user = UserFactory(username="kasse")
    other = BindingRegistrationFactory(conference=conference, email="zwei@example.org")
    invoicing.issue_invoice(registration=other)
    payments.record_payment(registration=other, amount=Decimal("100.00"), received_on=JULY_1)
    done = BindingRegistrationFactory(conference=conference, email="drei@example.org")
    invoicing.issue_invoice(registration=done)
    payments.record_payment(registration=done, amount=Decimal("250.00"), received_on=JULY_1)

    recorded = payments.mark_paid(
        registrations=[invoiced, other, done], received_on=dt.date(2025, 7, 10), by=user
    )

    assert sorted(p.amount for p in recorded) == [Decimal("150.00"), Decimal("250.00")]
    assert {p.recorded_by for p in recorded} == {user}
    assert {p.received_on for p in recorded} == {dt.date(2025, 7, 10)}
    assert [status_of(r) for r in (invoiced, other, done)] == [Status.PAID] * 3
    assert Payment.objects.filter(registration=done).count() == 1


def test_overdue_lists_open_and_partly_paid_invoices_past_due(conference, invoiced):
    partly = BindingRegistrationFactory(conference=conference, email="teil@example.org", last_name="Teil")
    invoicing.issue_invoice(registration=partly)
    payments.record_payment(registration=partly, amount=Decimal("50.00"), received_on=JULY_1)
    paid = BindingRegistrationFactory(conference=conference, email="bezahlt@example.org")
    invoicing.issue_invoice(registration=paid)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=JULY_1)
    cancelled = BindingRegistrationFactory(conference=conference, email="storno@example.org")
    invoicing.issue_invoice(registration=cancelled)
    lifecycle.cancel(registration=cancelled)
    elsewhere = BindingRegistrationFactory(email="anders@example.org")
    invoicing.issue_invoice(registration=elsewhere)

    due_on = invoiced.invoices.get().due_on  # 15.07.2025
    assert list(invoice_queries.overdue_registrations(conference, due_on)) == []
    overdue = invoice_queries.overdue_registrations(conference, due_on + dt.timedelta(days=1))
    assert set(overdue) == {invoiced, partly}


def test_payment_reminder_is_recorded_with_open_amount_bank_data_and_invoice(invoiced, time_machine):
    payments.record_payment(registration=invoiced, amount=Decimal("100.00"), received_on=JULY_1)
    time_machine.move_to(PAST_DUE, tick=False)  # reminders only for invoices past due (issue 16)

    reminder = dunning.send_payment_reminder(registration=invoiced)

    assert reminder.kind == "payment_reminder"
    assert reminder.subject == "Zahlungserinnerung: Rechnung 2025-0001 – VSOP-Jahrestagung 2025"
    assert "Offener Betrag:   150,00\u00a0€" in reminder.body_text
    assert "Bereits gezahlt:  100,00\u00a0€" in reminder.body_text
    assert "Fällig am:        15.07.2025" in reminder.body_text
    assert "IBAN:             DE02 1203 0000 0000 2020 51" in reminder.body_text
    assert "Verwendungszweck: RE 2025-0001 Dr. Anna-Lena Müller-Lüdenscheidt" in reminder.body_text
    assert "150,00\u00a0€" in reminder.body_html
    assert [(a.filename, a.invoice.number) for a in reminder.attachments.all()] == [
        ("Rechnung_2025-0001.pdf", "2025-0001")
    ]
    assert invoice_queries.last_reminder_at(invoiced) == reminder.created_at


def test_reminders_can_be_sent_again(invoiced, time_machine):
    time_machine.move_to(PAST_DUE, tick=False)
    dunning.send_payment_reminder(registration=invoiced)
    time_machine.move_to(PAST_DUE + dt.timedelta(days=14), tick=False)  # the 1. Mahnung's wait is over
    dunning.send_payment_reminder(registration=invoiced)
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 2


def test_no_reminder_when_nothing_is_open(conference, invoiced):
    payments.record_payment(registration=invoiced, amount=Decimal("250.00"), received_on=JULY_1)
    with pytest.raises(RegistrationError, match="kein Betrag offen"):
        dunning.send_payment_reminder(registration=invoiced)
    without_invoice = BindingRegistrationFactory(conference=conference, email="ohne@example.org")
    with pytest.raises(RegistrationError, match="kein Betrag offen"):
        dunning.send_payment_reminder(registration=without_invoice)
    assert not OutgoingMail.objects.filter(kind="payment_reminder").exists()
    assert invoice_queries.last_reminder_at(invoiced) is None
