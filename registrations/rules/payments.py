"""The payment status, derived from what was invoiced and what was paid."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Registration

ZERO = Decimal("0.00")

# Statuses with money still to come in, and with money to pay back.
OWING = (Registration.PaymentStatus.OPEN, Registration.PaymentStatus.PARTLY_PAID)
OWED_BACK = (Registration.PaymentStatus.OVERPAID, Registration.PaymentStatus.REFUND_DUE)


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

    @property
    def credit(self):
        """More paid than owed (e.g. after a Storno): the amount to refund, else 0."""
        return max(self.paid - self.invoiced, ZERO)

    @property
    def outstanding(self):
        """What is still to pay, never negative."""
        return max(self.invoiced - self.paid, ZERO)


def credited_payments(*, paid, amount):
    """What a new invoice credits of the money already received: never less than 0 nor more than it asks.

    After a part-payment, a corrected invoice says so and asks only for the rest; a surplus
    beyond the new amount stays a credit of the registration (refund due or overpaid).
    """
    return min(max(paid, ZERO), amount)


def payment_status_for(balance):
    """The one rule for the payment status.

    - nothing invoiced and nothing paid: no invoice
    - money came back and nothing is kept: refunded
    - nothing owed any more (all invoices cancelled) but money kept: refund due
    - more paid than invoiced (twice transferred, or paid before the invoice): overpaid,
      never silently "paid", so the office sees the surplus
    - owed and nothing paid: open; part paid: partly paid; exactly paid: paid
    """
    Status = Registration.PaymentStatus
    if not balance.has_invoice and balance.paid == ZERO and not balance.has_refund:
        return Status.NONE
    if balance.has_refund and balance.paid <= ZERO:
        return Status.REFUNDED
    if balance.invoiced <= ZERO:
        if balance.paid <= ZERO:
            return Status.NONE
        return Status.REFUND_DUE if balance.has_invoice else Status.OVERPAID
    if balance.paid <= ZERO:
        return Status.OPEN
    if balance.paid < balance.invoiced:
        return Status.PARTLY_PAID
    if balance.paid > balance.invoiced:
        return Status.OVERPAID
    return Status.PAID
