"""Invoices and cancellation invoices (Stornorechnungen).

Numbers are gapless per year (`2025-0001`): the next number is taken from the
year's `InvoiceSequence` row, locked inside the transaction that creates the
invoice, so a rollback gives the number back and two requests never get the
same one. Lock order: conference → (workshops) → invoice sequence.

An issued invoice is never edited. A change of fee or billing data, or a
cancellation, issues a Stornorechnung with the negative amount that `cancels`
the original and, where needed, a new invoice.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Invoice, InvoiceSequence, Registration
from . import hooks
from .locking import lock_conference
from .payments import update_payment_status
from .places import RegistrationError

REASON_CANCELLED = "Stornierung der Anmeldung"
REASON_REISSUED = "Rechnung neu ausgestellt"


def lock_invoice_sequence(year):
    """Lock and return the number sequence of a year, creating it on first use.

    `get_or_create` runs the insert in a savepoint; when a concurrent request
    created the row first, it falls back to reading it, and the lock below
    then waits for that request to commit.
    """
    InvoiceSequence.objects.get_or_create(year=year)
    return InvoiceSequence.objects.select_for_update().get(year=year)


def _next_number(year):
    sequence = lock_invoice_sequence(year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def format_number(year, sequence):
    return f"{year}-{sequence:04d}"


def current_invoice(registration):
    """The registration's valid invoice (issued and not cancelled), or None."""
    return (
        Invoice.objects.filter(
            registration=registration, kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True
        )
        .order_by("-year", "-sequence")
        .first()
    )


def _recipient_lines(registration):
    if registration.billing_recipient:
        lines = registration.billing_address_lines
    else:  # no billing data given (e.g. registered by the office): the person at their organisation
        lines = [registration.full_name, registration.organisation]
    return [str(line).strip() for line in lines if str(line).strip()]


def _service_period(conference):
    start = timezone.localtime(conference.starts_at).date()
    end = timezone.localtime(conference.ends_at).date()
    if start == end:
        return date_format(start, "d.m.Y")
    return f"{date_format(start, 'd.m.Y')} – {date_format(end, 'd.m.Y')}"


def _service_place(conference):
    return ", ".join(part for part in (conference.venue_name, conference.city) if part)[:200]


def _description(registration):
    conference = registration.conference
    text = _("Teilnahme an der %(title)s in %(city)s") % {
        "title": conference.title,
        "city": conference.city,
    }
    if registration.fee_category:
        text = f"{text} ({registration.get_fee_category_display()})"
    return text[:300]


def _create(*, registration, kind, issued_on, due_on, amount, cancels=None, **frozen):
    year = issued_on.year
    sequence = _next_number(year)
    return Invoice.objects.create(
        number=format_number(year, sequence),
        year=year,
        sequence=sequence,
        kind=kind,
        registration=registration,
        cancels=cancels,
        issued_on=issued_on,
        due_on=due_on,
        amount=amount,
        **frozen,
    )


def issue_invoice(*, registration, now=None):
    """Issue the invoice for a binding registration that holds a place, with its frozen fee.

    Idempotent: when the registration already has a valid invoice, that one is
    returned and no number is used.
    """
    now = now or timezone.now()
    with transaction.atomic(), translation.override("de"):
        conference = lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.conference = conference
        existing = current_invoice(registration)
        if existing is not None:
            return existing
        if not (registration.is_binding and registration.holds_place):
            raise RegistrationError(
                _("Eine Rechnung gibt es erst für eine verbindliche Anmeldung mit gesichertem Platz.")
            )
        if registration.fee is None:
            raise RegistrationError(_("Für diese Anmeldung ist noch keine Teilnahmegebühr festgelegt."))
        issued_on = timezone.localdate(now)
        invoice = _create(
            registration=registration,
            kind=Invoice.Kind.INVOICE,
            issued_on=issued_on,
            due_on=issued_on + dt.timedelta(days=conference.payment_due_days),
            amount=registration.fee,
            recipient="\n".join(_recipient_lines(registration)),
            recipient_email=registration.billing_email or registration.email,
            order_number=registration.order_number,
            cost_centre=registration.cost_centre,
            leitweg_id=registration.leitweg_id,
            participant_name=registration.full_name[:250],
            description=_description(registration),
            service_period=_service_period(conference),
            service_place=_service_place(conference),
        )
        update_payment_status(registration)
    return invoice


def _cancel(invoice, *, reason, now):
    issued_on = timezone.localdate(now)
    storno = _create(
        registration=invoice.registration,
        kind=Invoice.Kind.CANCELLATION,
        cancels=invoice,
        issued_on=issued_on,
        due_on=issued_on,
        amount=-invoice.amount,
        recipient=invoice.recipient,
        recipient_email=invoice.recipient_email,
        order_number=invoice.order_number,
        cost_centre=invoice.cost_centre,
        leitweg_id=invoice.leitweg_id,
        participant_name=invoice.participant_name,
        description=f"{invoice.description} – {reason}"[:300] if reason else invoice.description,
        service_period=invoice.service_period,
        service_place=invoice.service_place,
    )
    update_payment_status(invoice.registration)
    return storno


def cancel_invoice(*, registration, reason, now=None):
    """Cancel the registration's valid invoice with a Stornorechnung (own number, negative amount)."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        invoice = current_invoice(registration)
        if invoice is None:
            raise RegistrationError(_("Für diese Anmeldung gibt es keine gültige Rechnung."))
        invoice.registration = registration
        return _cancel(invoice, reason=reason, now=now)


def reissue_invoice(*, registration, reason=REASON_REISSUED, now=None):
    """Cancel the valid invoice (if any) and issue a new one with the current fee and billing data.

    Used after the office switches the fee category or corrects billing data.
    Returns the new invoice; the Stornorechnung is `old_invoice.cancelled_by`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not (registration.is_binding and registration.holds_place):
            raise RegistrationError(
                _("Eine Rechnung gibt es erst für eine verbindliche Anmeldung mit gesichertem Platz.")
            )
        invoice = current_invoice(registration)
        if invoice is not None:
            invoice.registration = registration
            _cancel(invoice, reason=reason, now=now)
        new_invoice = issue_invoice(registration=registration, now=now)
    return new_invoice


@hooks.on_binding
def invoice_binding_registration(registration):
    """A binding registration holding a place gets its invoice (once; free places get none)."""
    if not (registration.is_binding and registration.holds_place):
        return
    if registration.fee is None or registration.fee <= 0:
        return
    issue_invoice(registration=registration)


@hooks.on_cancel
def cancel_invoice_of_cancelled_registration(registration):
    """A cancelled registration's invoice is cancelled in full (the terms name no cancellation fee)."""
    if current_invoice(registration) is not None:
        cancel_invoice(registration=registration, reason=REASON_CANCELLED)
