"""Payments, refunds and the payment status of a registration.

The payment status is derived from invoices and payments by one rule
(`payment_status_for`) and stored on the registration only so lists can filter
by it; every service that adds an invoice or a payment calls
`update_payment_status`.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import euro

from ..models import Invoice, OutgoingMailAttachment, Payment, Registration
from . import mail
from .places import RegistrationError

logger = logging.getLogger(__name__)

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


def balance(registration):
    """Invoiced and paid sums of a registration (two queries)."""
    invoices = Invoice.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), count=Count("pk")
    )
    payments = Payment.objects.filter(registration=registration).aggregate(
        total=Sum("amount"), refunds=Sum("amount", filter=Q(amount__lt=0))
    )
    return Balance(
        invoiced=invoices["total"] or ZERO,
        paid=payments["total"] or ZERO,
        has_invoice=bool(invoices["count"]),
        has_refund=payments["refunds"] is not None,
    )


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


def update_payment_status(registration):
    """Recompute and store the registration's payment status; returns it."""
    status = payment_status_for(balance(registration))
    if registration.payment_status != status:
        registration.payment_status = status
        registration.save(update_fields=["payment_status", "updated_at"])
    return status


def _money(amount):
    return Decimal(str(amount)).quantize(Decimal("0.01"))


def record_payment(*, registration, amount, received_on, note="", by=None):
    """Record money received for a registration (a negative amount is a refund) and update its status."""
    amount = _money(amount)
    if amount == ZERO:
        raise RegistrationError(_("Der Betrag darf nicht 0 sein."))
    with transaction.atomic():
        # The registration row serialises payments, so the status is computed from all of them.
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        payment = Payment.objects.create(
            registration=registration,
            amount=amount,
            received_on=received_on,
            note=note[:300],
            recorded_by=by,
        )
        update_payment_status(registration)
    return payment


def record_refund(*, registration, amount, refunded_on, note="", by=None):
    """Record money paid back (`amount` positive); never more than was paid."""
    amount = _money(amount)
    if amount <= ZERO:
        raise RegistrationError(_("Bitte geben Sie den erstatteten Betrag als positive Zahl an."))
    with transaction.atomic():
        paid = balance(Registration.objects.select_for_update().get(pk=registration.pk)).paid
        if amount > paid:
            raise RegistrationError(
                _("Es kann höchstens der gezahlte Betrag von %(paid)s erstattet werden.")
                % {"paid": euro(paid)}
            )
        return record_payment(
            registration=registration,
            amount=-amount,
            received_on=refunded_on,
            note=note or _("Erstattung"),
            by=by,
        )


def mark_paid(*, registrations, received_on, by=None, note=""):
    """Record the open amount of each registration as received (bulk from the admin).

    Registrations with nothing open are skipped. Returns the payments recorded.
    """
    payments = []
    for registration in registrations:
        with transaction.atomic():
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            open_amount = balance(registration).open_amount
            if open_amount <= ZERO:
                continue
            payments.append(
                record_payment(
                    registration=registration,
                    amount=open_amount,
                    received_on=received_on,
                    note=note or _("als bezahlt markiert"),
                    by=by,
                )
            )
    return payments


OWING = (Registration.PaymentStatus.OPEN, Registration.PaymentStatus.PARTLY_PAID)


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


REMINDER = "payment_reminder"


def send_payment_reminder(*, registration, by=None, now=None):
    """Queue a payment reminder with the open amount, bank data and the invoice attached.

    The queued outbox mail (kind `payment_reminder`) is the record of the reminder.
    """
    from .invoices import current_invoice, format_iban, invoice_filename, payment_reference

    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        invoice = current_invoice(registration)
        open_amount = balance(registration).open_amount
        if invoice is None or open_amount <= ZERO:
            raise RegistrationError(
                _("%(name)s: Es ist kein Betrag offen, eine Zahlungserinnerung ist nicht nötig.")
                % {"name": registration.full_name}
            )
        queued = mail.queue_mail(
            registration=registration,
            template=REMINDER,
            context={
                "invoice": invoice,
                "open_amount": open_amount,
                "paid": balance(registration).paid,
                "iban": format_iban(settings.ASSOCIATION["iban"]),
                "reference": payment_reference(invoice),
                "today": timezone.localdate(now),
            },
        )
        OutgoingMailAttachment.objects.create(
            mail=queued, invoice=invoice, filename=invoice_filename(invoice), mimetype="application/pdf"
        )
    if by is not None:
        logger.info("Payment reminder for registration %s queued by user %s", registration.pk, by.pk)
    return queued
