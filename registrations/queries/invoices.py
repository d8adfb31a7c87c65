"""Reads about invoices: the valid invoice of a registration, and who is overdue."""

from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from ..models import Invoice, Payment, Registration
from ..rules.bank_statements import invoice_numbers_in
from ..rules.payments import OWING
from .balances import sum_per_registration

REMINDER = "payment_reminder"


def named_invoices_q(term, *, via=""):
    """The invoices a search term names, written as loosely as in a bank transfer (`2026-0003`,
    `RE 2026/3`; rules.bank_statements.invoice_numbers_in) or as their order number, as a Q on
    Invoice (`via=""`) or through a relation (`via="invoices__"` on Registration)."""
    term = (term or "").strip()
    condition = Q(**{f"{via}order_number__iexact": term})
    for year, sequence in invoice_numbers_in(term):
        condition |= Q(**{f"{via}year": year, f"{via}sequence": sequence})
    return condition


def current_invoice(registration):
    """The registration's own valid invoice (issued and not cancelled), or None.

    A collective invoice is its group's, even on the registration it is booked on
    (current_collective_invoice, invoice_concerning)."""
    return (
        Invoice.objects.filter(
            registration=registration,
            kind=Invoice.Kind.INVOICE,
            cancelled_by__isnull=True,
            group_registration__isnull=True,
        )
        .order_by("-year", "-sequence")
        .first()
    )


def valid_collective_invoices():
    """Collective invoices (Sammelrechnungen) that are not cancelled: a group's valid one is its
    newest (a changed group gets a Stornorechnung and a new one)."""
    return Invoice.objects.filter(kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True).exclude(
        group_registration=None
    )


def current_collective_invoice(group):
    """The group's valid collective invoice (Sammelrechnung), or None."""
    return valid_collective_invoices().filter(group_registration=group).order_by("-year", "-sequence").first()


def with_collective_invoice(registrations):
    """Annotate the valid collective invoice of each registration's group, if it has one: its
    `collective_invoice_number` and `collective_invoice_status`, the payment status of the
    registration it is booked on (subqueries: no query per row). Colleagues on it have no
    invoice of their own, so their own payment status says "no invoice"."""
    valid = (
        valid_collective_invoices()
        .filter(group_registration=OuterRef("group_registration"))
        .order_by("-year", "-sequence")
    )
    return registrations.annotate(
        collective_invoice_number=Subquery(valid.values("number")[:1]),
        collective_invoice_status=Subquery(valid.values("registration__payment_status")[:1]),
    )


@dataclass(frozen=True)
class InvoiceShare:
    """One person's part of a collective invoice: what their cancellation concerns."""

    invoice: Invoice
    amount: object

    @property
    def number(self):
        return self.invoice.number

    @property
    def due_on(self):
        return self.invoice.due_on


def invoice_concerning(registration):
    """What a registration owes on: its valid invoice, or its share of its group's valid collective
    invoice (an InvoiceShare with the person's own amount), or None."""
    if not registration.is_billed_collectively:
        return current_invoice(registration)
    invoice = current_collective_invoice(registration.group_registration_id)
    if invoice is None:
        return None
    line = invoice.lines.filter(registration=registration).first()
    return InvoiceShare(invoice=invoice, amount=line.amount) if line is not None else None


def invoice_to_remind(registration):
    """The valid invoice booked on the registration that a payment reminder is about: its own
    invoice, or the collective invoice of its group when it is booked on this registration (the
    first person on it, whose registration holds the employer's payments), else None.

    A colleague whose fee is a line of a collective invoice booked on someone else has nothing of
    their own to be reminded of: the Sammelrechnung is reminded once, through its holder."""
    return (
        Invoice.objects.filter(
            registration=registration, kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True
        )
        .select_related("group_registration")
        .order_by("-year", "-sequence")
        .first()
    )


def overdue_q(today):
    """Registrations with money open on a valid invoice whose due date has passed (a collective
    invoice counts for the registration it is booked on, see invoice_to_remind)."""
    return Q(
        payment_status__in=OWING,
        invoices__kind=Invoice.Kind.INVOICE,
        invoices__cancelled_by__isnull=True,
        invoices__due_on__lt=today,
    )


def overdue_registrations(conference, today=None):
    """The conference's registrations whose open or partly paid invoice is past due."""
    today = today or timezone.localdate()
    return (
        Registration.objects.filter(conference=conference)
        .filter(overdue_q(today))
        .distinct()
        .select_related("conference")
        .order_by("last_name", "first_name", "pk")
    )


def last_reminder_at(registration):
    """When the last payment reminder was queued for the registration, or None."""
    return (
        registration.mails.filter(kind=REMINDER)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def overdue_invoices_q(today):
    """Valid invoices past due whose registration still owes money (the overdue list of invoices)."""
    return Q(
        kind=Invoice.Kind.INVOICE,
        cancelled_by__isnull=True,
        due_on__lt=today,
        registration__payment_status__in=OWING,
    )


def invoices_with_dunning(invoices):
    """Annotate the dunning level reached, the last reminder and the registration's totals.

    For the overdue list: invoice number, amount, open amount, due date, level and
    last reminder in one query, whatever the number of invoices.
    """
    return invoices.annotate(
        dunning_level=Max("reminders__level"),
        last_reminder_sent_at=Max("reminders__sent_at"),
        registration_invoiced=sum_per_registration(Invoice, outer="registration_id"),
        registration_paid=sum_per_registration(Payment, outer="registration_id"),
    )
