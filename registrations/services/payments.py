"""Payments, refunds and the payment status of a registration.

The payment status is derived from invoices and payments by one rule
(`payment_status_for`) and stored on the registration only so lists can filter
by it; every service that adds an invoice or a payment calls
`update_payment_status`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from ..models import Invoice, Payment, Registration

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    invoiced: Decimal  # net of all invoices and Stornorechnungen
    paid: Decimal  # net of all payments and refunds
    has_invoice: bool
    has_refund: bool

    @property
    def open_amount(self):
        """What is still to pay; negative when more was paid than is owed (to be refunded)."""
        return self.invoiced - self.paid


def balance(registration):
    """Invoiced and paid sums of a registration (two queries)."""
    invoices = Invoice.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), count=Count("pk")
    )
    payments = Payment.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0))
    )
    return Balance(
        invoiced=invoices["total"] or ZERO,
        paid=payments["total"] or ZERO,
        has_invoice=bool(invoices["count"]),
        has_refund=payments["refunds"] is not None,
    )


def payment_status_for(balance):
    """The one rule for the payment status.

    - nothing invoiced and nothing paid: no invoice
    - money came back and nothing is kept: refunded
    - nothing owed (all invoices cancelled) but money kept: paid (the surplus is to refund)
    - owed and nothing paid: open; part paid: partly paid; all paid: paid
    """
    Status = Registration.PaymentStatus
    if not balance.has_invoice and balance.paid == ZERO and not balance.has_refund:
        return Status.NONE
    if balance.has_refund and balance.paid <= ZERO:
        return Status.REFUNDED
    if balance.invoiced <= ZERO:
        return Status.PAID if balance.paid > ZERO else Status.NONE
    if balance.paid <= ZERO:
        return Status.OPEN
    if balance.paid < balance.invoiced:
        return Status.PARTLY_PAID
    return Status.PAID


def update_payment_status(registration):
    """Recompute and store the registration's payment status; returns it."""
    status = payment_status_for(balance(registration))
    if registration.payment_status != status:
        registration.payment_status = status
        registration.save(update_fields=["payment_status", "updated_at"])
    return status
