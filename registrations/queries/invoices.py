"""Reads about invoices: the valid invoice of a registration, and who is overdue."""

from django.db.models import Q
from django.utils import timezone

from ..models import Invoice, Registration

OWING = (Registration.PaymentStatus.OPEN, Registration.PaymentStatus.PARTLY_PAID)
REMINDER = "payment_reminder"


def current_invoice(registration):
    """The registration's valid invoice (issued and not cancelled), or None."""
    return (
        Invoice.objects.filter(
            registration=registration, kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True
        )
        .order_by("-year", "-sequence")
        .first()
    )


def overdue_q(today):
    """Registrations with money open on a valid invoice whose due date has passed."""
    return Q(
        payment_status__in=OWING,
        invoices__kind=Invoice.Kind.INVOICE,
        invoices__cancelled_by__isnull=True,
        invoices__due_on__lt=today,
    )


def overdue_registrations(conference, today=None):
    """The conference's registrations whose open or partly paid invoice is past due."""
    today = today or timezone.localdate()
    return (
        Registration.objects.filter(conference=conference)
        .filter(overdue_q(today))
        .distinct()
        .select_related("conference")
        .order_by("last_name", "first_name", "pk")
    )


def last_reminder_at(registration):
    """When the last payment reminder was queued for the registration, or None."""
    return (
        registration.mails.filter(kind=REMINDER)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
