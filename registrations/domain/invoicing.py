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
from ..models import Invoice, InvoiceLine, InvoiceSequence, Registration
from ..queries.balances import balance
from ..queries.invoices import current_collective_invoice, current_invoice, invoice_concerning
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
    # `frozen` may carry group_registration (a collective invoice) besides the frozen texts.
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
        group_registration_id=invoice.group_registration_id,
    )
    # A Stornorechnung of a collective invoice lists the lines it cancels, negated.
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=storno,
            position=line.position,
            registration_id=line.registration_id,
            participant_name=line.participant_name,
            description=line.description,
            amount=-line.amount,
        )
        for line in invoice.lines.all()
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
        if registration.is_billed_collectively:
            # The person's fee is a line of the group's collective invoice, billed to the group's address.
            group = registration.group_registration
            storno, new_invoice = update_collective_invoice(group, reason=reason, now=now)
            if notify and (storno is not None or new_invoice is not None):
                queue_collective_invoice_mail(group, new_invoice=new_invoice, storno=storno)
            return new_invoice or current_collective_invoice(group)
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


def queue_invoice_mail(*, registration, new_invoice=None, storno=None, substitute_name=""):
    """Mail a new invoice and/or a Stornorechnung, the PDFs attached by reference.

    To the accounts office when the invoice has its own address (the participant in
    copy, no personal link), else to the participant. A corrected invoice states what
    was already paid and what remains. Call inside the transaction that issued them:
    the mail is delivered after commit and the PDFs are rendered then, outside the locks.
    `substitute_name`: the Stornorechnung cancels an invoice because the place went to this
    substitute; what was paid moves to their invoice instead of being refunded.
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
            context={
                "new_invoice": new_invoice,
                "storno": storno,
                "invoice": invoice,
                "substitute_name": substitute_name,
            },
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
    return is_chargeable(registration) and not registration.is_billed_collectively


def is_chargeable(registration):
    """Binding, holding a place, confirmed, with a fee: owes its fee on some invoice (its own or
    its group's collective invoice)."""
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
    if registration.is_billed_collectively:
        group = registration.group_registration
        if group.email_confirmed_at is not None:  # before, confirm_group issues it for everyone at once
            storno, invoice = update_collective_invoice(group)
            if storno is not None or invoice is not None:
                queue_collective_invoice_mail(group, new_invoice=invoice, storno=storno)
        return None  # the person's own mails carry no invoice: the employer gets the collective one
    if not is_invoiceable(registration):
        return current_invoice(registration)
    return _issue_once(registration, now=timezone.now())


def cancel_for_cancellation(registration, *, now=None, mail_participant=True):
    """A registration cancelled in time gets a Stornorechnung for its invoice. Returns it, or None.

    After the free period the invoice stays due (rules.cancellation.cancellation_cost). A person on
    a collective invoice leaves it: a Stornorechnung and a new collective invoice for the others.
    An accounts office with its own address is mailed the Stornorechnung; the person is
    mailed it here only with `mail_participant` (the cancellation mail attaches it otherwise).
    """
    if not cancellation_cost(
        registration, invoice=invoice_concerning(registration), now=now
    ).invoice_is_cancelled:
        return None
    if registration.is_billed_collectively:
        group = registration.group_registration
        storno, invoice = update_collective_invoice(group, reason=REASON_CANCELLED, now=now)
        if storno is not None or invoice is not None:
            queue_collective_invoice_mail(group, new_invoice=invoice, storno=storno)
        return storno
    storno = cancel_invoice(registration=registration, reason=REASON_CANCELLED)
    if mail_participant or goes_to_accounts_office(storno, registration):
        queue_invoice_mail(registration=registration, storno=storno)
    return storno


def hand_over_invoice(previous, substitute, *, now=None):
    """Billing after a substitution: each person's invoices stay on their own registration.

    The rule: the previous registration's valid invoice is cancelled with a
    Stornorechnung on the previous registration (it names the previous person);
    the substitute's registration gets a new invoice with its own fee and the
    same billing data (billing continues with the same party, usually the
    employer). Payments already made for the place move to the substitute's
    registration (payments.move_payments) and the new invoice credits them, so
    it asks only for what is still owed and nothing is owed twice; the previous registration then owes
    nothing and holds no credit. A place without an invoice (free, or on the
    waiting list) hands over none. Runs in the caller's transaction with the
    conference locked; returns (storno, new_invoice), either may be None.
    """
    now = now or timezone.now()
    if previous.is_billed_collectively:
        return _hand_over_collective(previous, substitute, now=now)
    invoice = current_invoice(previous)
    storno = None
    if invoice is not None:
        invoice.registration = previous
        storno = _cancel(invoice, reason=REASON_SUBSTITUTED, now=now)
    move_payments(previous, substitute)
    # The new invoice credits what was paid for the place, so it asks only for what is still owed.
    new_invoice = (
        _issue(substitute, now=now, credit_payments=True)
        if is_invoiceable(substitute) and invoice is not None
        else None
    )
    update_payment_status(previous)
    update_payment_status(substitute)
    return storno, new_invoice


# ---------------------------------------------------------------- collective invoices (Sammelrechnung)

REASON_GROUP_CHANGED = "Gruppe geändert"


def _collective_members(group):
    """The group's members who owe their fee now, in registration order: one line each."""
    members = Registration.objects.filter(group_registration=group).select_related("group_registration")
    return [member for member in members.order_by("pk") if is_chargeable(member)]


def update_collective_invoice(group, *, reason=REASON_GROUP_CHANGED, now=None):
    """Bring the group's collective invoice in line with who owes a fee: one line per person.

    An issued invoice is never edited: when the people or fees differ from the valid collective
    invoice, it is cancelled with a Stornorechnung and a new collective invoice is issued for the
    people who remain, crediting what the employer paid. It is booked on its first person's
    registration; when that changes, the payments move with it. Runs inside the caller's
    transaction with the conference locked. Returns (storno, new_invoice): both None when nothing
    changed; new_invoice None when nobody owes anything any more.
    """
    now = now or timezone.now()
    members = _collective_members(group)
    current = current_collective_invoice(group)
    wanted = [(member.pk, member.fee) for member in members]
    if current is None and not members:
        return None, None
    if (
        current is not None
        and [(line.registration_id, line.amount) for line in current.lines.all()] == wanted
    ):
        return None, None
    storno = _cancel(current, reason=reason, now=now) if current is not None else None
    if not members:
        return storno, None
    holder = members[0]
    if current is not None and current.registration_id != holder.pk:
        move_payments(current.registration, holder)
        update_payment_status(current.registration)
    total = sum((member.fee for member in members), ZERO)
    issued_on = timezone.localdate(now)
    conference = holder.conference
    with translation.override("de"):
        invoice = _create(
            registration=holder,
            group_registration=group,
            kind=Invoice.Kind.INVOICE,
            issued_on=issued_on,
            due_on=issued_on + dt.timedelta(days=conference.payment_due_days),
            amount=total,
            credited_payments=credited_payments(paid=balance(holder).paid, amount=total),
            recipient="\n".join(_group_recipient_lines(group)),
            recipient_email=group.billing_email or group.contact_email,
            order_number=group.order_number,
            cost_centre=group.cost_centre,
            leitweg_id=group.leitweg_id,
            participant_name=(_("Sammelrechnung für %(count)d Personen") % {"count": len(members)})[:250],
            description=(
                _("Teilnahme an der %(title)s in %(city)s")
                % {"title": conference.title, "city": conference.city}
            )[:300],
            service_period=_service_period(conference),
            service_place=_service_place(conference),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                registration=member,
                participant_name=member.full_name[:250],
                description=_description(member),
                amount=member.fee,
            )
            for position, member in enumerate(members, start=1)
        )
    update_payment_status(holder)
    return storno, invoice


def _group_recipient_lines(group):
    lines = [
        group.billing_organisation,
        group.billing_department,
        _("z. Hd. %(name)s") % {"name": group.contact_name},
        group.billing_street,
        f"{group.billing_postcode} {group.billing_city}".strip(),
    ]
    return [str(line).strip() for line in lines if str(line).strip()]


def _hand_over_collective(previous, substitute, *, now):
    """A substitute inside a collective invoice takes the previous person's line: Stornorechnung and
    a new collective invoice with the substitute's name and fee (hand_over_invoice for one person)."""
    group = previous.group_registration
    substitute.group_registration = group
    substitute.save(update_fields=["group_registration", "updated_at"])
    storno, invoice = update_collective_invoice(group, reason=REASON_SUBSTITUTED, now=now)
    if storno is not None or invoice is not None:
        queue_collective_invoice_mail(group, new_invoice=invoice, storno=storno)
    return None, None  # the people's own mails carry no invoice: the employer gets the collective one


def queue_collective_invoice_mail(group, *, new_invoice=None, storno=None):
    """Mail a collective invoice and/or its Stornorechnung to the employer: the billing address when
    given (the contact in copy), else the contact. Without personal links: it is meant to be forwarded."""
    invoice = new_invoice or storno
    to_office = bool(group.billing_email) and group.billing_email != group.contact_email
    context = {"group": group, "new_invoice": new_invoice, "storno": storno, "invoice": invoice}
    language = "de" if to_office else group.language
    subject, text, html = outbox.render_mail("group_invoice_documents", context, language)
    rendered = outbox.RenderedMail(
        "group_invoice_documents", group.billing_email or group.contact_email, subject, text, html
    )
    return outbox.queue_mail(
        registration=invoice.registration,
        template="group_invoice_documents",
        kind="invoice_documents",
        to=rendered.to,
        cc=group.contact_email if to_office else "",
        dedup_key=f"invoice-{invoice.number}",
        rendered=rendered,
        attachments=[
            attachment
            for document in (storno, new_invoice)
            if document is not None
            for attachment in attachments_for(document, to_accounts_office=to_office)
        ],
    )
