"""Booking bank statements: credits with an invoice number become payments, the rest wait in a queue.

The plan is `queries.bank_statements.review_statement`, the same the office
reviewed; `book_statement` computes it again under lock (the registrations it
pays, in primary-key order) and carries it out in one transaction. Each credit
is stored as a `BankTransaction` with its bank reference, unique per account:
a statement imported twice, or booked twice at once, books each credit once.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import BankStatementImport, BankTransaction, Invoice, Registration
from ..queries.balances import balance
from ..queries.bank_statements import (
    DUPLICATE,
    MATCHED,
    UNMATCHED,
    registration_ids_named_in,
    review_statement,
)
from ..rules.bank_statements import StatementError, parse_statement_file
from . import payments

logger = logging.getLogger(__name__)


def store_statement(*, file_name, content, by=None):
    """Keep an uploaded statement for review after checking it can be read; nothing is booked.

    Raises StatementError (German message) when the file is no readable CAMT.053.
    """
    parse_statement_file(content)
    return BankStatementImport.objects.create(
        file_name=file_name[:255], content=bytes(content), uploaded_by=by
    )


def statement_entries(statement_import):
    return parse_statement_file(bytes(statement_import.content))


def _note(entry, invoice):
    return (
        _("Kontoauszug %(date)s, %(number)s: %(text)s")
        % {
            "date": entry.booked_on.strftime("%d.%m.%Y"),
            "number": invoice.payment_reference,
            "text": entry.remittance,
        }
    )[:300]


def _transaction_for(entry, *, statement, state, outcome="", note=""):
    return BankTransaction.objects.create(
        statement=statement,
        account_iban=entry.account_iban,
        bank_reference=entry.bank_reference,
        booked_on=entry.booked_on,
        amount=entry.amount,
        remittance=entry.remittance,
        debtor_name=" / ".join(name for name in (entry.debtor_name, entry.ultimate_debtor) if name)[:250],
        debtor_iban=entry.debtor_iban,
        state=state,
        outcome=outcome,
        note=note[:300],
    )


def book_statement(*, statement_import, by=None):
    """Book a reviewed statement once: matched credits as payments, unmatched ones into the queue.

    Returns the statement import with its `summary`. A second call books nothing
    (the import is marked booked, and every bank reference is stored once).
    """
    with transaction.atomic():
        statement_import = BankStatementImport.objects.select_for_update().get(pk=statement_import.pk)
        if statement_import.booked_at is not None:
            return statement_import
        entries = statement_entries(statement_import)
        # Lock the registrations the credits pay before reading their open amounts.
        list(
            Registration.objects.select_for_update()
            .filter(pk__in=registration_ids_named_in(entries))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        review = review_statement(entries)
        for line in review.lines:
            if line.kind not in (MATCHED, UNMATCHED):
                continue
            try:
                # A savepoint per credit: a reference another booking stored meanwhile skips only this one.
                with transaction.atomic():
                    _book_line(line, statement_import=statement_import, by=by)
            except IntegrityError:
                line.kind, line.allocations = DUPLICATE, []
        summary = review.summary()
        statement_import.summary = summary
        statement_import.booked_at = timezone.now()
        statement_import.booked_by = by
        statement_import.save(update_fields=["summary", "booked_at", "booked_by"])
    logger.info(
        "Bank statement %s booked by user %s: %s", statement_import.pk, getattr(by, "pk", None), summary
    )
    return statement_import


def _book_line(line, *, statement_import, by):
    entry = line.entry
    if line.kind == UNMATCHED:
        _transaction_for(entry, statement=statement_import, state=BankTransaction.State.UNMATCHED)
        return
    bank_transaction = _transaction_for(
        entry,
        statement=statement_import,
        state=BankTransaction.State.BOOKED,
        outcome=line.outcome,
        note=line.note,
    )
    for allocation in line.allocations:
        payment = payments.record_payment(
            registration=allocation.registration,
            amount=allocation.amount,
            received_on=entry.booked_on,
            note=_note(entry, allocation.invoice),
            by=by,
        )
        bank_transaction.payments.add(payment)


def assign_transaction(*, bank_transaction, invoice, by=None):
    """Book a queued credit in full to the registration of an invoice the office chose.

    Only credits still in the queue can be assigned, each once. More than is open
    is booked as an overpayment and flagged, less as a part-payment.
    """
    with transaction.atomic():
        bank_transaction = BankTransaction.objects.select_for_update().get(pk=bank_transaction.pk)
        if bank_transaction.state != BankTransaction.State.UNMATCHED:
            raise RegistrationError(_("Dieser Kontoeingang ist bereits zugeordnet oder gebucht."))
        if invoice.kind != Invoice.Kind.INVOICE:
            raise RegistrationError(_("Eine Stornorechnung kann keine Zahlung erhalten."))
        registration = Registration.objects.select_for_update().get(pk=invoice.registration_id)
        open_amount = balance(registration).open_amount
        if bank_transaction.amount == open_amount:
            outcome = BankTransaction.Outcome.PAID
        elif bank_transaction.amount < open_amount:
            outcome = BankTransaction.Outcome.PART_PAID
        else:
            outcome = BankTransaction.Outcome.OVERPAID
        payment = payments.record_payment(
            registration=registration,
            amount=bank_transaction.amount,
            received_on=bank_transaction.booked_on,
            note=_("Kontoauszug %(date)s, von Hand zugeordnet zu %(number)s: %(text)s")
            % {
                "date": bank_transaction.booked_on.strftime("%d.%m.%Y"),
                "number": invoice.payment_reference,
                "text": bank_transaction.remittance,
            },
            by=by,
        )
        bank_transaction.payments.add(payment)
        bank_transaction.state = BankTransaction.State.ASSIGNED
        bank_transaction.outcome = outcome
        bank_transaction.assigned_by = by
        bank_transaction.assigned_at = timezone.now()
        bank_transaction.save(update_fields=["state", "outcome", "assigned_by", "assigned_at"])
    return bank_transaction


def dismiss_transaction(*, bank_transaction, by=None):
    """Take a queued credit out of the queue without booking it (e.g. a membership fee, a donation)."""
    with transaction.atomic():
        bank_transaction = BankTransaction.objects.select_for_update().get(pk=bank_transaction.pk)
        if bank_transaction.state != BankTransaction.State.UNMATCHED:
            raise RegistrationError(_("Dieser Kontoeingang ist bereits zugeordnet oder gebucht."))
        bank_transaction.state = BankTransaction.State.DISMISSED
        bank_transaction.assigned_by = by
        bank_transaction.assigned_at = timezone.now()
        bank_transaction.save(update_fields=["state", "assigned_by", "assigned_at"])
    return bank_transaction


__all__ = [
    "StatementError",
    "assign_transaction",
    "book_statement",
    "dismiss_transaction",
    "statement_entries",
    "store_statement",
]
