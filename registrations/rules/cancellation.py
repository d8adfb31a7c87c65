"""What a cancellation costs: the terms' cancellation rule applied to one registration.

The cancel page, the "Stornierung bestätigt" mail and the personal page all say it from
here, so what a person is told before confirming is what the system then does
(domain/invoicing.py cancel_for_cancellation cancels the invoice only while cancelling is free).
"""

from dataclasses import dataclass
from decimal import Decimal

from .windows import cancellation_is_free


@dataclass(frozen=True)
class CancellationCost:
    """`fee_due` is what stays owed; `invoice` the valid invoice concerned (None without one)."""

    is_free: bool
    fee_due: Decimal
    invoice: object = None

    @property
    def invoice_is_cancelled(self):
        """A free cancellation cancels the invoice (Stornorechnung); otherwise it stays due."""
        return self.is_free and self.invoice is not None


def cancellation_cost(registration, *, invoice, now=None):
    """Free while the terms say so (rules.windows.cancellation_is_free) or while nothing is invoiced;
    otherwise the invoiced fee stays due and the invoice stands.

    `invoice` is the registration's valid invoice or None (queries.invoices.current_invoice).
    """
    if invoice is None or cancellation_is_free(registration, now=now):
        return CancellationCost(is_free=True, fee_due=Decimal("0.00"), invoice=invoice)
    return CancellationCost(is_free=False, fee_due=invoice.amount, invoice=invoice)
