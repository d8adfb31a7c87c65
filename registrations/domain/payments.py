"""Payments, refunds and the payment status of a registration.

The payment status is derived from invoices and payments by one rule
(`payment_status_for`) and stored on the registration only so lists can filter
by it; every service that adds an invoice or a payment calls
`update_payment_status`.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from core.formatting import euro

from ..models import Payment, Registration
from ..queries.balances import balance
from ..rules.payments import ZERO, payment_status_for


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


def move_payments(previous, substitute):
    """Money paid for a place stays with the place: the previous registration's payments (and
    refunds) move to the substitute's registration, whose invoice they then pay. Both payment
    states are left for the caller to update once the invoices are settled.
    """
    for payment in Payment.objects.filter(registration=previous).order_by("pk"):
        payment.registration = substitute
        payment.save(update_fields=["registration"])


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


def mark_refunded(*, registrations, refunded_on, by=None, note=""):
    """Record the credit of each registration (more paid than owed) as paid back (bulk from the admin).

    Registrations with nothing to refund are skipped. Returns the refunds recorded.
    """
    refunds = []
    for registration in registrations:
        with transaction.atomic():
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            credit = balance(registration).credit
            if credit <= ZERO:
                continue
            refunds.append(
                record_refund(
                    registration=registration,
                    amount=credit,
                    refunded_on=refunded_on,
                    note=note or _("Erstattung überwiesen"),
                    by=by,
                )
            )
    return refunds
