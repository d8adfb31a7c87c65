"""Reads for the bank statement import: what a statement would book, and the queue's suggestions.

`review_statement` is the one plan of a booking: the review page shows it, and
the booking (domain/bank_import.py) computes it again under lock and carries it
out, so what the office saw is what is booked. Every read here takes a fixed
number of queries, however long the statement or the queue.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _

from core.formatting import euro

from ..models import BankTransaction, Invoice, Registration
from ..rules.bank_statements import Candidate, invoice_numbers_in, split_credit, suggest_candidates
from ..rules.payments import ZERO
from .balances import balances_for

MATCHED = "matched"
UNMATCHED = "unmatched"
DUPLICATE = "duplicate"
IGNORED = "ignored"


@dataclass
class Allocation:
    invoice: Invoice
    registration: Registration
    amount: Decimal
    open_before: Decimal


@dataclass
class ReviewLine:
    """One statement entry and what booking would do with it."""

    entry: object  # rules.bank_statements.StatementEntry
    kind: str  # MATCHED, UNMATCHED, DUPLICATE, IGNORED
    outcome: str = ""  # BankTransaction.Outcome value for MATCHED lines
    allocations: list = field(default_factory=list)
    note: str = ""

    @property
    def is_overpaid(self):
        return self.outcome == BankTransaction.Outcome.OVERPAID

    def get_outcome_display(self):
        return BankTransaction.Outcome(self.outcome).label if self.outcome else ""


@dataclass
class Review:
    lines: list

    def of_kind(self, kind):
        return [line for line in self.lines if line.kind == kind]

    @property
    def matched(self):
        return self.of_kind(MATCHED)

    @property
    def unmatched(self):
        return self.of_kind(UNMATCHED)

    @property
    def duplicates(self):
        return self.of_kind(DUPLICATE)

    @property
    def ignored(self):
        return self.of_kind(IGNORED)

    @property
    def flagged(self):
        return [line for line in self.matched if line.is_overpaid]

    def total(self, kind):
        return sum((line.entry.amount for line in self.of_kind(kind)), ZERO)

    def summary(self):
        return {
            "matched": len(self.matched),
            "matched_amount": str(self.total(MATCHED)),
            "overpaid": len(self.flagged),
            "part_paid": sum(1 for line in self.matched if line.outcome == "part_paid"),
            "unmatched": len(self.unmatched),
            "unmatched_amount": str(self.total(UNMATCHED)),
            "duplicates": len(self.duplicates),
            "ignored": len(self.ignored),
        }


def invoices_by_number(numbers):
    """{(year, sequence): invoice} for the invoice numbers named (one query; Stornorechnungen never)."""
    numbers = list(numbers)
    if not numbers:
        return {}
    condition = reduce(or_, (Q(year=year, sequence=sequence) for year, sequence in numbers))
    invoices = Invoice.objects.filter(condition, kind=Invoice.Kind.INVOICE).select_related(
        "registration__conference"
    )
    return {(invoice.year, invoice.sequence): invoice for invoice in invoices}


def registration_ids_named_in(entries):
    """The registrations whose invoices the statement's credits name (for locking them first)."""
    numbers = {n for entry in entries if entry.is_bookable for n in invoice_numbers_in(entry.remittance)}
    return sorted({invoice.registration_id for invoice in invoices_by_number(numbers).values()})


def known_references(entries):
    """The (account, bank reference) pairs of these entries that are booked or queued already."""
    references = {entry.bank_reference for entry in entries}
    if not references:
        return set()
    return set(
        BankTransaction.objects.filter(bank_reference__in=references).values_list(
            "account_iban", "bank_reference"
        )
    )


def review_statement(entries):
    """What booking the statement would do, entry by entry (five queries, however many entries).

    A credit naming invoice numbers is split across those invoices' open amounts
    (what is really still owed: invoiced minus paid, per registration); entries
    booked before, debits and other non-credits are listed but not booked. Two
    credits for the same registration in one statement see each other: the
    second one finds less open.
    """
    known = known_references(entries)
    numbers_per_entry = {id(entry): invoice_numbers_in(entry.remittance) for entry in entries}
    invoices = invoices_by_number({n for numbers in numbers_per_entry.values() for n in numbers})
    balances = balances_for({invoice.registration_id for invoice in invoices.values()})
    open_amounts = {pk: balance.open_amount for pk, balance in balances.items()}
    seen = set()
    lines = []
    for entry in entries:
        identity = (entry.account_iban, entry.bank_reference)
        if not entry.is_bookable:
            lines.append(ReviewLine(entry, IGNORED, note=entry.ignored_reason))
            continue
        if identity in known or identity in seen:
            lines.append(
                ReviewLine(entry, DUPLICATE, note=_("bereits importiert – wird nicht noch einmal gebucht"))
            )
            continue
        seen.add(identity)
        named = [invoices[n] for n in numbers_per_entry[id(entry)] if n in invoices]
        # One registration named twice (old and reissued invoice) is paid once.
        by_registration = {}
        for invoice in named:
            by_registration.setdefault(invoice.registration_id, invoice)
        if not by_registration:
            lines.append(ReviewLine(entry, UNMATCHED))
            continue
        split = split_credit(entry.amount, [(pk, open_amounts[pk]) for pk in by_registration])
        allocations = []
        for pk, amount in split.parts:
            invoice = by_registration[pk]
            allocations.append(Allocation(invoice, invoice.registration, amount, open_amounts[pk]))
            open_amounts[pk] -= amount
        note = ""
        if split.outcome == "overpaid":
            note = _("%(amount)s mehr als offen") % {"amount": euro(split.surplus)}
        lines.append(ReviewLine(entry, MATCHED, outcome=split.outcome, allocations=allocations, note=note))
    return Review(lines)


# --- the queue ---------------------------------------------------------------------


def owing_candidates():
    """Every registration with money open on a valid invoice, as suggestion candidates (four queries).

    Names: participant, organisation, billing organisation and the invoice's
    first address line; accounts: the IBANs that paid the registration before.
    """
    invoices = list(
        Invoice.objects.filter(kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True)
        .filter(
            registration__payment_status__in=[
                Registration.PaymentStatus.OPEN,
                Registration.PaymentStatus.PARTLY_PAID,
            ]
        )
        .select_related("registration")
        .order_by("registration_id", "-year", "-sequence")
    )
    current = {}
    for invoice in invoices:
        current.setdefault(invoice.registration_id, invoice)
    balances = balances_for(current)
    ibans = defaultdict(set)
    for registration_id, iban in BankTransaction.objects.filter(
        payments__registration_id__in=list(current)
    ).values_list("payments__registration_id", "debtor_iban"):
        if iban:
            ibans[registration_id].add(iban)
    candidates = []
    for registration_id, invoice in current.items():
        open_amount = balances[registration_id].open_amount
        if open_amount <= ZERO:
            continue
        registration = invoice.registration
        names = (
            registration.full_name,
            f"{registration.first_name} {registration.last_name}",
            registration.organisation,
            registration.billing_organisation,
            invoice.recipient.splitlines()[0] if invoice.recipient else "",
        )
        candidates.append(
            Candidate(
                key=invoice,
                open_amount=open_amount,
                names=tuple(name for name in names if name),
                ibans=tuple(sorted(ibans[registration_id])),
            )
        )
    return candidates


def suggestions_for(transaction, candidates):
    """Suggestions for one queued credit from the candidates read once per page."""
    return suggest_candidates(
        amount=transaction.amount,
        payer_texts=[transaction.debtor_name, transaction.remittance],
        iban=transaction.debtor_iban,
        candidates=candidates,
    )
