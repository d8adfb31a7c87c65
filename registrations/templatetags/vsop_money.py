"""The invoices box on the participant's personal page."""

from django import template
from django.conf import settings

from ..documents.invoice import format_iban, payment_reference
from ..models import Invoice
from ..queries.balances import balance as balance_of

register = template.Library()


@register.inclusion_tag("registrations/_personal_invoices.html")
def personal_money(registration, office_view=False):
    """Invoices, payment state, open amount and bank data of a registration (two queries, one without invoices).

    `office_view`: the office reads the page; the PDFs link to the admin, not behind the personal link."""
    # A collective invoice is the group's (its page shows it), even on the registration it is booked on.
    issued = list(
        Invoice.objects.filter(registration=registration, group_registration__isnull=True).order_by(
            "year", "sequence"
        )
    )
    by_pk = {invoice.pk: invoice for invoice in issued}
    for invoice in issued:  # a Stornorechnung cancels an invoice of the same registration
        if invoice.cancels_id in by_pk:
            invoice.cancels = by_pk[invoice.cancels_id]
    cancelled_ids = {invoice.cancels_id for invoice in issued if invoice.cancels_id}
    current = next(
        (
            invoice
            for invoice in reversed(issued)
            if invoice.kind == Invoice.Kind.INVOICE and invoice.pk not in cancelled_ids
        ),
        None,
    )
    balance = balance_of(registration, invoices=issued) if issued else None
    return {
        "registration": registration,
        "office_view": office_view,
        "invoices": issued,
        "cancelled_ids": cancelled_ids,
        "current": current,
        "balance": balance,
        "show_transfer": current is not None and balance.open_amount > 0,
        "association": settings.ASSOCIATION,
        "iban": format_iban(settings.ASSOCIATION["iban"]),
        "reference": payment_reference(current) if current else "",
    }
