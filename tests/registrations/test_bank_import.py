"""Booking bank statements: what a statement books, once, and what waits in the queue."""

from decimal import Decimal

import pytest

from core.exceptions import RegistrationError
from registrations.domain import bank_import, invoicing, payments
from registrations.models import BankTransaction, Payment, Registration
from registrations.queries.bank_statements import owing_candidates, review_statement, suggestions_for
from registrations.queries.invoices import current_invoice
from registrations.rules.bank_statements import StatementError, parse_statement_file
from tests.camt import DEBTOR_IBAN, Booking, statement_02, statement_08, without_namespace, zipped
from tests.factories import ConferenceFactory, invoiced_registration

pytestmark = pytest.mark.django_db
PAID = Registration.PaymentStatus.PAID
PARTLY = Registration.PaymentStatus.PARTLY_PAID


@pytest.fixture
def conference():
    return ConferenceFactory(title="VSOP-Jahrestagung 2026")


def invoiced(conference, n, fee="250.00", **kwargs):
    """The shared builder (tests/factories.py), with the invoice the credits name."""
    registration = invoiced_registration(conference, n, fee, **kwargs)
    return registration, current_invoice(registration)


def book(content, *, name="auszug.xml"):
    statement = bank_import.store_statement(file_name=name, content=content)
    return bank_import.book_statement(statement_import=statement)


def paid(registration):
    return sum(registration.payments.values_list("amount", flat=True), Decimal("0"))


def status(registration):
    registration.refresh_from_db()
    return registration.payment_status


def test_a_credit_with_the_invoice_number_pays_the_invoice(conference):
    registration, invoice = invoiced(conference, 1)
    result = book(
        statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number} Person1"], reference="R1")])
    )
    assert status(registration) == PAID
    payment = registration.payments.get()
    assert (payment.amount, str(payment.received_on)) == (Decimal("250.00"), "2026-06-15")
    transaction = BankTransaction.objects.get()
    assert (transaction.state, transaction.outcome) == ("booked", "paid")
    assert list(transaction.payments.all()) == [payment]
    assert result.summary["matched"] == 1
    assert result.booked_at is not None


def test_a_statement_imported_twice_books_once(conference):
    registration, invoice = invoiced(conference, 1)
    bookings = [
        Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="R1"),
        Booking(Decimal("80.00"), ["Spende"], debtor="Erika Gönnerin", reference="R2"),
    ]
    book(statement_08(bookings))
    second = book(statement_08(bookings), name="nochmal.xml")
    assert paid(registration) == Decimal("250.00")
    assert BankTransaction.objects.count() == 2
    assert second.summary["duplicates"] == 2
    assert second.summary["matched"] == 0


def test_the_same_import_booked_twice_books_once(conference):
    registration, invoice = invoiced(conference, 1)
    statement = bank_import.store_statement(
        file_name="a.xml", content=statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number}"])])
    )
    bank_import.book_statement(statement_import=statement)
    bank_import.book_statement(statement_import=statement)
    assert Payment.objects.count() == 1


def test_a_statement_without_bank_references_imported_twice_books_once(conference):
    registration, invoice = invoiced(conference, 1)
    bookings = [Booking(Decimal("100.00"), [f"RE {invoice.number} Rate"])] * 2  # two equal rates, one day
    book(statement_08(bookings))
    book(statement_08(bookings, statement_id="AGAIN"))
    assert paid(registration) == Decimal("200.00")


def test_collective_transfer_of_a_municipality_pays_each_named_invoice(conference):
    (first, one), (second, two), (third, three) = (
        invoiced(conference, 1, fee="250.00"),
        invoiced(conference, 2, fee="300.00"),
        invoiced(conference, 3, fee="180.00"),
    )
    text = [
        f"Sammelueberweisung RE {one.number}, RE{two.number.replace('-', ' ')}",
        f"Rechnung {three.number}",
    ]
    book(statement_08([Booking(Decimal("730.00"), text, debtor="Landkreis Beispiel", reference="SAMMEL")]))
    assert [status(r) for r in (first, second, third)] == [PAID, PAID, PAID]
    assert [paid(r) for r in (first, second, third)] == [
        Decimal("250.00"),
        Decimal("300.00"),
        Decimal("180.00"),
    ]
    transaction = BankTransaction.objects.get()
    assert transaction.payments.count() == 3


def test_less_than_open_is_a_part_payment(conference):
    registration, invoice = invoiced(conference, 1)
    book(statement_08([Booking(Decimal("100.00"), [f"RE {invoice.number}"], reference="R1")]))
    assert status(registration) == PARTLY
    assert BankTransaction.objects.get().outcome == "part_paid"


def test_the_open_amount_counts_what_was_paid_before(conference):
    registration, invoice = invoiced(conference, 1)
    payments.record_payment(registration=registration, amount=Decimal("100.00"), received_on="2026-06-01")
    book(statement_08([Booking(Decimal("150.00"), [f"RE {invoice.number}"], reference="R1")]))
    assert status(registration) == PAID
    assert BankTransaction.objects.get().outcome == "paid"


def test_more_than_open_is_booked_and_flagged_as_overpaid(conference):
    registration, invoice = invoiced(conference, 1)
    review = review_statement(
        parse_statement_file(
            statement_08([Booking(Decimal("300.00"), [f"RE {invoice.number}"], reference="R1")])
        )
    )
    assert [line.is_overpaid for line in review.matched] == [True]
    assert review.flagged[0].note == "50,00\xa0€ mehr als offen"
    book(statement_08([Booking(Decimal("300.00"), [f"RE {invoice.number}"], reference="R1")]))
    transaction = BankTransaction.objects.get()
    assert (transaction.outcome, transaction.note) == ("overpaid", "50,00\xa0€ mehr als offen")
    assert paid(registration) == Decimal("300.00")


def test_a_second_transfer_for_a_paid_invoice_is_flagged_not_hidden(conference):
    registration, invoice = invoiced(conference, 1)
    book(statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="R1")]))
    book(statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="R2")]))
    assert paid(registration) == Decimal("500.00")
    assert BankTransaction.objects.get(bank_reference="R2").outcome == "overpaid"


def test_debits_are_ignored(conference):
    registration, invoice = invoiced(conference, 1)
    result = book(
        statement_08(
            [Booking(Decimal("250.00"), [f"RE {invoice.number} Rueckzahlung"], credit=False, reference="D1")]
        )
    )
    assert Payment.objects.count() == 0
    assert BankTransaction.objects.count() == 0
    assert result.summary["ignored"] == 1


def test_a_credit_without_invoice_number_goes_to_the_queue_and_books_nothing(conference):
    registration, invoice = invoiced(conference, 1, organisation="Landkreis Beispiel")
    result = book(
        statement_08(
            [Booking(Decimal("250.00"), ["Tagung Person1"], debtor="LANDKREIS BEISPIEL", reference="Q1")]
        )
    )
    assert Payment.objects.count() == 0
    queued = BankTransaction.objects.get()
    assert queued.state == "unmatched"
    assert result.summary["unmatched"] == 1
    # The fuzzy suggestion names the registration, but only the office books it.
    [suggestion] = suggestions_for(queued, owing_candidates())
    assert suggestion.candidate.key == invoice
    assert suggestion.same_amount is True
    assert status(registration) == Registration.PaymentStatus.OPEN


def test_an_unknown_invoice_number_goes_to_the_queue(conference):
    invoiced(conference, 1)
    book(statement_08([Booking(Decimal("250.00"), ["RE 2019-0042"], reference="Q1")]))
    assert BankTransaction.objects.get().state == "unmatched"
    assert Payment.objects.count() == 0


def test_the_office_assigns_a_queued_credit_with_one_call(conference):
    registration, invoice = invoiced(conference, 1)
    book(statement_08([Booking(Decimal("250.00"), ["Tagung"], reference="Q1")]))
    queued = BankTransaction.objects.get()
    bank_import.assign_transaction(bank_transaction=queued, invoice=invoice)
    queued.refresh_from_db()
    assert (queued.state, queued.outcome) == ("assigned", "paid")
    assert status(registration) == PAID
    with pytest.raises(RegistrationError):
        bank_import.assign_transaction(bank_transaction=queued, invoice=invoice)
    assert paid(registration) == Decimal("250.00")


def test_a_dismissed_credit_leaves_the_queue_unbooked(conference):
    book(statement_08([Booking(Decimal("50.00"), ["Mitgliedsbeitrag 2026"], reference="Q1")]))
    queued = BankTransaction.objects.get()
    bank_import.dismiss_transaction(bank_transaction=queued)
    queued.refresh_from_db()
    assert queued.state == "dismissed"
    assert Payment.objects.count() == 0


def test_camt_02_statement_books_like_08(conference):
    registration, invoice = invoiced(conference, 1)
    book(statement_02([Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="OLD1")]))
    assert status(registration) == PAID


def test_statement_without_namespace_books(conference):
    registration, invoice = invoiced(conference, 1)
    book(
        without_namespace(
            statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="N1")])
        )
    )
    assert status(registration) == PAID


def test_a_zip_of_daily_statements_books_every_day(conference):
    (first, one), (second, two) = invoiced(conference, 1), invoiced(conference, 2)
    archive = zipped(
        {
            "0615.xml": statement_08(
                [Booking(Decimal("250.00"), [f"RE {one.number}"], reference="D1")], statement_id="S1"
            ),
            "0616.xml": statement_08(
                [Booking(Decimal("250.00"), [f"RE {two.number}"], reference="D2")],
                statement_id="S2",
                prefix="ns2",
            ),
        }
    )
    book(archive, name="juni.zip")
    assert [status(first), status(second)] == [PAID, PAID]


def test_a_cancelled_invoice_number_still_finds_the_registration(conference):
    registration, old = invoiced(conference, 1)
    invoicing.reissue_invoice(registration=registration)
    book(statement_08([Booking(Decimal("250.00"), [f"RE {old.number}"], reference="R1")]))
    assert status(registration) == PAID


def test_an_unreadable_file_is_not_stored():
    with pytest.raises(StatementError):
        bank_import.store_statement(file_name="auszug.csv", content=b"Datum;Betrag")
    assert not bank_import.BankStatementImport.objects.exists()


def test_earlier_payer_account_is_suggested_for_the_next_credit(conference):
    (registration, invoice) = invoiced(conference, 1, fee="500.00")
    book(statement_08([Booking(Decimal("250.00"), [f"RE {invoice.number} 1. Rate"], reference="R1")]))
    book(statement_08([Booking(Decimal("250.00"), ["2. Rate"], debtor="Kreiskasse", reference="R2")]))
    queued = BankTransaction.objects.get(bank_reference="R2")
    [suggestion] = suggestions_for(queued, owing_candidates())
    assert (suggestion.candidate.key, suggestion.same_iban) == (invoice, True)
    assert queued.debtor_iban == DEBTOR_IBAN


@pytest.mark.parametrize("count", [1, 4])
def test_review_reads_a_fixed_number_of_queries(conference, count, django_assert_max_num_queries):
    invoices = [invoiced(conference, n)[1] for n in range(count)]
    entries = parse_statement_file(
        statement_08(
            [Booking(Decimal("250.00"), [f"RE {i.number}"], reference=f"R{i.pk}") for i in invoices]
            + [Booking(Decimal("10.00"), ["ohne Nummer"], reference=f"U{n}") for n in range(count)]
        )
    )
    with django_assert_max_num_queries(4):
        review = review_statement(entries)
    assert (len(review.matched), len(review.unmatched)) == (count, count)


@pytest.mark.parametrize("count", [1, 4])
def test_queue_candidates_read_a_fixed_number_of_queries(conference, count, django_assert_max_num_queries):
    for n in range(count):
        invoiced(conference, n)
    with django_assert_max_num_queries(4):
        candidates = owing_candidates()
    assert len(candidates) == count
