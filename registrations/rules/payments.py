"""The payment status, derived from what was invoiced and what was paid."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Registration

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

    @property
    def credit(self):
        """More paid than owed (e.g. after a Storno): the amount to refund, else 0."""
        return max(self.paid - self.invoiced, ZERO)


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
