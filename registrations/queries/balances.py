"""What a registration was invoiced and what it paid."""

from django.db.models import Count, Q, Sum

from ..models import Invoice, Payment
from ..rules.payments import ZERO, Balance


def balance(registration, *, invoices=None):
    """Invoiced and paid sums of a registration (two queries).

    `invoices`: all of the registration's invoices and Stornorechnungen when the
    caller has read them already (the personal page); then only the payments are
    aggregated in the database.
    """
    if invoices is None:
        totals = Invoice.objects.filter(registration=registration).aggregate(
            total=Sum("amount"), count=Count("pk")
        )
        invoiced, has_invoice = totals["total"] or ZERO, bool(totals["count"])
    else:
        invoiced, has_invoice = sum((invoice.amount for invoice in invoices), ZERO), bool(invoices)
    payments = Payment.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0))
    )
    return Balance(
        invoiced=invoiced,
        paid=payments["total"] or ZERO,
        has_invoice=has_invoice,
        has_refund=payments["refunds"] is not None,
    )


def balances_of(registration_ids):
    """{registration id: Balance} for many registrations in two queries (check-in list, search)."""
    ids = list(registration_ids)
    invoiced = {
        row["registration_id"]: row
        for row in Invoice.objects.filter(registration_id__in=ids)
        .order_by()  # the default ordering would split the groups
        .values("registration_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
    }
    paid = {
        row["registration_id"]: row
        for row in Payment.objects.filter(registration_id__in=ids)
        .order_by()
        .values("registration_id")
        .annotate(total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0)))
    }
    result = {}
    for pk in ids:
        invoices, payments = invoiced.get(pk, {}), paid.get(pk, {})
        result[pk] = Balance(
            invoiced=invoices.get("total") or ZERO,
            paid=payments.get("total") or ZERO,
            has_invoice=bool(invoices.get("count")),
            has_refund=payments.get("refunds") is not None,
        )
    return result
