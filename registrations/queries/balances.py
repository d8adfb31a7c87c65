"""What a registration was invoiced and what it paid."""

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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


def balances_for(registration_ids):
    """{registration id: Balance} for many registrations in two grouped queries (lists, dashboard, exports)."""
    ids = list(registration_ids)
    invoiced = {
        row["registration_id"]: row
        for row in Invoice.objects.filter(registration_id__in=ids)
        .values("registration_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    }
    paid = {
        row["registration_id"]: row
        for row in Payment.objects.filter(registration_id__in=ids)
        .values("registration_id")
        .annotate(total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0)))
        .order_by()
    }
    result = {}
    for pk in ids:
        inv, pay = invoiced.get(pk, {}), paid.get(pk, {})
        result[pk] = Balance(
            invoiced=inv.get("total") or ZERO,
            paid=pay.get("total") or ZERO,
            has_invoice=bool(inv.get("count")),
            has_refund=pay.get("refunds") is not None,
        )
    return result


def sum_per_registration(model, *, outer="pk"):
    """The sum of `model.amount` of one registration, as a subquery on the outer row's `outer` field."""
    total = (
        model.objects.filter(registration=OuterRef(outer))
        .order_by()
        .values("registration")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=10, decimal_places=2)),
        Value(ZERO),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )


def with_balance(registrations):
    """Annotate `invoiced_total` and `paid_total` per registration (subqueries: no extra query per row)."""
    return registrations.annotate(
        invoiced_total=sum_per_registration(Invoice), paid_total=sum_per_registration(Payment)
    )
