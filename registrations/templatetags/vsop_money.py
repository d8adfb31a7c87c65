"""The invoices box on the participant's personal page."""

from django import template
from django.conf import settings

from ..models import Invoice
from ..services import invoices, payments

register = template.Library()


@register.inclusion_tag("registrations/_personal_invoices.html")
def personal_money(registration):
    """Invoices, payment state, open amount and bank data of a registration (three queries)."""
    issued = list(
        Invoice.objects.filter(registration=registration)
        .select_related("cancels")
        .order_by("year", "sequence")
    )
    cancelled_ids = {invoice.cancels_id for invoice in issued if invoice.cancels_id}
    current = next(
        (
            invoice
            for invoice in reversed(issued)
            if invoice.kind == Invoice.Kind.INVOICE and invoice.pk not in cancelled_ids
        ),
        None,
    )
    balance = payments.balance(registration) if issued else None
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
