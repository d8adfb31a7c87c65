"""Documents of the check-in desk: the receipt (Quittung) for money taken, the members' assembly list.

Rendering only (core.pdf.render_pdf); the payment is recorded by domain.payments.
"""

from django.utils import timezone

from core.formatting import euro
from core.pdf import render_pdf

from ..rules.desk import receipt_number


def receipt_filename(payment):
    return f"Quittung_{receipt_number(payment)}.pdf"


def receipt_pdf(payment, *, invoice=None):
    """A receipt for money received at the desk, to hand over on the spot."""
    registration = payment.registration
    return render_pdf(
        "documents/receipt.html",
        {
            "payment": payment,
            "registration": registration,
            "conference": registration.conference,
            "number": receipt_number(payment),
            "amount": euro(payment.amount),
            "invoice": invoice,
            "recorded_by": payment.recorded_by.get_full_name() or payment.recorded_by.get_username()
            if payment.recorded_by
            else "",
        },
    )


def assembly_list_pdf(item, people, *, day=None):
    """Attendance list of a members' assembly: eligible members, checked in that day, a signature column."""
    day = day or timezone.localtime(item.starts_at).date()
    return render_pdf(
        "documents/assembly_list.html",
        {
            "item": item,
            "conference": item.conference,
            "day": day,
            "rows": [(p.registration, day in p.days) for p in people],
        },
    )
