"""The invoices box on the participant's personal page."""

from django import template
from django.conf import settings
from django.db.models import Q, Sum

from ..models import Invoice, Payment
from ..services import invoices, payments

register = template.Library()


@register.inclusion_tag("registrations/_personal_invoices.html")
def personal_money(registration):
    """Invoices, payment state, open amount and bank data of a registration (two queries, one without invoices)."""
    issued = list(Invoice.objects.filter(registration=registration).order_by("year", "sequence"))
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
    balance = _balance(registration, issued) if issued else None
    return {
        "registration": registration,
        "invoices": issued,
        "cancelled_ids": cancelled_ids,
        "current": current,
        "balance": balance,
        "show_transfer": current is not None and balance.open_amount > 0,
        "association": settings.ASSOCIATION,
        "iban": invoices.format_iban(settings.ASSOCIATION["iban"]),
        "reference": invoices.payment_reference(current) if current else "",
    }


def _balance(registration, issued):
    """payments.balance(registration), without reading the invoices a second time.

    The invoiced sum is the sum of the invoices already read for the box (all of the
    registration's invoices and Stornorechnungen, as payments.balance sums them);
    only the payments are aggregated in the database, exactly as there.
    """
    paid = Payment.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0))
    )
    return payments.Balance(
        invoiced=sum((invoice.amount for invoice in issued), payments.ZERO),
        paid=paid["total"] or payments.ZERO,
        has_invoice=bool(issued),
        has_refund=paid["refunds"] is not None,
    )
