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

from core.exceptions import RegistrationError

from ..documents.invoice import attachments_for
from ..models import Invoice, InvoiceSequence, Registration
from ..queries.balances import balance
from ..queries.invoices import current_invoice
from ..rules.billing import goes_to_accounts_office
from ..rules.cancellation import cancellation_cost
from ..rules.payments import ZERO, credited_payments
from . import outbox
from .locking import lock_conference
from .payments import move_payments, update_payment_status

REASON_CANCELLED = "Stornierung der Anmeldung"
REASON_REISSUED = "Rechnung neu ausgestellt"
REASON_SUBSTITUTED = "Platz an eine Ersatzperson übergeben"


def lock_invoice_sequence(year):
    """Lock and return the number sequence of a year, creating it on first use.

    Usually the row exists and is locked with one query. On first use,
    `get_or_create` runs the insert in a savepoint; when a concurrent request
    created the row first, it falls back to reading it, and the lock below
    then waits for that request to commit.
    """
    try:
        return InvoiceSequence.objects.select_for_update().get(year=year)
    except InvoiceSequence.DoesNotExist:
        pass
    InvoiceSequence.objects.get_or_create(year=year)
    return InvoiceSequence.objects.select_for_update().get(year=year)


def _next_number(year):
    sequence = lock_invoice_sequence(year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def format_number(year, sequence):
    return f"{year}-{sequence:04d}"


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
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.conference = conference
        return _issue_once(registration, now=now)


def _issue_once(registration, *, now):
    """issue_invoice with the conference and the registration already locked by the caller."""
    existing = current_invoice(registration)
    if existing is not None:
        return existing
    if not (registration.is_binding and registration.holds_place):
        raise RegistrationError(
            _("Eine Rechnung gibt es erst für eine verbindliche Anmeldung mit gesichertem Platz.")
        )
    return _issue(registration, now=now)


def _issue(registration, *, now, credit_payments=False):
    """Create the invoice from the registration's current fee and billing data (rows already locked).

    `credit_payments`: a corrected invoice credits the money already received and asks for the rest.
    """
    if registration.fee is None:
        raise RegistrationError(_("Für diese Anmeldung ist noch keine Teilnahmegebühr festgelegt."))
    conference = registration.conference
    issued_on = timezone.localdate(now)
    paid = balance(registration).paid if credit_payments else ZERO
    with translation.override("de"):
        invoice = _create(
            registration=registration,
            kind=Invoice.Kind.INVOICE,
            issued_on=issued_on,
            due_on=issued_on + dt.timedelta(days=conference.payment_due_days),
            amount=registration.fee,
            credited_payments=credited_payments(paid=paid, amount=registration.fee),
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


def reissue_invoice(*, registration, reason=REASON_REISSUED, now=None, notify=True):
    """Cancel the valid invoice (if any) and issue a new one with the current fee and billing data.

    Used after the office switches the fee category or corrects billing data;
    both documents are mailed to the participant unless `notify` is False.
    Returns the new invoice; the Stornorechnung is `old_invoice.cancelled_by`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.conference = conference
        invoice = current_invoice(registration)
        # A registration cancelled after the free period keeps its invoice; its
        # billing data can still be corrected.
        if invoice is None and not (registration.is_binding and registration.holds_place):
            raise RegistrationError(
                _("Eine Rechnung gibt es erst für eine verbindliche Anmeldung mit gesichertem Platz.")
            )
        storno = None
        if invoice is not None:
            invoice.registration = registration
            storno = _cancel(invoice, reason=reason, now=now)
        new_invoice = _issue(registration, now=now, credit_payments=True)
        if notify:
            queue_invoice_mail(registration=registration, new_invoice=new_invoice, storno=storno)
    return new_invoice


def queue_invoice_mail(*, registration, new_invoice=None, storno=None):
    """Mail a new invoice and/or a Stornorechnung, the PDFs attached by reference.

    To the accounts office when the invoice has its own address (the participant in
    copy, no personal link), else to the participant. A corrected invoice states what
    was already paid and what remains. Call inside the transaction that issued them:
    the mail is delivered after commit and the PDFs are rendered then, outside the locks.
    """
    invoice = new_invoice or storno
    to_office = goes_to_accounts_office(invoice, registration)
    with transaction.atomic():
        queued = outbox.queue_mail(
            registration=registration,
            template="invoice_documents_accounts" if to_office else "invoice_documents",
            kind="invoice_documents",
            to=invoice.recipient_email if to_office else None,
            cc=registration.email if to_office else "",
            with_personal_link=not to_office,
            context={"new_invoice": new_invoice, "storno": storno, "invoice": invoice},
            dedup_key=f"invoice-{invoice.number}",
            attachments=[
                attachment
                for document in (storno, new_invoice)
                if document is not None
                for attachment in attachments_for(document, to_accounts_office=to_office)
            ],
        )
    return queued


def mark_submitted_to_portal(*, invoices, on):
    """Note the day the office uploaded the XRechnung to the buyer's portal; returns how many.

    A record of delivery, not a change of the issued invoice's content.
    """
    return Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]).update(
        submitted_to_portal_on=on
    )


def is_invoiceable(registration):
    """Binding, holding a place, its address confirmed and with a fee to pay.

    An unconfirmed registration gets no invoice number: it may lapse, and the
    numbering stays gapless (lifecycle.confirm_address issues it on confirmation).
    """
    return (
        registration.is_binding
        and registration.holds_place
        and not registration.awaits_confirmation
        and registration.fee is not None
        and registration.fee > 0
    )


def issue_for_binding(registration):
    """The invoice of a registration that has just become binding with a place (issued once), or None.

    Runs inside the caller's transaction, with the conference row locked and the
    registration as the caller has just saved it (locked, or new), so it neither
    locks nor reads them again. A free place gets no invoice.
    """
    if not is_invoiceable(registration):
        return current_invoice(registration)
    return _issue_once(registration, now=timezone.now())


def cancel_for_cancellation(registration, *, now=None):
    """A registration cancelled in time gets a Stornorechnung for its invoice, mailed to the person.

    After the free period the invoice stays due (rules.cancellation.cancellation_cost).
    """
    if not cancellation_cost(
        registration, invoice=current_invoice(registration), now=now
    ).invoice_is_cancelled:
        return None
    storno = cancel_invoice(registration=registration, reason=REASON_CANCELLED)
    queue_invoice_mail(registration=registration, storno=storno)
    return storno


def hand_over_invoice(previous, substitute, *, now=None):
    """Billing after a substitution: each person's invoices stay on their own registration.

    The rule: the previous registration's valid invoice is cancelled with a
    Stornorechnung on the previous registration (it names the previous person);
    the substitute's registration gets a new invoice with its own fee and the
    same billing data (billing continues with the same party, usually the
    employer). Payments already made for the place move to the substitute's
    registration (payments.move_payments), so what was paid counts against the
    new invoice and nothing is owed twice; the previous registration then owes
    nothing and holds no credit. A place without an invoice (free, or on the
    waiting list) hands over none. Runs in the caller's transaction with the
    conference locked; returns (storno, new_invoice), either may be None.
    """
    now = now or timezone.now()
    invoice = current_invoice(previous)
    storno = None
    if invoice is not None:
        invoice.registration = previous
        storno = _cancel(invoice, reason=REASON_SUBSTITUTED, now=now)
    move_payments(previous, substitute)
    new_invoice = _issue(substitute, now=now) if is_invoiceable(substitute) and invoice is not None else None
    update_payment_status(previous)
    update_payment_status(substitute)
    return storno, new_invoice
