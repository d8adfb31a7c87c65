"""Two office members book the same statement (uploaded twice) at the same moment: each credit once."""

from decimal import Decimal

from registrations.domain import bank_import, invoicing
from registrations.models import BankTransaction, Payment
from tests.camt import Booking, statement_08
from tests.factories import BindingRegistrationFactory, ConferenceFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE


def test_the_same_statement_booked_twice_at_once_books_each_credit_once():
    conference = ConferenceFactory()
    registration = BindingRegistrationFactory(conference=conference, email="p@example.org")
    invoice = invoicing.issue_invoice(registration=registration)
    content = statement_08(
        [
            Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="R1"),
            Booking(Decimal("40.00"), ["ohne Nummer"], reference="Q1"),
        ]
    )
    uploads = [bank_import.store_statement(file_name=f"{n}.xml", content=content) for n in range(4)]

    results, errors = at_once(lambda upload: bank_import.book_statement(statement_import=upload), uploads)

    assert errors == []
    assert Payment.objects.filter(registration=registration).count() == 1
    assert BankTransaction.objects.count() == 2
    assert sorted(r.summary["duplicates"] for r in results) == [0, 2, 2, 2]
