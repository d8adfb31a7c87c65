"""Money taken at the check-in desk: how it was paid, and the receipt's number.

The method is kept as the payment's note ("bar" / "Karte"), so the office's
payment list and the bank reconciliation show desk payments without a new field.
"""

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from core.formatting import euro

CASH = "bar"
CARD = "Karte"
DESK_METHODS = [(CASH, _("bar")), (CARD, _("Karte (EC/Kreditkarte)"))]


def desk_payment_note(method):
    """The payment note for a desk payment; unknown methods are refused by the form before."""
    return {CASH: CASH, CARD: CARD}[method]


def receipt_number(payment):
    """'Q-2025-00042': the receipt (Quittung) is numbered by its payment, per year received."""
    return f"Q-{payment.received_on:%Y}-{payment.pk:05d}"


def desk_payment_refusal(amount, open_amount):
    """Why the desk may not take `amount` (German), or None.

    The desk takes what is open on the invoice, at most; a credit or a payment
    without an invoice is the office's business afterwards.
    """
    if open_amount <= 0:
        return gettext_now("Für diese Anmeldung ist nichts offen.")
    if amount <= 0:
        return gettext_now("Der Betrag muss größer als 0 sein.")
    if amount > open_amount:
        return gettext_now("Offen sind nur %(open)s; mehr kann am Empfang nicht kassiert werden.") % {
            "open": euro(open_amount)
        }
    return None
